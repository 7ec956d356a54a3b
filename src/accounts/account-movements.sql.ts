// The statements of AccountMovementsService, with :named parameters (run
// through TransactionRunner.query: prepared once per name on Postgres).
import { driverBigint, driverBigintOrNull } from '../database/bigint.transformer';
import { LEDGER_COLUMNS, LEDGER_INSERT_INTO, LedgerColumn } from '../ledger/ledger.service';
import { Account, AccountStatus } from './account.entity';

const ACCOUNT_COLUMNS = `account_number, holder_name, balance, overdraft_limit, daily_withdrawal_limit, withdrawn_today,
  withdrawn_on, status, created_at, updated_at`;
// The value of each ledger column (account_number: the CTE's row). Typed so
// Postgres never has to guess a parameter that is only ever NULL.
const LEDGER_VALUES: Record<LedgerColumn, string> = {
  type: ':type',
  account_number: 'account_number',
  machine_id: 'CAST(:machine_id AS varchar)',
  amount: 'CAST(:signed AS bigint)',
  balance_after: ':balance',
  transfer_id: 'CAST(:transfer_id AS varchar)',
  counterparty_account: 'CAST(:counterparty AS varchar)',
  cash: 'CAST(:cash AS text)',
  reference: 'CAST(:reference AS varchar)',
  created_at: ':now',
  actor: ':actor',
  request_id: 'CAST(:request_id AS varchar)',
  reverses: 'CAST(:reverses AS bigint)',
};
/** The values in LEDGER_COLUMNS order, as LEDGER_INSERT_INTO takes them (by position). */
const ledgerValues = (overrides: Partial<Record<LedgerColumn, string>> = {}) =>
  LEDGER_COLUMNS.map((column) => overrides[column] ?? LEDGER_VALUES[column]).join(', ');

// Every check of assertActive + assertCanDebit, as one WHERE: the row is
// updated only when the debit would be allowed (same rules, same order).
const DEBIT_WHERE = `account_number = :account AND status = 'active' AND balance - :amount >= -overdraft_limit`;
const DAILY_LIMIT_WHERE = `(daily_withdrawal_limit IS NULL OR
  (CASE WHEN withdrawn_on = :day THEN withdrawn_today ELSE 0 END) + :amount <= daily_withdrawal_limit)`;
const DAILY_LIMIT_SET = `, withdrawn_today = CASE WHEN withdrawn_on = :day THEN withdrawn_today + :amount ELSE :amount END, withdrawn_on = :day`;
const debitSql = (daily: boolean, returning: string) =>
  `UPDATE accounts SET balance = balance - :amount, updated_at = :now${daily ? DAILY_LIMIT_SET : ''}
  WHERE ${DEBIT_WHERE}${daily ? ` AND ${DAILY_LIMIT_WHERE}` : ''} RETURNING ${returning}`;
// A credit's only check is assertActive's.
const creditSql = (returning: string) =>
  `UPDATE accounts SET balance = balance + :amount, updated_at = :now
  WHERE account_number = :account AND status = 'active' RETURNING ${returning}`;
// Postgres: the conditional movement and its ledger row in ONE statement (a
// data-modifying CTE), so the row lock lasts one statement, not a transaction.
const pgMoveSql = (update: string) =>
  `WITH moved AS (${update})
  ${LEDGER_INSERT_INTO} SELECT ${ledgerValues({ balance_after: 'balance' })} FROM moved RETURNING id, balance_after`;

// A checked movement on a locked row: the new balance (and daily counters, when
// given) and the ledger row. Postgres: one statement.
const APPLY_SET = `balance = :balance, updated_at = :now,
  withdrawn_today = COALESCE(CAST(:withdrawn_today AS bigint), withdrawn_today), withdrawn_on = COALESCE(CAST(:withdrawn_on AS varchar), withdrawn_on)`;

export const MOVEMENT_SQL = {
  // SQLite locks with this plain read too: its transaction holds the write lock.
  select: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_number = :account`,
  pgLock: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_number = :account FOR UPDATE`,
  pgDebit: pgMoveSql(debitSql(false, 'account_number, balance')),
  pgDebitDaily: pgMoveSql(debitSql(true, 'account_number, balance')),
  pgCredit: pgMoveSql(creditSql('account_number, balance')),
  sqliteDebit: debitSql(false, 'balance'),
  sqliteDebitDaily: debitSql(true, 'balance'),
  sqliteCredit: creditSql('balance'),
  pgApply: pgMoveSql(`UPDATE accounts SET ${APPLY_SET} WHERE account_number = :account RETURNING account_number, balance`),
  sqliteApply: `UPDATE accounts SET ${APPLY_SET} WHERE account_number = :account`,
  sqliteLedger: `${LEDGER_INSERT_INTO} VALUES (${ledgerValues({ account_number: ':account' })}) RETURNING id`,
} as const;

export type MovementStatement = keyof typeof MOVEMENT_SQL;

export interface AccountRow {
  account_number: string;
  holder_name: string | null;
  balance: unknown;
  overdraft_limit: unknown;
  daily_withdrawal_limit: unknown;
  withdrawn_today: unknown;
  withdrawn_on: string | null;
  status: AccountStatus;
  created_at: string;
  updated_at: string;
}

/** A raw row as the entity: money as bigint whether the driver gave text (pg) or bigint (SQLite). */
export function toAccount(row: AccountRow): Account {
  return Object.assign(new Account(), {
    accountNumber: row.account_number,
    holderName: row.holder_name,
    balance: driverBigint(row.balance),
    overdraftLimit: driverBigint(row.overdraft_limit),
    dailyWithdrawalLimit: driverBigintOrNull(row.daily_withdrawal_limit),
    withdrawnToday: driverBigint(row.withdrawn_today),
    withdrawnOn: row.withdrawn_on,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
