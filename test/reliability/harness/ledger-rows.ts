// The ledger and accounts as stored, read directly from the database with the
// driver's types normalised (bigint on SQLite, strings for int8 on Postgres).
import { TestDatabase } from './databases';

export interface LedgerRow {
  id: number;
  type: string;
  accountNumber: string | null;
  machineId: string | null;
  amount: bigint | null;
  balanceAfter: bigint | null;
  transferId: string | null;
  cash: Array<{ denomination: bigint; count: bigint }>;
  reference: string | null;
  /** The row this one undoes (reversals). */
  reverses: number | null;
}

export interface AccountRow {
  number: string;
  balance: bigint;
  overdraft: bigint;
}

type Raw = Record<string, unknown>;
const big = (value: unknown): bigint | null => (value === null || value === undefined ? null : BigInt(value as string));
const text = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new Error(`expected a text column, got ${typeof value}`);
  return value;
};

function parseCash(value: unknown): LedgerRow['cash'] {
  if (value === null || value === undefined) return [];
  const items = JSON.parse(text(value) ?? '[]') as Array<{ denomination: number | string; count: number | string }>;
  return items.map((item) => ({ denomination: BigInt(item.denomination), count: BigInt(item.count) }));
}

export async function readLedger(db: TestDatabase): Promise<LedgerRow[]> {
  const rows = await db.query<Raw>(
    'SELECT id, type, account_number, machine_id, amount, balance_after, transfer_id, cash, reference, reverses FROM ledger_entries ORDER BY id',
  );
  return rows.map((r) => ({
    id: Number(r.id),
    type: String(r.type),
    accountNumber: text(r.account_number),
    machineId: text(r.machine_id),
    amount: big(r.amount),
    balanceAfter: big(r.balance_after),
    transferId: text(r.transfer_id),
    cash: parseCash(r.cash),
    reference: text(r.reference),
    reverses: r.reverses === null || r.reverses === undefined ? null : Number(r.reverses),
  }));
}

export async function readAccounts(db: TestDatabase): Promise<Map<string, AccountRow>> {
  const rows = await db.query<Raw>('SELECT account_number, balance, overdraft_limit FROM accounts');
  return new Map(
    rows.map((r) => [
      String(r.account_number),
      { number: String(r.account_number), balance: big(r.balance) ?? 0n, overdraft: big(r.overdraft_limit) ?? 0n },
    ]),
  );
}
