import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock, utcDay } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { parseCash } from '../ledger/cassette-cash';
import { ReadLedgerEntry } from '../ledger/ledger-entry.view';
import { LedgerService } from '../ledger/ledger.service';
import { LockedCassette } from '../ledger/movement';
import { PostingService } from '../ledger/posting.service';
import { MachinesService } from '../machines/machines.service';
import { AtmReversalDto, CorrectionDto } from './dto/reversal.dto';
import { checkAtmReversal, correctionLegs, ReversibleRow } from './reversal-rules';
import { AtmReversalView, CorrectionView } from './reversal.view';

/**
 * Reversals as movements through the posting core, in one transaction with
 * the undone rows locked first: of concurrent reversals of one row the first
 * applies and the others, once it commits, see it done (409
 * ALREADY_REVERSED). The unique `reverses` column backs that up in the
 * database itself.
 */
@Injectable()
export class ReversalsService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly posting: PostingService,
    private readonly ledger: LedgerService,
    private readonly machines: MachinesService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  reverseAtmWithdrawal(machineId: string, id: number, dto: AtmReversalDto): Promise<AtmReversalView> {
    return this.runner.run(async (em) => {
      const [row] = await this.ledger.lockForReversal(em, [id]);
      // 404 MACHINE_NOT_FOUND ranks before anything about the row; a row of this machine proves it exists.
      if (row?.machineId !== machineId) await this.machines.get(machineId);
      if (!row) throw transactionNotFound(id);
      const window = { seconds: this.config.reversalWindowSeconds, now: this.clock.nowIso() };
      const plan = checkAtmReversal(reversible(row), machineId, dto.dispensed ?? [], window);
      const posted = await this.posting.postIn(em, {
        type: 'atm_reversal',
        // The room given back is the withdrawal's day's, not today's.
        legs: [{ account: row.accountNumber as string, amount: plan.credit, reverses: row.id, limitDay: utcDay(row.createdAt) }],
        machine: { id: machineId, cash: plan.returned },
        reference: dto.reason ?? null,
      });
      const [posting] = posted.rows;
      return {
        transaction_id: posting.id,
        reverses: row.id,
        account_number: posting.account as string,
        balance: formatMoney(posting.balance as bigint),
        amount: formatMoney(plan.credit),
        returned: plan.returned.map((p) => ({
          denomination: formatMoney(p.denomination),
          kind: kindOf(posted.cassettes ?? [], p.denomination),
          count: p.count,
        })),
      };
    });
  }

  correct(id: number, dto: CorrectionDto): Promise<CorrectionView> {
    return this.runner.run(async (em) => {
      const rows = await this.lockWithTransfer(em, id);
      const row = rows.find((r) => r.id === id) as ReadLedgerEntry;
      const legs = correctionLegs(reversible(row), rows.map(reversible));
      const counterparty = new Map(rows.map((r) => [r.id, r.counterpartyAccount ?? undefined]));
      const posted = await this.posting.postIn(em, {
        type: 'reversal',
        legs: legs.map((leg) => ({ ...leg, counterparty: counterparty.get(leg.reverses) })),
        reference: dto.reason,
      });
      return {
        transaction_ids: posted.rows.map((r) => r.id),
        reverses: id,
        accounts: posted.rows.map((r) => ({ account_number: r.account as string, balance: formatMoney(r.balance as bigint) })),
      };
    });
  }

  /** The row, and the other leg when it is a transfer's, locked in id order (two corrections of one transfer never deadlock). */
  private async lockWithTransfer(em: EntityManager, id: number): Promise<ReadLedgerEntry[]> {
    const row = await this.ledger.findIn(em, id);
    if (!row) throw transactionNotFound(id);
    const ids = row.transferId ? await this.ledger.transferLegIds(em, row.transferId) : [id];
    return this.ledger.lockForReversal(em, ids);
  }
}

function reversible(row: ReadLedgerEntry): ReversibleRow {
  return { ...row, cash: parseCash(row.cash) };
}

function kindOf(cassettes: readonly LockedCassette[], denomination: bigint): 'bill' | 'coin' {
  const cassette = cassettes.find((c) => c.denomination === denomination);
  if (!cassette) throw new Error(`no cassette for ${denomination}: the posting core returned pieces it could not place`);
  return cassette.kind;
}

function transactionNotFound(id: number): DomainError {
  return new DomainError('TRANSACTION_NOT_FOUND', `No transaction ${id}`);
}
