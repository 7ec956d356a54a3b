import { AppConfig } from '../config/app-config';
import { CashMovement, LedgerType } from './ledger-entry.entity';

/** One account's side of a movement: one ledger row. */
export interface AccountLeg {
  account: string;
  /** The row's type when it is not the movement's (a transfer's credit leg is `transfer_in`); its rules apply to the leg. */
  type?: LedgerType;
  /** Signed minor units from the account's view: + credit, − debit. */
  amount: bigint;
  /** The other account of a transfer (shown on the row). */
  counterparty?: string;
  /** The ledger row this leg undoes (reversals): unique in the database. */
  reverses?: number;
  /**
   * A credit that gives daily-limit room back (an ATM reversal, a correction
   * of a teller withdrawal): the UTC day whose withdrawals it gives back;
   * default today for a type that counts toward the limit. Room is given back
   * only while the account's counter is still on that day.
   */
  limitDay?: string;
}

/** A cassette as the posting core locked it (largest denomination first). */
export interface LockedCassette {
  denomination: bigint;
  kind: 'bill' | 'coin';
  count: number;
  capacity: number;
  initialCount: number;
}

/**
 * The machine's cash, signed from the machine's view (+ into the cassettes,
 * − out of them): given, or planned from the locked cassettes (a dispense
 * plan, a reset). A plan may throw a DomainError (CANNOT_DISPENSE): it ranks
 * after every account and machine refusal.
 */
export type CashPlan = CashMovement[] | ((cassettes: readonly LockedCassette[]) => CashMovement[]);

/**
 * A money movement: what the posting core takes. One ledger row per account
 * leg (the machine's cash on it), or one machine-only row when there is none.
 */
export interface Movement {
  type: LedgerType;
  legs: AccountLeg[];
  machine?: { id: string; cash: CashPlan };
  transferId?: string;
  reference?: string | null;
}

export interface PostedRow {
  id: number;
  account: string | null;
  /** The account's balance after this row; null on machine-only rows. */
  balance: bigint | null;
}

export interface Posted {
  /** In the order of the legs (one machine-only row when there are no legs). */
  rows: PostedRow[];
  /** The machine's cassettes after the movement, when it moved cash. */
  cassettes: LockedCassette[] | null;
}

/** What a movement type requires; each rule is enforced in one place, the posting core. */
export interface MovementRule {
  /** Every account must be active (reversals apply whatever the status). */
  activeAccounts: boolean;
  /** The machine must be in service (refills and resets happen out of service). */
  machineInService: boolean;
  /** Pieces into a cassette may not pass its capacity (reversals return pieces that came from there). */
  cassetteCapacity: boolean;
  /** Counts toward the daily withdrawal limit: a debit uses room (checked), a credit gives it back. */
  dailyLimit: boolean;
  /** The largest debit of one movement of this type (AMOUNT_TOO_LARGE). */
  maxDebit?: (config: AppConfig) => bigint;
}

const rule = (overrides: Partial<MovementRule>): MovementRule => ({
  activeAccounts: true,
  machineInService: false,
  cassetteCapacity: false,
  dailyLimit: false,
  ...overrides,
});

/** Which rules each movement type follows: a table, not flags at call sites. */
export const MOVEMENT_RULES: Readonly<Record<LedgerType, MovementRule>> = {
  deposit: rule({}),
  withdrawal: rule({ dailyLimit: true }),
  // Transfers are not withdrawals: they never count toward the daily limit.
  transfer_in: rule({}),
  transfer_out: rule({}),
  atm_withdrawal: rule({ machineInService: true, dailyLimit: true, maxDebit: (config) => config.maxAtmWithdrawal }),
  atm_deposit: rule({ machineInService: true, cassetteCapacity: true }),
  refill: rule({ cassetteCapacity: true }),
  maintenance_reset: rule({}),
  // What an ATM gave back no longer counts toward the day's withdrawals.
  atm_reversal: rule({ activeAccounts: false, dailyLimit: true }),
  reversal: rule({ activeAccounts: false }),
};
