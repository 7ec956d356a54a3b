import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney, toMinorUnits } from '../common/money';
import { Page } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerEntryView } from '../ledger/ledger-entry.view';
import { Account } from './account.entity';
import { AccountMovementsService, MovementEntry } from './account-movements.service';
import { AccountView, BalanceView, MovementView, toAccountView, toBalanceView } from './account.view';
import { CreateAccountDto } from './dto/create-account.dto';
import { UpdateAccountDto } from './dto/update-account.dto';

/** Opening, reading and changing accounts, and teller deposits/withdrawals. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly movements: AccountMovementsService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  async open(dto: CreateAccountDto): Promise<AccountView> {
    const initial = dto.initial_deposit === undefined ? 0n : toMinorUnits(dto.initial_deposit);
    this.movements.assertWithinMaximum(initial, 'initial_deposit');
    try {
      const account = await this.runner.run((em) => this.insert(em, dto, initial));
      return toAccountView(account, this.config.currency);
    } catch (error) {
      // Two requests racing for the same number: the loser's insert fails.
      if (isUniqueViolation(error)) throw accountExists(dto.account_number ?? '');
      throw error;
    }
  }

  /** Inserts an account and, for a non-zero opening balance, its deposit ledger row. */
  async insert(em: EntityManager, dto: CreateAccountDto, initial: bigint, reference = 'initial deposit'): Promise<Account> {
    const number = dto.account_number ?? (await this.freeAccountNumber(em));
    if (dto.account_number && (await em.existsBy(Account, { accountNumber: number }))) throw accountExists(number);
    const now = nowIso();
    const account = em.create(Account, {
      accountNumber: number,
      holderName: dto.holder_name ?? null,
      balance: 0n,
      overdraftLimit: dto.overdraft_limit === undefined ? this.config.defaultOverdraftLimit : toMinorUnits(dto.overdraft_limit),
      dailyWithdrawalLimit: limitOrDefault(dto.daily_withdrawal_limit, this.config.defaultDailyWithdrawalLimit),
      withdrawnToday: 0n,
      withdrawnOn: null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    // Insert a copy: TypeORM writes the RETURNING defaults back untransformed.
    await em.insert(Account, { ...account });
    if (initial > 0n) await this.movements.credit(em, account, initial, { type: 'deposit', reference }, now);
    return account;
  }

  async get(accountNumber: string): Promise<AccountView> {
    return toAccountView(await this.find(accountNumber), this.config.currency);
  }

  async balance(accountNumber: string): Promise<BalanceView> {
    return toBalanceView(await this.find(accountNumber), this.config.currency);
  }

  async update(accountNumber: string, dto: UpdateAccountDto): Promise<AccountView> {
    const account = await this.runner.run(async (em) => {
      const locked = (await this.movements.lock(em, [accountNumber])).get(accountNumber) as Account;
      const changes = this.changesFor(locked, dto);
      await em.update(Account, { accountNumber }, changes);
      return Object.assign(locked, changes);
    });
    return toAccountView(account, this.config.currency);
  }

  private changesFor(account: Account, dto: UpdateAccountDto): Partial<Account> {
    if (dto.status !== undefined && account.status === 'closed') {
      throw new DomainError('ACCOUNT_NOT_ACTIVE', `Account ${account.accountNumber} is closed`);
    }
    if (dto.status === 'closed' && account.balance !== 0n) {
      throw new DomainError('ACCOUNT_NOT_EMPTY', `Account ${account.accountNumber} has balance ${formatMoney(account.balance)}`);
    }
    const changes: Partial<Account> = { updatedAt: nowIso() };
    if (dto.holder_name !== undefined) changes.holderName = dto.holder_name;
    if (dto.status !== undefined) changes.status = dto.status;
    if (dto.overdraft_limit !== undefined) changes.overdraftLimit = toMinorUnits(dto.overdraft_limit);
    if (dto.daily_withdrawal_limit !== undefined) changes.dailyWithdrawalLimit = limitOrDefault(dto.daily_withdrawal_limit, null);
    return changes;
  }

  async deposit(accountNumber: string, amountInput: string | number, reference?: string): Promise<MovementView> {
    const amount = toMinorUnits(amountInput);
    this.movements.assertWithinMaximum(amount);
    const entry: MovementEntry = { type: 'deposit', reference };
    const now = nowIso();
    // As withdraw: one statement when the account is there and active; the
    // locked read only to name the refusal (404, then 409).
    const fast = await this.runner.runStatement((em) => this.movements.tryCredit(em, accountNumber, amount, entry, now));
    if (fast) return movementView(accountNumber, amount, fast);
    return this.runner.run(async (em) => {
      const account = (await this.movements.lock(em, [accountNumber])).get(accountNumber) as Account;
      this.movements.assertActive(account);
      const result = await this.movements.credit(em, account, amount, entry, now);
      return movementView(accountNumber, amount, result);
    });
  }

  async withdraw(accountNumber: string, amountInput: string | number, reference?: string): Promise<MovementView> {
    const amount = toMinorUnits(amountInput);
    this.movements.assertWithinMaximum(amount);
    const entry: MovementEntry = { type: 'withdrawal', reference };
    const now = nowIso();
    // One conditional statement when the withdrawal is allowed (the common
    // case); the locked read only to name the refusal, in the contract's order.
    const fast = await this.runner.runStatement((em) => this.movements.tryDebit(em, accountNumber, amount, entry, true, now));
    if (fast) return movementView(accountNumber, amount, fast);
    return this.runner.run(async (em) => {
      const account = (await this.movements.lock(em, [accountNumber])).get(accountNumber) as Account;
      this.movements.assertActive(account);
      this.movements.assertCanDebit(account, amount, true, now);
      const result = await this.movements.debit(em, account, amount, entry, true, now);
      return movementView(accountNumber, amount, result);
    });
  }

  async history(accountNumber: string, limit: number, cursor?: string): Promise<Page<LedgerEntryView>> {
    await this.find(accountNumber);
    return this.ledger.pageForAccount(accountNumber, limit, cursor);
  }

  private async find(accountNumber: string): Promise<Account> {
    // A prepared statement: this read is on every balance, account and history request.
    const account = await this.runner.read((em) => this.movements.find(em, accountNumber));
    if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', `No account ${accountNumber}`);
    return account;
  }

  private async freeAccountNumber(em: EntityManager): Promise<string> {
    for (;;) {
      const candidate = String(randomInt(1_000_000_000, 10_000_000_000));
      if (!(await em.existsBy(Account, { accountNumber: candidate }))) return candidate;
    }
  }
}

function accountExists(number: string): DomainError {
  return new DomainError('ACCOUNT_EXISTS', `Account ${number} already exists`);
}

function limitOrDefault(value: string | number | null | undefined, fallback: bigint | null): bigint | null {
  if (value === undefined) return fallback;
  return value === null ? null : toMinorUnits(value);
}

export function movementView(accountNumber: string, amount: bigint, result: { balance: bigint; transactionId: number }): MovementView {
  return {
    account_number: accountNumber,
    balance: formatMoney(result.balance),
    amount: formatMoney(amount),
    transaction_id: result.transactionId,
  };
}
