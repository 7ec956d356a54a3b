// After the load: every balance must still equal the sum of its ledger rows.
import Database from 'better-sqlite3';
import { Client } from 'pg';

const MISMATCHED_ACCOUNTS =
  'SELECT count(*) AS n FROM accounts a WHERE a.balance <> COALESCE((SELECT sum(l.amount) FROM ledger_entries l WHERE l.account_number = a.account_number), 0)';
const COUNTS = 'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM ledger_entries) AS ledger';

export async function withPg<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function checkInvariants(target: { dbUrl: string } | { sqliteFile: string }): Promise<string> {
  let bad: number;
  let counts: { accounts: number; ledger: number };
  if ('dbUrl' in target) {
    [bad, counts] = await withPg(target.dbUrl, async (c) => {
      const mismatched = Number((await c.query<{ n: string }>(MISMATCHED_ACCOUNTS)).rows[0].n);
      const row = (await c.query<{ accounts: string; ledger: string }>(COUNTS)).rows[0];
      return [mismatched, { accounts: Number(row.accounts), ledger: Number(row.ledger) }] as const;
    });
  } else {
    const db = new Database(target.sqliteFile, { readonly: true, timeout: 30_000 });
    try {
      bad = Number((db.prepare(MISMATCHED_ACCOUNTS).get() as { n: number }).n);
      counts = db.prepare(COUNTS).get() as { accounts: number; ledger: number };
    } finally {
      db.close();
    }
  }
  const verdict = bad === 0 ? 'OK' : `FAILED: ${bad} account(s) whose balance differs from their ledger sum`;
  return `${verdict} (${counts.accounts} accounts, ${counts.ledger} ledger rows)`;
}
