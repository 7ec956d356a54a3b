// The rules of reversals (API.md v1.2, "Reversals"), pure: what an ATM
// reversal gives back, and which rows a teller correction undoes. The posting
// core applies the result; nothing here reads or writes the database.
import { utcDay } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { CashMovement, LedgerType } from '../ledger/ledger-entry.entity';

/** Pieces of one denomination (positive counts). */
export interface Pieces {
  denomination: bigint;
  count: number;
}

/** The parts of a ledger row the rules look at. */
export interface ReversibleRow {
  id: number;
  type: LedgerType;
  accountNumber: string | null;
  machineId: string | null;
  /** Signed, from the account's view. */
  amount: bigint | null;
  /** Signed, from the machine's view. */
  cash: CashMovement[] | null;
  transferId: string | null;
  createdAt: string;
  reversedBy: number | null;
}

export interface AtmReversalPlan {
  /** What the account gets back: the withdrawal's amount less the value of what was handed out. */
  credit: bigint;
  /** The pieces going back into their cassettes (positive), largest denomination first. */
  returned: Pieces[];
}

/** The value of pieces in minor units. */
export function valueOf(pieces: readonly Pieces[]): bigint {
  return pieces.reduce((sum, p) => sum + p.denomination * BigInt(p.count), 0n);
}

/**
 * What reversing an ATM withdrawal gives back when `dispensed` did leave the
 * machine: INVALID_REVERSAL when it reports more of a denomination than the
 * withdrawal took out (a denomination it did not take counts as 0), or all of
 * it (then nothing failed, and there is nothing to give back).
 */
export function planAtmReversal(withdrawal: ReversibleRow, dispensed: readonly Pieces[]): AtmReversalPlan {
  const taken = new Map<bigint, number>();
  for (const line of withdrawal.cash ?? []) taken.set(line.denomination, (taken.get(line.denomination) ?? 0) - line.count);
  const handedOut = new Map<bigint, number>();
  for (const line of dispensed) {
    const count = (handedOut.get(line.denomination) ?? 0) + line.count;
    const available = taken.get(line.denomination) ?? 0;
    if (count > available) {
      throw new DomainError(
        'INVALID_REVERSAL',
        `dispensed reports ${count} × ${formatMoney(line.denomination)}, but the withdrawal dispensed ${available}`,
      );
    }
    handedOut.set(line.denomination, count);
  }
  const returned = [...taken]
    .map(([denomination, count]) => ({ denomination, count: count - (handedOut.get(denomination) ?? 0) }))
    .filter((p) => p.count > 0)
    .sort((a, b) => (a.denomination > b.denomination ? -1 : a.denomination < b.denomination ? 1 : 0));
  if (returned.length === 0) {
    throw new DomainError('INVALID_REVERSAL', `dispensed is the whole withdrawal ${withdrawal.id}: nothing to reverse`);
  }
  const credit = -(withdrawal.amount ?? 0n) - valueOf([...handedOut].map(([denomination, count]) => ({ denomination, count })));
  // A withdrawal's cash is worth its amount, so the credit is the returned pieces' value.
  if (credit !== valueOf(returned)) throw new Error(`withdrawal ${withdrawal.id}: its cash is not worth its amount`);
  return { credit, returned };
}

/**
 * Whether `machineId`'s ATM may reverse `row`, in the contract's order
 * (409 before 422): ALREADY_REVERSED, NOT_REVERSIBLE (not an ATM withdrawal
 * of this machine), REVERSAL_WINDOW_CLOSED. INVALID_REVERSAL (planAtmReversal)
 * ranks between the last two.
 */
export function checkAtmReversal(
  row: ReversibleRow,
  machineId: string,
  dispensed: readonly Pieces[],
  window: ReversalWindow,
): AtmReversalPlan {
  if (row.reversedBy !== null) throw alreadyReversed(row.id, row.reversedBy);
  if (row.type !== 'atm_withdrawal' || row.machineId !== machineId) {
    throw new DomainError('NOT_REVERSIBLE', `Transaction ${row.id} is not an ATM withdrawal of machine ${machineId}`);
  }
  const plan = planAtmReversal(row, dispensed);
  if (Date.parse(row.createdAt) + window.seconds * 1000 < Date.parse(window.now)) {
    throw new DomainError('REVERSAL_WINDOW_CLOSED', `Transaction ${row.id} is older than the reversal window of ${window.seconds} seconds`);
  }
  return plan;
}

export interface ReversalWindow {
  seconds: number;
  /** ISO 8601 UTC. */
  now: string;
}

/** Teller movements a correction may undo; a transfer is undone given either leg. */
const CORRECTABLE: ReadonlySet<LedgerType> = new Set<LedgerType>(['deposit', 'withdrawal', 'transfer_in', 'transfer_out']);

/**
 * One compensating leg: the undone row's amount, negated, on its account.
 * Undoing a teller withdrawal gives the room it used back to the day it was
 * made (`limitDay`): money that never really left no longer counts toward
 * that day's withdrawals, as for an ATM reversal.
 */
export interface CorrectionLeg {
  account: string;
  amount: bigint;
  reverses: number;
  limitDay?: string;
}

/**
 * The compensating legs of a correction of `row`; `transferLegs` are both legs
 * of its transfer when it is one. NOT_REVERSIBLE for ATM, machine and
 * reversal rows; ALREADY_REVERSED when any leg was undone (409 first).
 */
export function correctionLegs(row: ReversibleRow, transferLegs: readonly ReversibleRow[] = []): CorrectionLeg[] {
  const rows = row.transferId ? transferLegs : [row];
  const undone = rows.find((r) => r.reversedBy !== null);
  if (undone) throw alreadyReversed(undone.id, undone.reversedBy as number);
  if (!CORRECTABLE.has(row.type)) {
    throw new DomainError(
      'NOT_REVERSIBLE',
      `Transaction ${row.id} is a ${row.type}: only teller deposits, withdrawals and transfers are corrected`,
    );
  }
  if (row.transferId && (rows.length !== 2 || !rows.some((r) => r.id === row.id))) {
    throw new Error(`transfer ${row.transferId}: expected its two legs, got ${rows.length}`);
  }
  return [...rows]
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      account: r.accountNumber as string,
      amount: -(r.amount as bigint),
      reverses: r.id,
      ...(r.type === 'withdrawal' ? { limitDay: utcDay(r.createdAt) } : {}),
    }));
}

function alreadyReversed(id: number, by: number): DomainError {
  return new DomainError('ALREADY_REVERSED', `Transaction ${id} was already reversed by transaction ${by}`);
}
