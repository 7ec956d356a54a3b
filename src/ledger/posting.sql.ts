// The posting core's statements, the same on every database, with :named parameters (run
// through TransactionRunner.query: prepared once per name on Postgres, so each
// name goes with one SQL text). SqlStatements adds locking and combines them.
import { memo, UpdateEach, UpdateThenInsert } from '../database/sql-statements';
import type { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { serializeCash } from './cassette-cash';
import { CashMovement } from './ledger-entry.entity';
import { AccountLeg, Movement } from './movement';

/** The columns every ledger INSERT writes, in order. */
export const LEDGER_COLUMNS = [
  'type',
  'account_number',
  'machine_id',
  'amount',
  'balance_after',
  'transfer_id',
  'counterparty_account',
  'cash',
  'reference',
  'created_at',
  'actor',
  'request_id',
  'reverses',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

// Typed so Postgres never has to guess a parameter that is only ever NULL.
const ROW_VALUES: Record<LedgerColumn, string> = {
  type: ':type',
  account_number: 'CAST(:account AS varchar)',
  machine_id: 'CAST(:machine_id AS varchar)',
  amount: 'CAST(:delta AS bigint)',
  balance_after: 'CAST(:balance AS bigint)',
  transfer_id: 'CAST(:transfer_id AS varchar)',
  counterparty_account: 'CAST(:counterparty AS varchar)',
  cash: 'CAST(:cash AS text)',
  reference: 'CAST(:reference AS varchar)',
  created_at: ':now',
  actor: 'CAST(:actor AS varchar)',
  request_id: 'CAST(:request_id AS varchar)',
  reverses: 'CAST(:reverses AS bigint)',
};
const INSERT_INTO = `INSERT INTO ledger_entries (${LEDGER_COLUMNS.join(', ')})`;

/** One ledger row with every value a parameter (machine-only rows, rows written after a cash plan). */
export const APPEND_SQL = `${INSERT_INTO} VALUES (${LEDGER_COLUMNS.map((c) => ROW_VALUES[c]).join(', ')}) RETURNING id`;

/** How an account leg's conditional UPDATE is built: the rules that apply to it. */
export interface MoveShape {
  debit: boolean;
  active: boolean;
  dailyLimit: boolean;
}

// THE account rules, each written once: a leg's UPDATE changes its row only
// when every rule that applies holds; a refusal is named afterwards by a
// read-only diagnosis (refusals.ts), never checked before.
const ACTIVE = `status = 'active'`;
const FUNDS = `balance + :delta >= -overdraft_limit`;
const DAILY_ROOM = `(daily_withdrawal_limit IS NULL OR
  (CASE WHEN withdrawn_on = :day THEN withdrawn_today ELSE 0 END) + :amount <= daily_withdrawal_limit)`;
const DAILY_USE = `withdrawn_today = CASE WHEN withdrawn_on = :day THEN withdrawn_today + :amount ELSE :amount END, withdrawn_on = :day`;
// Gives back room of `limit_day` only while the counter is still on that day.
const DAILY_GIVE_BACK = `withdrawn_today = CASE WHEN withdrawn_on = :limit_day
  THEN (CASE WHEN withdrawn_today > :amount THEN withdrawn_today - :amount ELSE 0 END) ELSE withdrawn_today END`;

function moveUpdate(shape: MoveShape): string {
  const set = ['balance = balance + :delta', 'updated_at = :now'];
  const where = ['account_number = :account'];
  if (shape.active) where.push(ACTIVE);
  if (shape.debit) where.push(FUNDS);
  if (shape.dailyLimit && shape.debit) {
    set.push(DAILY_USE);
    where.push(DAILY_ROOM);
  }
  if (shape.dailyLimit && !shape.debit) set.push(DAILY_GIVE_BACK);
  return `UPDATE accounts SET ${set.join(', ')} WHERE ${where.join(' AND ')}`;
}

/** A leg's name part: one prepared statement per shape. */
export const shapeKey = (s: MoveShape) => `${s.debit ? 'd' : 'c'}${s.active ? 'a' : ''}${s.dailyLimit ? 'l' : ''}`;

// Built once per shape (memo): the statements SqlStatements combines are these constants.
const moveSqls = new Map<string, string>();
const moveAndAppends = new Map<string, UpdateThenInsert>();

/** The leg's UPDATE alone: its row is written once the cash is planned (legs with a machine). */
export function moveSql(shape: MoveShape): string {
  return memo(moveSqls, shapeKey(shape), () => `${moveUpdate(shape)} RETURNING balance`);
}

/** The leg's UPDATE and its ledger row, taking the new balance from the updated row. */
export function moveAndAppend(shape: MoveShape): UpdateThenInsert {
  return memo(moveAndAppends, shapeKey(shape), () => ({
    update: moveUpdate(shape),
    returning: ['account_number', 'balance'],
    insertInto: INSERT_INTO,
    values: LEDGER_COLUMNS.map((c) => (c === 'account_number' ? 'account_number' : c === 'balance_after' ? 'balance' : ROW_VALUES[c])),
    insertReturning: 'id, balance_after',
  }));
}

const ACCOUNT_COLUMNS = `account_number, balance, overdraft_limit, daily_withdrawal_limit, withdrawn_today, withdrawn_on, status`;
/** The diagnosis read (no lock: it only names a refusal). */
export const DIAGNOSE_ACCOUNT_SQL = `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_number = :account`;

export const MACHINE_EXISTS_SQL = `SELECT 1 AS found FROM machines WHERE machine_id = :machine`;
/**
 * The machine row and its cassettes, largest denomination first. Locked
 * (Postgres), each result row's machine and cassette rows are taken as
 * returned: the machine first, as on every path that locks cassettes.
 */
export const MACHINE_CASH_SQL = `SELECT m.status, c.denomination, c.kind, c.count, c.capacity, c.initial_count
  FROM machines m JOIN cassettes c ON c.machine_id = m.machine_id
  WHERE m.machine_id = :machine ORDER BY c.denomination DESC`;

export const cassetteCountsUpdate = (machine: string): UpdateEach => ({
  table: 'cassettes',
  column: 'count',
  keyColumn: 'denomination',
  where: 'machine_id = :machine',
  params: { machine },
});

/** The row a live Idempotency-Key points at, read back to answer a replay. */
export const REPLAYED_ROW_SQL = `SELECT account_number, amount, balance_after FROM ledger_entries WHERE id = :id`;

/** One posting's fixed facts: the movement, its time, and who asked. */
export interface Posting {
  movement: Movement;
  now: string;
  who: { actor: string; requestId: string | null };
  /** The request's Idempotency-Key, written by the leg's own statement (one-account movements without a machine). */
  claim?: IdempotencyClaim;
}

/** The parameters of ROW_VALUES for one row: a leg's, or the machine-only row's (no leg). */
export function rowParams(p: Posting, leg: AccountLeg | undefined, cash: readonly CashMovement[] | null): Record<string, unknown> {
  const m = p.movement;
  return {
    type: leg?.type ?? m.type,
    account: leg?.account ?? null,
    delta: leg?.amount ?? null,
    machine_id: m.machine?.id ?? null,
    transfer_id: m.transferId ?? null,
    counterparty: leg?.counterparty ?? null,
    cash: serializeCash(cash),
    reference: m.reference ?? null,
    now: p.now,
    actor: p.who.actor,
    request_id: p.who.requestId,
    reverses: leg?.reverses ?? null,
  };
}
