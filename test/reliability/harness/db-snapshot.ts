// The database state a refused request must leave untouched: every table but
// the idempotency store (which keeps refusals on purpose) and the migrations
// bookkeeping. The append-only ledger is summarised; the rest is compared row by row.
import { DbKind } from './env';

export type Snapshot = Map<string, string>;
type Sql = <T = Record<string, unknown>>(query: string) => Promise<T[]>;

const SKIP = /idempot|^migrations$|typeorm_metadata/i;
const jsonBig = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

export async function listTables(sql: Sql, kind: DbKind): Promise<string[]> {
  const rows =
    kind === 'postgres'
      ? await sql<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
      : await sql<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows
    .map((r) => String(r.name))
    .filter((name) => !SKIP.test(name))
    .sort();
}

export async function takeSnapshot(sql: Sql, tables: string[]): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  for (const table of tables) {
    const query =
      table === 'ledger_entries'
        ? 'SELECT COUNT(*) AS n, MAX(id) AS last, SUM(amount) AS total FROM ledger_entries'
        : `SELECT * FROM "${table}"`;
    const rows = (await sql(query)).map((row) => JSON.stringify(row, jsonBig)).sort();
    snapshot.set(table, rows.join('\n'));
  }
  return snapshot;
}

/** Tables whose content differs, with a short excerpt of the change. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const changed: string[] = [];
  for (const [table, rows] of after) {
    const old = before.get(table) ?? '';
    if (old === rows) continue;
    const oldRows = new Set(old.split('\n'));
    const added = rows
      .split('\n')
      .filter((row) => !oldRows.has(row))
      .slice(0, 2);
    changed.push(`${table}: ${added.join(' ; ').slice(0, 300)}`);
  }
  return changed;
}
