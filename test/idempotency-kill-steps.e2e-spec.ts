// Issue 16: a keyed request killed between any two of its steps is applied
// exactly once when retried with its key. The server runs as a real process
// on Postgres; a second connection holds the lock the request's next step
// needs, so the process is SIGKILLed while it waits right there. Then:
// the effect and the key are never apart (both or neither), and a retry
// applies the request once (or replays it), and a second retry replays.
//
// Steps, in the order the server takes them:
// - keyed deposit/withdraw: ONE statement (the key claim, the balance, the
//   ledger row; see idempotency-claimed.e2e-spec for the statement count), so
//   its only "between" is before and after it;
// - keyed ATM withdrawal: BEGIN, the account's UPDATE, the machine and
//   cassettes lock, the cassette counts, the ledger row, the key row, COMMIT.
// SQLite runs each keyed request as one transaction under the database's
// write lock, in this process's own mutex: a kill anywhere before COMMIT is
// rolled back from the journal (idempotency-crash.e2e-spec kills it mid-load).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { FreshDatabase, freshDatabase } from './helpers/fresh-database';
import { bearer } from './helpers/keys';
import { buildServer, ServerProcess } from './helpers/server-process';
import { isPostgres } from './helpers/test-app';

interface Step {
  name: string;
  /** Taken inside the blocker's open transaction; `$1` is the account or the machine (`of`). */
  lock: string;
  of?: 'account' | 'machine';
  /** pg_stat_activity.query of the server's statement that waits for it (LIKE). */
  waiting: string;
}

interface Case {
  request: 'withdraw' | 'atm';
  step: Step;
  /** A kill at this step can never have committed (the step is inside an open transaction). */
  neverCommitted: boolean;
}

const ACCOUNT_ROW: Step = {
  name: "the account's row",
  lock: 'SELECT 1 FROM accounts WHERE account_number = $1 FOR UPDATE',
  of: 'account',
  waiting: '%UPDATE accounts%',
};
const CASES: Case[] = [
  // The one statement: killed while it waits for the account (it commits once the lock is free, or not).
  { request: 'withdraw', step: { ...ACCOUNT_ROW, waiting: 'WITH existing AS%' }, neverCommitted: false },
  {
    request: 'withdraw',
    step: { name: 'the key table', lock: 'LOCK TABLE idempotency_keys IN SHARE MODE', waiting: 'WITH existing AS%' },
    neverCommitted: false,
  },
  { request: 'atm', step: ACCOUNT_ROW, neverCommitted: true },
  {
    request: 'atm',
    step: {
      name: 'the machine and its cassettes',
      lock: 'SELECT 1 FROM machines WHERE machine_id = $1 FOR UPDATE',
      of: 'machine',
      waiting: '%FROM machines m JOIN cassettes%',
    },
    neverCommitted: true,
  },
  {
    request: 'atm',
    step: { name: 'the ledger row', lock: 'LOCK TABLE ledger_entries IN SHARE MODE', waiting: 'INSERT INTO ledger_entries%' },
    neverCommitted: true,
  },
  {
    request: 'atm',
    step: {
      name: 'the key row (last before COMMIT)',
      lock: 'LOCK TABLE idempotency_keys IN SHARE MODE',
      waiting: 'INSERT INTO idempotency_keys%',
    },
    neverCommitted: true,
  },
];

const AMOUNT = { withdraw: '7.00', atm: '60.00' };

