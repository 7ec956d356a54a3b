// Postgres ends the app's connections under load (pg_terminate_backend, as a
// failover or an operator does): the requests on them get 503, the process
// lives on (an unhandled 'error' event on a checked-out client killed it), and
// the pool heals. Postgres only: SQLite has no connection to lose.
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { FreshDatabase, freshDatabase } from './helpers/fresh-database';
import { createTestApp, isPostgres, TestApp } from './helpers/test-app';

const describePostgres = isPostgres() ? describe : describe.skip;

describePostgres('losing Postgres connections', () => {
  let t: TestApp;
  let admin: Client;
  let db: FreshDatabase;
  // A database of its own: terminating every connection of the shared one would hit the other specs.
  beforeAll(async () => {
    db = await freshDatabase();
    t = await createTestApp(db.env);
    admin = new Client({ connectionString: db.env.DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await t.close();
    await db.drop();
  });

  const terminateAppBackends = () =>
    admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');

  it("the app's sessions give up on a statement, and on an idle transaction, before the client does (12 s < 15 s)", async () => {
    // A 503 for a client-side timeout must mean "not applied": Postgres has cancelled the statement first.
    const [settings] = await t.sql<{ statement_timeout: string; idle: string }>(
      `SELECT current_setting('statement_timeout') AS statement_timeout,
              current_setting('idle_in_transaction_session_timeout') AS idle`,
    );
    expect(settings).toEqual({ statement_timeout: '12s', idle: '12s' });
    const [app] = await t.sql<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM pg_settings WHERE name = 'statement_timeout' AND source = 'client'`,
    );
    expect(Number(app.n)).toBe(1);
  });

  it('10 rounds of terminating every app connection mid-load: only 200s and 503s, balances = ledger, then all well', async () => {
    const account = await openAccount(t, '0.00');
    let applied = 0;
    for (let round = 0; round < 10; round++) {
      const requests = Array.from({ length: 24 }, (_, i) =>
        t
          .http()
          .post(`/accounts/${account}/deposit`)
          .send({ amount: '1.00', reference: `r${round}-${i}` }),
      );
      const [answers] = await Promise.all([Promise.all(requests), terminateAppBackends()]);
      for (const res of answers) {
        expect(['200', '503 SERVICE_UNAVAILABLE']).toContain(res.status === 200 ? '200' : `${res.status} ${res.body.code}`);
        if (res.status === 200) applied += 1;
      }
    }
    // An unkeyed 503 may or may not have been applied; the ledger says which, and balance = ledger either way.
    const after = await balanceAndLedger(t, account);
    expect(after.balance).toBe(after.ledger);
    expect(after.rows).toBeGreaterThanOrEqual(applied);
    const res = await t.http().post(`/accounts/${account}/deposit`).send({ amount: '1.00' });
    expect(res.status).toBe(200);
    const health = await t.http().get('/healthz');
    expect(health.status).toBe(200);
  });

  it("a connection checked out of the app's pool and lost before its statement does not take the process down", async () => {
    type PgClient = { processID: number; query: (sql: string) => Promise<unknown>; release: (error?: unknown) => void };
    const pool = (t.app.get(DataSource).driver as unknown as { master: { connect(): Promise<PgClient> } }).master;
    // The autocommit path of TransactionRunner.query holds a client this way, between pool and statement.
    const client = await pool.connect();
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.prependListener('uncaughtException', record);
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [client.processID]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(client.query('SELECT 1')).rejects.toThrow();
    } finally {
      process.removeListener('uncaughtException', record);
      client.release(true);
    }
    expect(uncaught).toEqual([]);
  });

  it('an idle pooled connection terminated between requests is replaced, not fatal', async () => {
    const account = await openAccount(t, '0.00');
    await terminateAppBackends();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.http().get(`/accounts/${account}/balance`)));
    for (const res of answers) expect([200, 503]).toContain(res.status);
    const res = await t.http().get(`/accounts/${account}/balance`);
    expect(res.status).toBe(200);
  });
});
