import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { currentRequest, SYSTEM_ACTOR } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { driverBigint } from '../database/bigint.transformer';
import { SqlStatements } from '../database/sql-statements';
import { TransactionRunner } from '../database/transaction-runner';
import { currentClaim, IdempotencyClaim } from '../idempotency/idempotency-claim';
import { AccountLegs, rowsWaitForRules } from './account-legs';
import { applyCash, cashValue } from './cassette-cash';
import { CashMovement } from './ledger-entry.entity';
import { AccountLeg, LockedCassette, Movement, MOVEMENT_RULES, Posted, PostedRow } from './movement';
import { APPEND_SQL, cassetteCountsUpdate, MACHINE_CASH_SQL, MACHINE_EXISTS_SQL, Posting, rowParams } from './posting.sql';
import { firstRefusal } from './refusals';

interface MachineCashRow {
  status: string;
  denomination: unknown;
  kind: 'bill' | 'coin';
  count: unknown;
  capacity: unknown;
  initial_count: unknown;
}

export function machineNotFound(machineId: string): DomainError {
  return new DomainError('MACHINE_NOT_FOUND', `No machine ${machineId}`);
}

/**
 * THE one writer of `ledger_entries`, account balances and cassette counts.
 * A use case builds a Movement; this takes every lock in one global order
 * (accounts sorted by number, then the machine row, then its cassettes),
 * applies each rule once (account rules: the conditional UPDATE of
 * posting.sql.ts; machine and cassette rules: MOVEMENT_RULES on the locked
 * rows, cassette-cash.ts) and writes the rows, inside the caller's
 * transaction. When several refusals apply, the contract's order picks one.
 */
