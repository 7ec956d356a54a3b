// The data every scenario runs against: 1,000 accounts + one hot account
// (preloaded through PRELOAD_ACCOUNTS, so opening balances are ledger rows),
// 10 machines created through the API, and bulk ledger history.
import Database from 'better-sqlite3';
import { Client } from 'pg';

export const ACCOUNTS = Array.from({ length: 1000 }, (_, i) => String(10001 + i));
export const HOT_ACCOUNT = '90001';
/** The first 100 accounts carry the history: each has a full first page at both sizes. */
export const HISTORY_ACCOUNTS = ACCOUNTS.slice(0, 100);
export const MACHINES = Array.from({ length: 10 }, (_, i) => `bench-atm-${String(i + 1).padStart(2, '0')}`);
/** Every ATM amount is dispensable from the cassettes below (fewest pieces: 1–3 notes). */
export const ATM_AMOUNTS = ['20.00', '40.00', '60.00', '100.00', '150.00', '25.00', '5.00'];

/** ADMIN_API_KEY of the benchmarked server: it makes the bench's own client, and its machines. */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef0123456789';
const adminHeaders = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` };

/**
 * The key the load is sent with: an admin client made through POST /clients,
 * so every request is verified as a real client's is (cached after the first
 * lookup). Null on a server without clients (a build from before
 * authentication, for an A/B run): the load then goes without a key.
 */
export async function createBenchClient(baseUrl: string): Promise<string | null> {
  const response = await fetch(`${baseUrl}/clients`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ name: 'bench', role: 'admin' }),
  });
  if (response.status === 404) return null;
  if (response.status !== 201) throw new Error(`POST /clients: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { api_key: string }).api_key;
}

/** PRELOAD_ACCOUNTS: balances big enough for every withdrawal the run makes. */
export function preloadAccountsEnv(): string {
  const balances: Record<string, string> = {};
  for (const number of ACCOUNTS) balances[number] = '1000000.00';
  balances[HOT_ACCOUNT] = '10000000.00';
  return JSON.stringify(balances);
}

/** Creates the machines through POST /machines; false when the route does not exist (yet). */
export async function createMachines(baseUrl: string): Promise<boolean> {
  const cassettes = ['100.00', '50.00', '20.00', '10.00', '5.00'].map((denomination) => ({
    denomination,
    kind: 'bill',
    count: 500_000,
    capacity: 1_000_000,
  }));
  for (const machineId of MACHINES) {
    const response = await fetch(`${baseUrl}/machines`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify({ machine_id: machineId, name: machineId, location: 'bench', cassettes }),
    });
    if (response.status === 404) return false;
    if (response.status !== 201) throw new Error(`POST /machines ${machineId}: ${response.status} ${await response.text()}`);
  }
  return true;
}

/**
 * Tops the ledger table up to `targetRows` with +1.00/−1.00 pairs on the given
 * accounts, in that order, so every balance still equals its ledger sum and
 * every balance_after is the running balance. Returns the rows added.
 */
export async function growLedgerPostgres(url: string, accounts: readonly string[], targetRows: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const count = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM ledger_entries')).rows[0].n);
    const pairs = Math.max(0, Math.floor((targetRows - count) / 2));
    if (pairs === 0) return 0;
    await client.query(
      `INSERT INTO ledger_entries (type, account_number, amount, balance_after, reference, created_at)
       SELECT CASE WHEN g % 2 = 0 THEN 'deposit' ELSE 'withdrawal' END, a.account_number,
              CASE WHEN g % 2 = 0 THEN 100 ELSE -100 END,
              a.balance + CASE WHEN g % 2 = 0 THEN 100 ELSE 0 END, 'bench history', $3
       FROM generate_series(0, $1::int * 2 - 1) AS g
       JOIN accounts a ON a.account_number = ($2::text[])[1 + (g / 2) % cardinality($2::text[])]
       ORDER BY g`,
      [pairs, accounts, new Date().toISOString()],
    );
    await client.query('VACUUM ANALYZE ledger_entries');
    return pairs * 2;
  } finally {
    await client.end();
  }
}

/** Same as growLedgerPostgres, on the SQLite file (the server waits on the write lock meanwhile). */
export function growLedgerSqlite(file: string, accounts: readonly string[], targetRows: number): number {
  const db = new Database(file, { timeout: 30_000 });
  try {
    db.defaultSafeIntegers(false);
    const count = (db.prepare('SELECT count(*) AS n FROM ledger_entries').get() as { n: number }).n;
    const pairs = Math.max(0, Math.floor((targetRows - count) / 2));
    if (pairs === 0) return 0;
    const balances = new Map<string, number>();
    const balanceOf = db.prepare('SELECT balance FROM accounts WHERE account_number = ?').pluck();
    for (const number of accounts) balances.set(number, Number(balanceOf.get(number)));
    const insert = db.prepare(
      `INSERT INTO ledger_entries (type, account_number, amount, balance_after, reference, created_at)
       VALUES (?, ?, ?, ?, 'bench history', ?)`,
    );
    const now = new Date().toISOString();
    db.transaction(() => {
      for (let p = 0; p < pairs; p++) {
        const number = accounts[p % accounts.length];
        const balance = balances.get(number) as number;
        insert.run('deposit', number, 100, balance + 100, now);
        insert.run('withdrawal', number, -100, balance, now);
      }
    }).immediate();
    db.exec('ANALYZE');
    return pairs * 2;
  } finally {
    db.close();
  }
}
