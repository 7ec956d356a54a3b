import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { utcDay } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { NewLedgerEntry, LedgerService } from '../transactions/ledger.service';
import { Account } from './account.entity';

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

