import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { utcDay } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { currentRequest, SYSTEM_ACTOR } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { driverBigint } from '../database/bigint.transformer';
import { TransactionRunner } from '../database/transaction-runner';
import { NewLedgerEntry } from '../ledger/ledger.service';
import { serializeCash } from '../ledger/ledger-entry.view';
import { Account } from './account.entity';
import { AccountRow, MOVEMENT_SQL, MovementStatement, toAccount } from './account-movements.sql';

/** What a movement writes to the ledger besides the account, amount and balance. */
export type MovementEntry = Omit<NewLedgerEntry, 'accountNumber' | 'amount' | 'balanceAfter' | 'createdAt'>;

export interface MovementResult {
  balance: bigint;
  transactionId: number;
}

/**
 * The building blocks of every money movement, used inside the caller's
 * transaction: lock, check in the contract's refusal order, apply + ledger.
 * Exported to the machines module so ATM cash uses the same rules.
 */
@Injectable()
export class AccountMovementsService {
  constructor(
    private readonly runner: TransactionRunner,
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
    const statement = this.runner.dialect === 'postgres' ? 'pgLock' : 'select';
    for (const number of [...new Set(accountNumbers)].sort()) {
      const [row] = await this.run<AccountRow>(em, statement, { account: number });
      if (row) locked.set(number, toAccount(row));
    }
    for (const number of accountNumbers) {
      if (!locked.has(number)) throw new DomainError('ACCOUNT_NOT_FOUND', `No account ${number}`);
    }
    return locked;
  }

  /** The account as it is, without a lock; null when there is none. */
  async find(em: EntityManager, accountNumber: string): Promise<Account | null> {
    const [row] = await this.run<AccountRow>(em, 'select', { account: accountNumber });
    return row ? toAccount(row) : null;
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
  tryDebit(
    em: EntityManager,
    accountNumber: string,
    amount: bigint,
    entry: MovementEntry,
    countsTowardDailyLimit: boolean,
    now: string,
  ): Promise<MovementResult | null> {
    const params = { ...ledgerParams(entry, -amount, now), account: accountNumber, amount, day: utcDay(now) };
    return countsTowardDailyLimit
      ? this.tryMove(em, params, 'pgDebitDaily', 'sqliteDebitDaily')
      : this.tryMove(em, params, 'pgDebit', 'sqliteDebit');
  }

  /** The fast path of a credit, as tryDebit: applied when the account exists and is active, else null and nothing changed. */
  tryCredit(em: EntityManager, accountNumber: string, amount: bigint, entry: MovementEntry, now: string): Promise<MovementResult | null> {
    return this.tryMove(em, { ...ledgerParams(entry, amount, now), account: accountNumber, amount }, 'pgCredit', 'sqliteCredit');
  }

  private async tryMove(
    em: EntityManager,
    params: Record<string, unknown>,
    pg: MovementStatement,
    sqlite: MovementStatement,
  ): Promise<MovementResult | null> {
    if (this.runner.dialect === 'postgres') {
      const rows = await this.run<{ id: unknown; balance_after: unknown }>(em, pg, params);
      return rows.length === 0 ? null : { balance: driverBigint(rows[0].balance_after), transactionId: Number(rows[0].id) };
    }
    const rows = await this.run<{ balance: unknown }>(em, sqlite, params);
    if (rows.length === 0) return null;
    const balance = driverBigint(rows[0].balance);
    const [row] = await this.run<{ id: unknown }>(em, 'sqliteLedger', { ...params, balance });
    return { balance, transactionId: Number(row.id) };
  }

  /** Applies a checked debit (amount > 0) and writes its ledger row. */
  async debit(
    em: EntityManager,
    account: Account,
    amount: bigint,
    entry: MovementEntry,
    countsTowardDailyLimit: boolean,
    now: string,
  ): Promise<MovementResult> {
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

  private async apply(
    em: EntityManager,
    account: Account,
    signed: bigint,
    changes: Partial<Account>,
    entry: MovementEntry,
    now: string,
  ): Promise<MovementResult> {
    const params = {
      ...ledgerParams(entry, signed, now),
      account: account.accountNumber,
      balance: changes.balance,
      withdrawn_today: changes.withdrawnToday ?? null,
      withdrawn_on: changes.withdrawnOn ?? null,
    };
    let transactionId: number;
    if (this.runner.dialect === 'postgres') {
      transactionId = Number((await this.run<{ id: unknown }>(em, 'pgApply', params))[0].id);
    } else {
      await this.run(em, 'sqliteApply', params);
      transactionId = Number((await this.run<{ id: unknown }>(em, 'sqliteLedger', params))[0].id);
    }
    Object.assign(account, changes);
    return { balance: account.balance, transactionId };
  }

  private run<T>(em: EntityManager, statement: MovementStatement, params: Record<string, unknown>): Promise<T[]> {
    return this.runner.query<T>(em, statement, MOVEMENT_SQL[statement], params);
  }
}

/** The ledger row's own parameters (the statements add account and balance). */
function ledgerParams(entry: MovementEntry, signed: bigint, now: string): Record<string, unknown> {
  return {
    type: entry.type,
    signed,
    now,
    machine_id: entry.machineId ?? null,
    transfer_id: entry.transferId ?? null,
    counterparty: entry.counterpartyAccount ?? null,
    cash: serializeCash(entry.cash),
    reference: entry.reference ?? null,
    actor: currentRequest()?.actor ?? SYSTEM_ACTOR,
    request_id: currentRequest()?.requestId ?? null,
    reverses: entry.reverses ?? null,
  };
}

function withdrawnOn(account: Account, now: string): bigint {
  return account.withdrawnOn === utcDay(now) ? account.withdrawnToday : 0n;
}