@Injectable()
export class PostingService {
  private readonly accounts: AccountLegs;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly sql: SqlStatements,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.accounts = new AccountLegs(runner, sql);
  }

  /**
   * Posts in a transaction of its own (joining the caller's, if any). One
   * account leg and no machine: one statement, in autocommit on Postgres, so
   * the account's row lock lasts one statement.
   */
  post(movement: Movement): Promise<Posted> {
    const oneStatement = movement.legs.length === 1 && !movement.machine;
    // A @KeyClaimedByPosting route's key: written by this movement's statement.
    const claim = currentClaim();
    if (claim && !oneStatement)
      throw new Error(`${movement.type}: only a one-account movement without a machine claims an Idempotency-Key`);
    const work = (em: EntityManager) => this.postIn(em, movement, claim);
    return oneStatement ? this.runner.runStatement(work) : this.runner.run(work);
  }

  /** Posts inside the caller's transaction; a refusal throws, and the transaction keeps none of it. */
  async postIn(em: EntityManager, movement: Movement, claim?: IdempotencyClaim): Promise<Posted> {
    // A @KeyClaimedByPosting request must post through post(), which writes its key: never without it.
    if (!claim && currentClaim()) throw new Error(`${movement.type}: posted without the request's Idempotency-Key claim`);
    const request = currentRequest();
    const p: Posting = {
      movement,
      now: this.clock.nowIso(),
      who: { actor: request?.actor ?? SYSTEM_ACTOR, requestId: request?.requestId ?? null },
      claim,
    };
    const machineId = movement.machine?.id;
    if (machineId && (await this.runner.query(em, 'post_machine_exists', MACHINE_EXISTS_SQL, { machine: machineId })).length === 0) {
      throw machineNotFound(machineId);
    }
    const refusals: DomainError[] = [];
    const moved = await this.accounts.move(em, p, refusals);
    const cassettes = machineId ? await this.lockMachine(em, p, machineId, refusals) : null;
    this.checkMaxDebit(movement, refusals);
    const refusal = firstRefusal(refusals);
    if (refusal) throw refusal;
    const cash = cassettes && (await this.moveCash(em, p, cassettes));
    return { rows: await this.appendRows(em, p, moved, cash), cassettes };
  }

  /** Locks the machine row and its cassettes (after the accounts); MACHINE_OUT_OF_SERVICE by the type's rule. */
  private async lockMachine(em: EntityManager, p: Posting, machineId: string, refusals: DomainError[]): Promise<LockedCassette[]> {
    const sql = this.sql.lockingSelect(MACHINE_CASH_SQL);
    const rows = await this.runner.query<MachineCashRow>(em, 'post_machine_lock', sql, { machine: machineId });
    if (rows.length === 0) throw machineNotFound(machineId);
    if (MOVEMENT_RULES[p.movement.type].machineInService && rows[0].status !== 'in_service') {
      refusals.push(new DomainError('MACHINE_OUT_OF_SERVICE', `Machine ${machineId} is out of service`));
    }
    return rows.map((row) => ({
      denomination: driverBigint(row.denomination),
      kind: row.kind,
      count: Number(row.count),
      capacity: Number(row.capacity),
      initialCount: Number(row.initial_count),
    }));
  }

  private checkMaxDebit(movement: Movement, refusals: DomainError[]): void {
    const max = MOVEMENT_RULES[movement.type].maxDebit?.(this.config);
    for (const leg of movement.legs) {
      if (max !== undefined && -leg.amount > max) {
        refusals.push(new DomainError('AMOUNT_TOO_LARGE', `${formatMoney(-leg.amount)} is over the ATM maximum ${formatMoney(max)}`));
      }
    }
  }

  /** Plans and applies the machine's cash on the locked cassettes and writes the counts that changed. */
  private async moveCash(em: EntityManager, p: Posting, cassettes: LockedCassette[]): Promise<CashMovement[]> {
    const machine = p.movement.machine as NonNullable<Movement['machine']>;
    const planned = typeof machine.cash === 'function' ? machine.cash(cassettes) : machine.cash;
    const cash = applyCash(cassettes, planned, MOVEMENT_RULES[p.movement.type].cassetteCapacity);
    const legs = p.movement.legs.reduce((sum, leg) => sum + leg.amount, 0n);
    // Money and cash move together: a plan worth anything else is a bug, never posted.
    if (p.movement.legs.length > 0 && cashValue(cash) !== legs) {
      throw new Error(`${p.movement.type}: cash worth ${cashValue(cash)} for account legs of ${legs}`);
    }
    const counts = cash.map(({ denomination }) => ({
      key: denomination,
      value: (cassettes.find((c) => c.denomination === denomination) as LockedCassette).count,
    }));
    await this.sql.updateEach(em, 'post_cassette_counts', cassetteCountsUpdate(machine.id), counts);
    return cash;
  }

  /** The rows not written with their UPDATE: every leg's (any cash on the first leg's row), or the machine-only row. */
  private async appendRows(
    em: EntityManager,
    p: Posting,
    moved: Map<AccountLeg, PostedRow>,
    cash: CashMovement[] | null,
  ): Promise<PostedRow[]> {
    if (!rowsWaitForRules(p)) return p.movement.legs.map((leg) => moved.get(leg) as PostedRow);
    if (p.movement.legs.length === 0) return [{ id: await this.append(em, p, undefined, null, cash), account: null, balance: null }];
    const rows: PostedRow[] = [];
    for (const [index, leg] of p.movement.legs.entries()) {
      const row = moved.get(leg) as PostedRow;
      rows.push({ ...row, id: await this.append(em, p, leg, row.balance, index === 0 ? cash : null) });
    }
    return rows;
  }

  private async append(
    em: EntityManager,
    p: Posting,
    leg: AccountLeg | undefined,
    balance: bigint | null,
    cash: CashMovement[] | null,
  ): Promise<number> {
    const [row] = await this.runner.query<{ id: unknown }>(em, 'post_append', APPEND_SQL, { ...rowParams(p, leg, cash), balance });
    return Number(row.id);
  }
}
