// The hot account read, with :named parameters (run through
// TransactionRunner.query: a prepared statement on Postgres).
import { driverBigint, driverBigintOrNull } from '../database/bigint.transformer';
import { Account, AccountStatus } from './account.entity';

export const SELECT_ACCOUNT_SQL = `SELECT account_number, holder_name, balance, overdraft_limit, daily_withdrawal_limit,
  withdrawn_today, withdrawn_on, status, created_at, updated_at FROM accounts WHERE account_number = :account`;

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