(isPostgres() ? describe : describe.skip)('Keyed requests SIGKILLed between their steps (Postgres)', () => {
  let build: ReturnType<typeof buildServer> | undefined;
  let env: Record<string, string>;
  let admin: Client;
  let db: FreshDatabase | undefined;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    build = buildServer();
    db = await freshDatabase();
    env = {
      ...db.env,
      DB_TYPE: 'postgres',
      SEED_DEMO_DATA: 'false',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      // No pruning sweep may queue behind a test's table lock.
      IDEMPOTENCY_TTL_SECONDS: '86400',
    };
    admin = new Client({ connectionString: db.env.DATABASE_URL });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await admin?.end();
    build?.remove();
    await db?.drop();
  });

  const start = async () => {
    const server = await ServerProcess.start((build as { main: string }).main, env);
    servers.push(server);
    return server;
  };

  const post = async (url: string, path: string, body: object, key?: string) => {
    const headers = { 'content-type': 'application/json', ...bearer(), ...(key ? { 'idempotency-key': key } : {}) };
    const res = await fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') === 'true' };
  };

  /** The server's backends: every connection to the database but this spec's own two. */
  const serverBackends = async (mine: number[], waiting?: string): Promise<number> => {
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND NOT (pid = ANY($1))
         AND ($2::text IS NULL OR (wait_event_type = 'Lock' AND query LIKE $2))`,
      [mine, waiting ?? null],
    );
    return Number(rows[0].n);
  };

  const until = async (what: string, check: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(25)) if (await check()) return;
    throw new Error(`timed out waiting for ${what}`);
  };

  const state = async (account: string, machine: string, key: string) => {
    const one = async (sql: string, params: unknown[]) => (await admin.query<{ v: string | null }>(sql, params)).rows[0]?.v ?? null;
    return {
      balance: await one('SELECT balance::text AS v FROM accounts WHERE account_number = $1', [account]),
      rows: Number(await one('SELECT count(*)::text AS v FROM ledger_entries WHERE account_number = $1', [account])),
      pieces: Number(await one('SELECT sum(count)::text AS v FROM cassettes WHERE machine_id = $1', [machine])),
      keyLedgerRow: await one('SELECT coalesce(ledger_entry_id::text, body) AS v FROM idempotency_keys WHERE idempotency_key = $1', [key]),
    };
  };

  it.each(CASES.map((c) => [c.request, c.step.name, c] as const))(
    '%s killed while waiting for %s: applied once on retry',
    async (_r, _s, c) => {
      let server = await start();
      const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
      const account = `kill${suffix}`;
      const machine = `kill-${suffix}`;
      expect((await post(server.url, '/accounts', { account_number: account, initial_deposit: '500.00' })).status).toBe(201);
      const cassettes = [{ denomination: '20.00', kind: 'bill', count: 100, capacity: 1000 }];
      expect((await post(server.url, '/machines', { machine_id: machine, cassettes })).status).toBe(201);
      const key = `kill-${randomUUID()}`;
      const [path, body] =
        c.request === 'withdraw'
          ? [`/accounts/${account}/withdraw`, { amount: AMOUNT.withdraw }]
          : [`/machines/${machine}/withdrawals`, { account_number: account, amount: AMOUNT.atm }];
      const before = await state(account, machine, key);

      const blocker = new Client({ connectionString: env.DATABASE_URL });
      await blocker.connect();
      const mine = [(await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid];
      mine.push((await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      await blocker.query('BEGIN');
      await blocker.query(c.step.lock, c.step.of ? [c.step.of === 'account' ? account : machine] : []);
      const inFlight = post(server.url, path, body, key).catch(() => 'lost' as const);
      await until(`the request to wait for ${c.step.name}`, async () => (await serverBackends(mine, c.step.waiting)) > 0);
      await server.stop('SIGKILL');
      expect(await inFlight).toBe('lost');
      await blocker.query('COMMIT');
      await blocker.end();
      // The dead process's backends finish what they were doing and go.
      await until('the killed server’s backends to end', async () => (await serverBackends(mine)) === 0);

      const afterKill = await state(account, machine, key);
      const applied = afterKill.rows === before.rows + 1;
      // Never apart: the key exists exactly when the effect does.
      expect({ applied, keyed: afterKill.keyLedgerRow !== null }).toEqual({ applied, keyed: applied });
      // Killed inside an open transaction: nothing at all changed (elsewhere the statement may have committed).
      expect(c.neverCommitted ? afterKill : before).toEqual(before);

      server = await start();
      const retried = await post(server.url, path, body, key);
      const again = await post(server.url, path, body, key);
      expect(retried.status).toBe(c.request === 'withdraw' ? 200 : 201);
      expect(retried.replayed).toBe(applied);
      expect(again).toEqual({ ...retried, replayed: true });
      const after = await state(account, machine, key);
      const cents = Number((c.request === 'withdraw' ? AMOUNT.withdraw : AMOUNT.atm).replace('.', ''));
      expect({ balance: Number(after.balance), rows: after.rows, pieces: after.pieces }).toEqual({
        balance: Number(before.balance) - cents,
        rows: before.rows + 1,
        pieces: before.pieces - (c.request === 'atm' ? 3 : 0),
      });
      await server.stop('SIGTERM');
    },
  );
});
