import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { decodeIdCursor, Page, toPage } from '../common/pagination';
import { TransactionRunner } from '../database/transaction-runner';
import { CashMovement, LedgerEntry, LedgerType } from './ledger-entry.entity';
import { serializeCash, toTransactionView, TransactionView } from './transaction.view';

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
  createdAt?: string;
}

/** The columns every ledger INSERT writes, in order (here and in account-movements.sql.ts). */
export const LEDGER_COLUMNS = [
  'type', 'account_number', 'machine_id', 'amount', 'balance_after',
  'transfer_id', 'counterparty_account', 'cash', 'reference', 'created_at',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];
/** `INSERT INTO ledger_entries (<LEDGER_COLUMNS>)`: add VALUES or a SELECT in the same order. */
export const LEDGER_INSERT_INTO = `INSERT INTO ledger_entries (${LEDGER_COLUMNS.join(', ')})`;
const INSERT_LEDGER_SQL = `${LEDGER_INSERT_INTO} VALUES (${LEDGER_COLUMNS.map((c) => `:${c}`).join(', ')}) RETURNING id`;

/** The append-only ledger: rows are only ever inserted, in the caller's transaction. */
@Injectable()
export class LedgerService {
  constructor(private readonly tx: TransactionRunner) {}

  /** Appends one row inside the caller's transaction and returns its id. */
  async append(em: EntityManager, entry: NewLedgerEntry): Promise<number> {
    // Raw INSERT … RETURNING (both databases): TypeORM's own insert cannot
    // read back a bigint rowid from better-sqlite3's safe-integer mode.
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
    };
    const [sql, params] = em.connection.driver.escapeQueryWithParameters(INSERT_LEDGER_SQL, values);
    const rows = (await em.query(sql, params)) as Array<{ id: unknown }>;
    return Number(rows[0].id);
  }

  async findById(id: number): Promise<TransactionView> {
    const entry = await this.tx.read((em) => em.findOneBy(LedgerEntry, { id }));
    if (!entry) throw new DomainError('TRANSACTION_NOT_FOUND', `No transaction ${id}`);
    return toTransactionView(entry);
  }

  /** Newest first, keyset-paged by id; the caller has checked that the account exists. */
  pageForAccount(accountNumber: string, limit: number, cursor?: string): Promise<Page<TransactionView>> {
    return this.page('account_number', accountNumber, limit, cursor);
  }

  pageForMachine(machineId: string, limit: number, cursor?: string): Promise<Page<TransactionView>> {
    return this.page('machine_id', machineId, limit, cursor);
  }

  private async page(
    column: 'account_number' | 'machine_id',
    value: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<TransactionView>> {
    const before = decodeIdCursor(cursor);
    const rows = await this.tx.read((em) => {
      const query = em
        .createQueryBuilder(LedgerEntry, 'e')
        .where(`e.${column} = :value`, { value })
        .orderBy('e.id', 'DESC')
        .limit(limit + 1);
      if (before !== undefined) query.andWhere('e.id < :before', { before });
      return query.getMany();
    });
    return toPage(rows, limit, toTransactionView, (row) => row.id);
  }
}
