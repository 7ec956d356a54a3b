import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { utcDay } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { NewLedgerEntry, LedgerService } from '../transactions/ledger.service';
import { serializeCash } from '../transactions/transaction.view';
import { Account } from './account.entity';

/** What a movement writes to the ledger besides the account, amount and balance. */
export type MovementEntry = Omit<NewLedgerEntry, 'accountNumber' | 'amount' | 'balanceAfter' | 'createdAt'>;

export interface MovementResult {
  balance: bigint;
  transactionId: number;
}

// Every check of assertActive + assertCanDebit, as one WHERE: the row is
// updated only when the debit would be allowed (same rules, same order).
const DEBIT_WHERE = `account_number = :account AND status = 'active' AND balance - :amount >= -overdraft_limit`;
const DAILY_LIMIT_WHERE = `(daily_withdrawal_limit IS NULL OR
  (CASE WHEN withdrawn_on = :day THEN withdrawn_today ELSE 0 END) + :amount <= daily_withdrawal_limit)`;
const DAILY_LIMIT_SET = `, withdrawn_today = CASE WHEN withdrawn_on = :day THEN withdrawn_today + :amount ELSE :amount END, withdrawn_on = :day`;
const debitSql = (daily: boolean, returning: string) =>
  `UPDATE accounts SET balance = balance - :amount, updated_at = :now${daily ? DAILY_LIMIT_SET : ''}
  WHERE ${DEBIT_WHERE}${daily ? ` AND ${DAILY_LIMIT_WHERE}` : ''} RETURNING ${returning}`;
// Postgres: the conditional debit and its ledger row in ONE statement (a
// data-modifying CTE), so the row lock lasts one statement, not a transaction.
const LEDGER_INSERT = `INSERT INTO ledger_entries (type, account_number, machine_id, amount, balance_after, transfer_id,
  counterparty_account, cash, reference, created_at)`;
const pgDebitSql = (daily: boolean) => `WITH debited AS (${debitSql(daily, 'account_number, balance')})
${LEDGER_INSERT} SELECT :type, account_number, CAST(:machine_id AS varchar), -CAST(:amount AS bigint), balance,
  CAST(:transfer_id AS varchar), CAST(:counterparty AS varchar), CAST(:cash AS text), CAST(:reference AS varchar), :now
FROM debited RETURNING id, balance_after`;
const SQL = {
  sqliteLedger: `${LEDGER_INSERT} VALUES (:type, :account, :machine_id, :signed, :balance, :transfer_id, :counterparty, :cash,
  :reference, :now) RETURNING id`,
  pgDebit: pgDebitSql(false),
  pgDebitDaily: pgDebitSql(true),
  sqliteDebit: debitSql(false, 'balance'),
  sqliteDebitDaily: debitSql(true, 'balance'),
};

/**
 * The building blocks of every money movement, used inside the caller's
 * transaction: lock, check in the contract's refusal order, apply + ledger.
 * Exported to the machines module so ATM cash uses the same rules.
 */
