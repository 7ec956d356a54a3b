import { utcDay } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { ProblemCode } from '../common/problems';
import { driverBigint, driverBigintOrNull } from '../database/bigint.transformer';
import { AccountLeg } from './movement';
import { MoveShape } from './posting.sql';

/** The contract's order: when several refusals apply, the first of these wins. */
const REFUSAL_ORDER: readonly ProblemCode[] = [
  'MACHINE_NOT_FOUND',
  'ACCOUNT_NOT_FOUND',
  'MACHINE_OUT_OF_SERVICE',
  'ACCOUNT_NOT_ACTIVE',
  'SAME_ACCOUNT',
  'AMOUNT_TOO_LARGE',
  'INSUFFICIENT_FUNDS',
  'DAILY_LIMIT_EXCEEDED',
  'CANNOT_DISPENSE',
  'TOO_MANY_COINS',
  'UNKNOWN_DENOMINATION',
  'CASSETTE_CAPACITY_EXCEEDED',
];

const rank = (error: DomainError) => {
  const index = REFUSAL_ORDER.indexOf(error.code);
  return index === -1 ? REFUSAL_ORDER.length : index;
};

/** The refusal the contract reports when several apply. */
export function firstRefusal(refusals: readonly DomainError[]): DomainError | undefined {
  return [...refusals].sort((a, b) => rank(a) - rank(b))[0];
}

/** An account row as the diagnosis reads it: integers as the driver gives them. */
export interface AccountStateRow {
  account_number: string;
  balance: unknown;
  overdraft_limit: unknown;
  daily_withdrawal_limit: unknown;
  withdrawn_today: unknown;
  withdrawn_on: string | null;
  status: string;
}

/**
 * Names why a leg's conditional UPDATE changed nothing, from the row as it is
 * now: it reports which of the statement's conditions fails, in the
 * contract's order; it decides nothing. Undefined: every condition holds now
 * (the row changed in between), so the caller runs the statement again.
 */
export function diagnose(leg: AccountLeg, shape: MoveShape, row: AccountStateRow | undefined, now: string): DomainError | undefined {
  if (!row) return new DomainError('ACCOUNT_NOT_FOUND', `No account ${leg.account}`);
  if (shape.active && row.status !== 'active') {
    return new DomainError('ACCOUNT_NOT_ACTIVE', `Account ${leg.account} is ${row.status}`);
  }
  if (!shape.debit) return undefined;
  const balance = driverBigint(row.balance);
  const overdraft = driverBigint(row.overdraft_limit);
  const amount = -leg.amount;
  if (balance - amount < -overdraft) {
    return new DomainError(
      'INSUFFICIENT_FUNDS',
      `Available balance ${formatMoney(balance + overdraft)} cannot cover ${formatMoney(amount)}`,
    );
  }
  const limit = driverBigintOrNull(row.daily_withdrawal_limit);
  const today = row.withdrawn_on === utcDay(now) ? driverBigint(row.withdrawn_today) : 0n;
  if (shape.dailyLimit && limit !== null && today + amount > limit) {
    return new DomainError(
      'DAILY_LIMIT_EXCEEDED',
      `Withdrawals today ${formatMoney(today)} + ${formatMoney(amount)} would pass the daily limit ${formatMoney(limit)}`,
    );
  }
  return undefined;
}
