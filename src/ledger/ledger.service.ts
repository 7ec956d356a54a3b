import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { currentRequest, SYSTEM_ACTOR } from '../common/request-context';
import { DomainError } from '../common/domain-error';
import { decodeIdCursor, Page, toPage } from '../common/pagination';
import { driverBigintOrNull } from '../database/bigint.transformer';
import { TransactionRunner } from '../database/transaction-runner';
import { CashMovement, LedgerEntry, LedgerType } from './ledger-entry.entity';
import { serializeCash, toLedgerEntryView, LedgerEntryView } from './ledger-entry.view';

export interface NewLedgerEntry {
  type: LedgerType;
  accountNumber?: string | null;
  machineId?: string | null;
  amount?: bigint | null;
  balanceAfter?: bigint | null;
  transferId?: string | null;
  counterpartyAccount?: string | null;
  cash?: CashMovement[] | null;
  reference?: string | null;
  reverses?: number | null;
  createdAt?: string;
}

/** The columns every ledger INSERT writes, in order (here and in account-movements.sql.ts). */
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
/** `INSERT INTO ledger_entries (<LEDGER_COLUMNS>)`: add VALUES or a SELECT in the same order. */
export const LEDGER_INSERT_INTO = `INSERT INTO ledger_entries (${LEDGER_COLUMNS.join(', ')})`;
const INSERT_LEDGER_SQL = `${LEDGER_INSERT_INTO} VALUES (${LEDGER_COLUMNS.map((c) => `:${c}`).join(', ')}) RETURNING id`;
// reversed_by is derived, never stored: the ledger stays append-only, and the
// unique index on reverses answers it.
const SELECT_LEDGER = `SELECT id, ${LEDGER_COLUMNS.join(', ')},
  (SELECT r.id FROM ledger_entries r WHERE r.reverses = ledger_entries.id) AS reversed_by FROM ledger_entries`;

// History pages: one prepared statement per column, with and without a
// cursor, each answered from its (column, id) index.
const pageSql = (column: string, before: boolean) =>
  `${SELECT_LEDGER} WHERE ${column} = :value${before ? ' AND id < :before' : ''} ORDER BY id DESC LIMIT :limit`;
const PAGE_SQL = {
  ledger_page_account_number: pageSql('account_number', false),
  ledger_page_account_number_before: pageSql('account_number', true),
  ledger_page_machine_id: pageSql('machine_id', false),
  ledger_page_machine_id_before: pageSql('machine_id', true),
};

/** A raw ledger row: integers as the driver gives them (pg: int8 as text; SQLite: bigint). */
type LedgerRow = { id: unknown; amount: unknown; balance_after: unknown; reverses: unknown; reversed_by: unknown } & Record<
  Exclude<LedgerColumn, 'amount' | 'balance_after' | 'reverses'>,
  string | null
>;

/** A ledger row as read: the stored columns and the derived id of the row that undid it. */
export type ReadLedgerEntry = LedgerEntry & { reversedBy: number | null };

function toLedgerEntry(row: LedgerRow): ReadLedgerEntry {
  return Object.assign(new LedgerEntry(), {
    id: Number(row.id),
    type: row.type as LedgerType,
    accountNumber: row.account_number,
    machineId: row.machine_id,
    amount: driverBigintOrNull(row.amount),
    balanceAfter: driverBigintOrNull(row.balance_after),
    transferId: row.transfer_id,
    counterpartyAccount: row.counterparty_account,
    cash: row.cash,
    reference: row.reference,
    createdAt: row.created_at as string,
    actor: row.actor as string,
    requestId: row.request_id,
    reverses: idOrNull(row.reverses),
    reversedBy: idOrNull(row.reversed_by),
  });
}

/** The append-only ledger: rows are only ever inserted, in the caller's transaction. */
@Injectable()
export class LedgerService {
  constructor(private readonly runner: TransactionRunner) {}

  /** Appends one row inside the caller's transaction and returns its id. */
  async append(em: EntityManager, entry: NewLedgerEntry): Promise<number> {
    // Raw INSERT … RETURNING (both databases, prepared on Postgres): TypeORM's
    // own insert cannot read back a bigint rowid from better-sqlite3's safe-integer mode.
    const values = {
      type: entry.type,
      account_number: entry.accountNumber ?? null,
      machine_id: entry.machineId ?? null,
      amount: entry.amount ?? null,
      balance_after: entry.balanceAfter ?? null,
      transfer_id: entry.transferId ?? null,
      counterparty_account: entry.counterpartyAccount ?? null,
      cash: serializeCash(entry.cash),
      reference: entry.reference ?? null,
      created_at: entry.createdAt ?? nowIso(),
      actor: currentRequest()?.actor ?? SYSTEM_ACTOR,
      request_id: currentRequest()?.requestId ?? null,
      reverses: entry.reverses ?? null,
    };
    const [row] = await this.runner.query<{ id: unknown }>(em, 'ledger_append', INSERT_LEDGER_SQL, values);
    return Number(row.id);
  }

  async findById(id: number): Promise<LedgerEntryView> {
    const [row] = await this.runner.read((em) =>
      this.runner.query<LedgerRow>(em, 'ledger_by_id', `${SELECT_LEDGER} WHERE id = :id`, { id }),
    );
    if (!row) throw transactionNotFound(id);
    return toLedgerEntryView(toLedgerEntry(row));
  }

  /** Newest first, keyset-paged by id; the caller has checked that the account exists. */
  pageForAccount(accountNumber: string, limit: number, cursor?: string): Promise<Page<LedgerEntryView>> {
    return this.page('account_number', accountNumber, limit, cursor);
  }

  pageForMachine(machineId: string, limit: number, cursor?: string): Promise<Page<LedgerEntryView>> {
    return this.page('machine_id', machineId, limit, cursor);
  }

  private async page(
    column: 'account_number' | 'machine_id',
    value: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<LedgerEntryView>> {
    const before = decodeIdCursor(cursor);
    const name = `ledger_page_${column}${before === undefined ? '' : '_before'}` as const;
    const rows = await this.runner.read((em) =>
      this.runner.query<LedgerRow>(em, name, PAGE_SQL[name], { value, before, limit: limit + 1 }),
    );
    return toPage(rows.map(toLedgerEntry), limit, toLedgerEntryView, (row) => row.id);
  }
}

function idOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function transactionNotFound(id: number): DomainError {
  return new DomainError('TRANSACTION_NOT_FOUND', `No transaction ${id}`);
}