@Injectable()
export class AccountMovementsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** 400 when over MAX_TRANSACTION_AMOUNT: checked before any database access. */
  assertWithinMaximum(amount: bigint, field = 'amount'): void {
    if (amount > this.config.maxTransactionAmount) {
      throw validationError(field, `must be at most ${formatMoney(this.config.maxTransactionAmount)}`);
    }
  }

  /** Locks accounts in sorted order (so opposite transfers cannot deadlock); 404 for the first missing. */
  async lock(em: EntityManager, accountNumbers: string[]): Promise<Map<string, Account>> {
    const locked = new Map<string, Account>();
    for (const number of [...new Set(accountNumbers)].sort()) {
      const account = await this.tx.forUpdate(em.createQueryBuilder(Account, 'a').where('a.account_number = :number', { number })).getOne();
      if (account) locked.set(number, account);
    }
    for (const number of accountNumbers) {
      if (!locked.has(number)) throw new DomainError('ACCOUNT_NOT_FOUND', `No account ${number}`);
    }
    return locked;
  }

  assertActive(account: Account): void {
    if (account.status !== 'active') {
      throw new DomainError('ACCOUNT_NOT_ACTIVE', `Account ${account.accountNumber} is ${account.status}`);
    }
  }

  /** INSUFFICIENT_FUNDS, then DAILY_LIMIT_EXCEEDED when the debit counts toward the daily limit. */
  assertCanDebit(account: Account, amount: bigint, countsTowardDailyLimit: boolean, now: string): void {
    if (account.balance - amount < -account.overdraftLimit) {
      throw new DomainError(
        'INSUFFICIENT_FUNDS',
        `Available balance ${formatMoney(account.balance + account.overdraftLimit)} cannot cover ${formatMoney(amount)}`,
      );
    }
    const limit = account.dailyWithdrawalLimit;
    if (countsTowardDailyLimit && limit !== null && withdrawnOn(account, now) + amount > limit) {
      throw new DomainError(
        'DAILY_LIMIT_EXCEEDED',
        `Withdrawals today ${formatMoney(withdrawnOn(account, now))} + ${formatMoney(amount)} would pass the daily limit ${formatMoney(limit)}`,
      );
    }
  }

  /**
   * The fast path of a debit: applies it and writes its ledger row when every
   * check of assertActive + assertCanDebit would pass, without a prior locked
   * read; null when any check fails (or the account does not exist), having
   * changed nothing: the caller then takes the locked path, which names the
   * refusal in the contract's order (or succeeds, if the row changed since).
   * Postgres: one statement (run it through `TransactionRunner.runStatement`).
   */
  async tryDebit(em: EntityManager, accountNumber: string, amount: bigint, entry: MovementEntry, countsTowardDailyLimit: boolean, now: string): Promise<MovementResult | null> {
    const params = { account: accountNumber, amount, now, day: utcDay(now) };
    const entryParams = {
      type: entry.type,
      machine_id: entry.machineId ?? null,
      transfer_id: entry.transferId ?? null,
      counterparty: entry.counterpartyAccount ?? null,
      cash: serializeCash(entry.cash),
      reference: entry.reference ?? null,
    };
    if (this.tx.dialect === 'postgres') {
      const name = countsTowardDailyLimit ? 'pgDebitDaily' : 'pgDebit';
      const rows = await this.tx.query<{ id: unknown; balance_after: unknown }>(em, name, SQL[name], { ...params, ...entryParams });
      return rows.length === 0 ? null : { balance: BigInt(rows[0].balance_after as string), transactionId: Number(rows[0].id) };
    }
    const name = countsTowardDailyLimit ? 'sqliteDebitDaily' : 'sqliteDebit';
    const rows = await this.tx.query<{ balance: unknown }>(em, name, SQL[name], params);
    if (rows.length === 0) return null;
    const balance = BigInt(rows[0].balance as bigint);
    const [row] = await this.tx.query<{ id: unknown }>(em, 'sqliteLedger', SQL.sqliteLedger, { ...params, ...entryParams, signed: -amount, balance });
    return { balance, transactionId: Number(row.id) };
  }

  /** Applies a checked debit (amount > 0) and writes its ledger row. */
  async debit(em: EntityManager, account: Account, amount: bigint, entry: MovementEntry, countsTowardDailyLimit: boolean, now: string): Promise<MovementResult> {
    const changes: Partial<Account> = { balance: account.balance - amount, updatedAt: now };
    if (countsTowardDailyLimit) {
      changes.withdrawnToday = withdrawnOn(account, now) + amount;
      changes.withdrawnOn = utcDay(now);
    }
    return this.apply(em, account, -amount, changes, entry, now);
  }

  async credit(em: EntityManager, account: Account, amount: bigint, entry: MovementEntry, now: string): Promise<MovementResult> {
    return this.apply(em, account, amount, { balance: account.balance + amount, updatedAt: now }, entry, now);
  }

  private async apply(em: EntityManager, account: Account, signed: bigint, changes: Partial<Account>, entry: MovementEntry, now: string): Promise<MovementResult> {
    await em.update(Account, { accountNumber: account.accountNumber }, changes);
    Object.assign(account, changes);
    const transactionId = await this.ledger.append(em, {
      ...entry,
      accountNumber: account.accountNumber,
      amount: signed,
      balanceAfter: account.balance,
      createdAt: now,
    });
    return { balance: account.balance, transactionId };
  }
}

function withdrawnOn(account: Account, now: string): bigint {
  return account.withdrawnOn === utcDay(now) ? account.withdrawnToday : 0n;
}

