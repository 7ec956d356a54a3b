import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { decodeIdCursor, Page, toPage } from '../common/pagination';
import { driverBigintOrNull } from '../database/bigint.transformer';
import { SqlStatements } from '../database/sql-statements';
import { TransactionRunner } from '../database/transaction-runner';
import { LedgerEntry, LedgerType } from './ledger-entry.entity';
import { LedgerEntryView, ReadLedgerEntry, toLedgerEntryView } from './ledger-entry.view';
import { LEDGER_COLUMNS, LedgerColumn } from './posting.sql';

// reversed_by is derived, never stored: the ledger stays append-only, and the
// unique index on reverses answers it.
const SELECT_LEDGER = `SELECT id, ${LEDGER_COLUMNS.join(', ')},
  (SELECT r.id FROM ledger_entries r WHERE r.reverses = ledger_entries.id) AS reversed_by FROM ledger_entries`;

const LOCK_ROW_SQL = 'SELECT id FROM ledger_entries WHERE id = :id';
const TRANSFER_LEGS_SQL = `SELECT id FROM ledger_entries WHERE transfer_id = :transfer AND type IN ('transfer_in', 'transfer_out') ORDER BY id`;

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

/** Reads of the append-only ledger (PostingService is the only writer). */
@Injectable()
export class LedgerService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly sql: SqlStatements,
  ) {}

  async findById(id: number): Promise<LedgerEntryView> {
    const [row] = await this.runner.read((em) =>
      this.runner.query<LedgerRow>(em, 'ledger_by_id', `${SELECT_LEDGER} WHERE id = :id`, { id }),
    );
    if (!row) throw new DomainError('TRANSACTION_NOT_FOUND', `No transaction ${id}`);
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

  /** A row, read inside the caller's transaction (no lock); undefined when there is none. */
  async findIn(em: EntityManager, id: number): Promise<ReadLedgerEntry | undefined> {
    const [row] = await this.runner.query<LedgerRow>(em, 'ledger_by_id', `${SELECT_LEDGER} WHERE id = :id`, { id });
    return row && toLedgerEntry(row);
  }

  /** The ids of a transfer's two legs. */
  async transferLegIds(em: EntityManager, transferId: string): Promise<number[]> {
    const rows = await this.runner.query<{ id: unknown }>(em, 'ledger_transfer_legs', TRANSFER_LEGS_SQL, { transfer: transferId });
    return rows.map((row) => Number(row.id));
  }

  /**
   * Locks rows about to be undone until the caller's transaction ends (in id
   * order: two corrections of one transfer never deadlock), then reads them.
   * The read is a statement of its own, so a reversal that waited for
   * another's lock sees that one's row (reversed_by) once it committed.
   */
  async lockForReversal(em: EntityManager, ids: readonly number[]): Promise<ReadLedgerEntry[]> {
    const lock = this.sql.lockingSelect(LOCK_ROW_SQL);
    for (const id of [...ids].sort((a, b) => a - b)) await this.runner.query(em, 'ledger_lock_row', lock, { id });
    const rows: ReadLedgerEntry[] = [];
    for (const id of ids) {
      const row = await this.findIn(em, id);
      if (row) rows.push(row);
    }
    return rows;
  }
}

function idOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
