import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { CashMovement } from '../ledger/ledger-entry.entity';
import { LockedCassette, Posted } from '../ledger/movement';
import { PostingService } from '../ledger/posting.service';
import { DispensedPiece, planDispense } from './dispense-plan';
import { AtmDepositDto, AtmWithdrawalDto } from './dto/cash-movement.dto';
import { AtmDepositView, AtmWithdrawalView, toDispensedView, totalOf } from './machine.view';

/**
 * Customer cash at an ATM: a movement of the account and the machine's cash
 * together, posted by the ledger's core (locks, rules and the refusal order
 * live there: MACHINE_NOT_FOUND → ACCOUNT_NOT_FOUND → MACHINE_OUT_OF_SERVICE
 * → ACCOUNT_NOT_ACTIVE → AMOUNT_TOO_LARGE → INSUFFICIENT_FUNDS →
 * DAILY_LIMIT_EXCEEDED → the dispense plan's CANNOT_DISPENSE, TOO_MANY_COINS;
 * deposits: UNKNOWN_DENOMINATION → CASSETTE_CAPACITY_EXCEEDED).
 */
@Injectable()
export class AtmService {
  constructor(
    private readonly posting: PostingService,
    private readonly config: AppConfig,
  ) {}

  async withdraw(machineId: string, dto: AtmWithdrawalDto): Promise<AtmWithdrawalView> {
    let pieces: DispensedPiece[] = [];
    // Planned on the locked cassettes, once every account and machine rule has passed.
    const plan = (cassettes: readonly LockedCassette[]): CashMovement[] => {
      const result = planDispense(dto.amount, cassettes, this.config.maxCoinsPerWithdrawal);
      if (!result.ok) throw dispenseRefusal(result.reason, dto.amount, this.config.maxCoinsPerWithdrawal);
      pieces = result.pieces;
      return pieces.map((p) => ({ denomination: p.denomination, count: -p.count }));
    };
    const posted = await this.posting.post({
      type: 'atm_withdrawal',
      legs: [{ account: dto.account_number, amount: -dto.amount }],
      machine: { id: machineId, cash: plan },
    });
    return { ...moved(posted, dto.amount), dispensed: toDispensedView(pieces) };
  }

  async deposit(machineId: string, dto: AtmDepositDto): Promise<AtmDepositView> {
    const cash = dto.cash.map((line) => ({ denomination: line.denomination, count: line.count }));
    const amount = cash.reduce((sum, line) => sum + line.denomination * BigInt(line.count), 0n);
    const posted = await this.posting.post({
      type: 'atm_deposit',
      legs: [{ account: dto.account_number, amount }],
      machine: { id: machineId, cash },
    });
    return { ...moved(posted, amount), inventory_total: formatMoney(totalOf(posted.cassettes ?? [])) };
  }
}

function moved(posted: Posted, amount: bigint) {
  const [row] = posted.rows;
  return {
    transaction_id: row.id,
    account_number: row.account as string,
    balance: formatMoney(row.balance as bigint),
    amount: formatMoney(amount),
  };
}

function dispenseRefusal(reason: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS', amount: bigint, maxCoins: number): DomainError {
  return reason === 'TOO_MANY_COINS'
    ? new DomainError('TOO_MANY_COINS', `Every way to pay ${formatMoney(amount)} from this machine needs more than ${maxCoins} coins`)
    : new DomainError('CANNOT_DISPENSE', `This machine cannot pay ${formatMoney(amount)} exactly with the notes and coins it holds`);
}
