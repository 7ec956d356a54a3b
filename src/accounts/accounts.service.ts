import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { Page } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { AuditService, changedFields, createdChanges } from '../audit/audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerEntryView } from '../ledger/ledger-entry.view';
import { Posted } from '../ledger/movement';
import { PostingService } from '../ledger/posting.service';
import { Account } from './account.entity';
import { AccountRow, SELECT_ACCOUNT_SQL, toAccount } from './account.sql';
import { AccountView, BalanceView, MovementView, toAccountView, toBalanceView } from './account.view';
import { CreateAccountDto } from './dto/create-account.dto';
import { UpdateAccountDto } from './dto/update-account.dto';

/** The account fields an audit event records (API.md v1.2: `changes: { field: [before, after] }`). */
const AUDITED_FIELDS = ['holder_name', 'status', 'overdraft_limit', 'daily_withdrawal_limit'] as const;

/** Opening, reading and changing accounts, and teller deposits/withdrawals. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly posting: PostingService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async open(dto: CreateAccountDto): Promise<AccountView> {
    try {
      const account = await this.runner.run((em) => this.insert(em, dto));
      return toAccountView(account, this.config.currency);
    } catch (error) {
      // Two requests racing for the same number: the loser's insert fails.
      if (isUniqueViolation(error)) throw accountExists(dto.account_number ?? '');
      throw error;
    }
  }

  /** Inserts an account and, for a non-zero opening balance, posts its deposit. */
  async insert(em: EntityManager, dto: CreateAccountDto, reference = 'initial deposit'): Promise<Account> {
    const number = dto.account_number ?? (await this.freeAccountNumber(em));
    if (dto.account_number && (await em.existsBy(Account, { accountNumber: number }))) throw accountExists(number);
    const now = this.clock.nowIso();
    const account = em.create(Account, {
      accountNumber: number,
      holderName: dto.holder_name ?? null,
      balance: 0n,
      overdraftLimit: dto.overdraft_limit ?? this.config.defaultOverdraftLimit,
      dailyWithdrawalLimit: dto.daily_withdrawal_limit === undefined ? this.config.defaultDailyWithdrawalLimit : dto.daily_withdrawal_limit,
      withdrawnToday: 0n,
      withdrawnOn: null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    // Insert a copy: TypeORM writes the RETURNING defaults back untransformed.
    await em.insert(Account, { ...account });
    const opened = toAccountView(account, this.config.currency);
    await this.audit.record(em, 'account.created', number, createdChanges(opened, ['account_number', ...AUDITED_FIELDS]));
    const initial = dto.initial_deposit ?? 0n;
    if (initial > 0n) {
      const posted = await this.posting.postIn(em, { type: 'deposit', legs: [{ account: number, amount: initial }], reference });
      account.balance = posted.rows[0].balance as bigint;
    }
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
      const query = em.createQueryBuilder(Account, 'a').where('a.account_number = :accountNumber', { accountNumber });
      const locked = await this.runner.forUpdate(query).getOne();
      if (!locked) throw accountNotFound(accountNumber);
      const before = toAccountView(locked, this.config.currency);
      const changes = this.changesFor(locked, dto);
      await em.update(Account, { accountNumber }, changes);
      const after = Object.assign(locked, changes);
      await this.audit.record(
        em,
        'account.updated',
        accountNumber,
        changedFields(before, toAccountView(after, this.config.currency), AUDITED_FIELDS),
      );
      return after;
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
    const changes: Partial<Account> = { updatedAt: this.clock.nowIso() };
    if (dto.holder_name !== undefined) changes.holderName = dto.holder_name;
    if (dto.status !== undefined) changes.status = dto.status;
    if (dto.overdraft_limit !== undefined) changes.overdraftLimit = dto.overdraft_limit;
    if (dto.daily_withdrawal_limit !== undefined) changes.dailyWithdrawalLimit = dto.daily_withdrawal_limit;
    return changes;
  }

  async deposit(accountNumber: string, amount: bigint, reference?: string): Promise<MovementView> {
    const posted = await this.posting.post({ type: 'deposit', legs: [{ account: accountNumber, amount }], reference });
    return movementView(amount, posted);
  }

  async withdraw(accountNumber: string, amount: bigint, reference?: string): Promise<MovementView> {
    const posted = await this.posting.post({ type: 'withdrawal', legs: [{ account: accountNumber, amount: -amount }], reference });
    return movementView(amount, posted);
  }

  async history(accountNumber: string, limit: number, cursor?: string): Promise<Page<LedgerEntryView>> {
    await this.find(accountNumber);
    return this.ledger.pageForAccount(accountNumber, limit, cursor);
  }

  private async find(accountNumber: string): Promise<Account> {
    // A prepared statement: this read is on every balance, account and history request.
    const [row] = await this.runner.read((em) =>
      this.runner.query<AccountRow>(em, 'account_select', SELECT_ACCOUNT_SQL, { account: accountNumber }),
    );
    if (!row) throw accountNotFound(accountNumber);
    return toAccount(row);
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

function accountNotFound(number: string): DomainError {
  return new DomainError('ACCOUNT_NOT_FOUND', `No account ${number}`);
}

function movementView(amount: bigint, posted: Posted): MovementView {
  const [row] = posted.rows;
  return {
    account_number: row.account as string,
    balance: formatMoney(row.balance as bigint),
    amount: formatMoney(amount),
    transaction_id: row.id,
  };
}
