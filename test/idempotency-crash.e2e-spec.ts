// Exactly once across a crash: the built server runs as a real process, is
// SIGKILLed while keyed deposits and withdrawals are in flight, restarts on
// the same database next to a second process, and every request is retried
// with its key. Each must have been applied exactly once.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { FreshDatabase, freshDatabase } from './helpers/fresh-database';
import { buildServer, ServerProcess } from './helpers/server-process';
import { bearer } from './helpers/keys';
import { isPostgres } from './helpers/test-app';

const ACCOUNTS = 4;
const OPS = 400;
const WORKERS = 24;
const KILL_AFTER = 120;
const INITIAL = 100_000n; // 1000.00 per account

interface Op {
  key: string;
  account: string;
  kind: 'deposit' | 'withdraw';
  amount: string;
  cents: bigint;
}
type Answer = { status: number; text: string; replayed: boolean } | 'lost' | 'unsent';

const cents = (money: string) => BigInt(money.replace('.', ''));

async function send(url: string, path: string, body: object, key?: string): Promise<Answer> {
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...bearer(), ...(key ? { 'idempotency-key': key } : {}) };
    const res = await fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') === 'true' };
  } catch {
    return 'lost';
  }
}

/** Sends ops with WORKERS in flight; stops sending new ones once `stopped()`. */
async function sendAll(
  ops: Op[],
  urlFor: (i: number) => string,
  onAnswer: (a: Answer) => void = () => {},
  stopped = () => false,
): Promise<Answer[]> {
  const answers: Answer[] = ops.map(() => 'unsent');
  let next = 0;
  const worker = async () => {
    while (next < ops.length && !stopped()) {
      const i = next++;
      const op = ops[i];
      answers[i] = await send(urlFor(i), `/accounts/${op.account}/${op.kind}`, { amount: op.amount }, op.key);
      onAnswer(answers[i]);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return answers;
}

async function ledgerOf(url: string, account: string): Promise<{ balance: bigint; sum: bigint; rows: number }> {
  const balance = cents(
    ((await (await fetch(`${url}/accounts/${account}/balance`, { headers: bearer() })).json()) as { balance: string }).balance,
  );
  let sum = 0n;
  let rows = 0;
  for (let cursor: string | null = ''; cursor !== null;) {
    const page = (await (
      await fetch(`${url}/accounts/${account}/transactions?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer() })
    ).json()) as {
      items: Array<{ amount: string }>;
      next_cursor: string | null;
    };
    for (const item of page.items) sum += cents(item.amount);
    rows += page.items.length;
    cursor = page.next_cursor;
  }
  return { balance, sum, rows };
}

/** Stored keys by status, straight from the table: none may be left without a response. */
async function storedKeys(env: Record<string, string>, prefix: string): Promise<Record<string, number>> {
  const sql = `SELECT status, COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key LIKE '${prefix}%' GROUP BY status`;
  let rows: Array<{ status: unknown; n: unknown }>;
  if (env.DB_TYPE === 'postgres') {
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    rows = (await client.query(sql)).rows;
    await client.end();
  } else {
    const db = new Database(env.SQLITE_PATH, { readonly: true });
    rows = db.prepare(sql).all() as typeof rows;
    db.close();
  }
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
}

function makeOps(accounts: string[]): Op[] {
  return Array.from({ length: OPS }, (_, i) => {
    const amount = `${1 + (i % 7)}.${String((i * 37) % 100).padStart(2, '0')}`;
    const kind = i % 3 === 0 ? 'withdraw' : 'deposit';
    return {
      key: `crash-${randomUUID()}`,
      account: accounts[i % ACCOUNTS],
      kind,
      amount,
      cents: kind === 'deposit' ? cents(amount) : -cents(amount),
    };
  });
}

describe('Idempotency-Key across a crash (SIGKILL, restart, retry)', () => {
  const work = mkdtempSync(join(tmpdir(), 'atm-idem-crash-'));
  const servers: ServerProcess[] = [];
  let build: ReturnType<typeof buildServer> | undefined;
  let env: Record<string, string>;
  let db: FreshDatabase | undefined;

  beforeAll(async () => {
    build = buildServer();
    env = { LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', DB_MIGRATIONS_RUN: 'true', NODE_ENV: 'test', LOG_PRETTY: 'false' };
    if (isPostgres()) {
      db = await freshDatabase();
      Object.assign(env, { DB_TYPE: 'postgres', DATABASE_URL: db.env.DATABASE_URL });
    } else {
      Object.assign(env, { DB_TYPE: 'sqlite', SQLITE_PATH: join(work, 'atm.sqlite') });
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    build?.remove();
    await db?.drop();
    if (existsSync(work) && !process.env.KEEP_CRASH_LOGS) rmSync(work, { recursive: true, force: true });
  });

  const start = async (extra: Record<string, string> = {}) => {
    const server = await ServerProcess.start((build as { main: string }).main, { ...env, ...extra });
    servers.push(server);
    return server;
  };

  it('applies every keyed request exactly once, whether or not the crash lost its response', async () => {
    const first = await start();
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `crash${i}x${process.pid}x${Date.now().toString(36)}`);
    for (const account_number of accounts) {
      expect(await send(first.url, '/accounts', { account_number, initial_deposit: '1000.00' })).toMatchObject({ status: 201 });
    }
    const ops = makeOps(accounts);
    let answered = 0;
    let killed = false;
    const before = await sendAll(
      ops,
      () => first.url,
      (answer) => {
        if (typeof answer === 'object' && ++answered === KILL_AFTER) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      },
      () => killed,
    );
    const lost = before.filter((a) => a === 'lost').length;
    expect(lost).toBeGreaterThan(0); // the kill did land mid-flight

    // The restart recovers the database; a second process joins it at once.
    const [restarted, second] = await Promise.all([start(), sleep(300).then(() => start({ DB_MIGRATIONS_RUN: 'false' }))]);
    const after = await sendAll(ops, (i) => (i % 4 === 0 ? second.url : restarted.url));
    const lostButApplied = before.filter((a, i) => a === 'lost' && (after[i] as { replayed: boolean }).replayed).length;
    for (const answer of after) expect(answer).toMatchObject({ status: 200 });
    const answeredBefore = before.flatMap((original, i) => (typeof original === 'object' ? [{ i, original }] : []));
    for (const { i, original } of answeredBefore) expect(after[i]).toEqual({ ...original, replayed: true });
    for (const account of accounts) {
      const intended = ops.filter((op) => op.account === account).reduce((sum, op) => sum + op.cents, INITIAL);
      const { balance, sum, rows } = await ledgerOf(restarted.url, account);
      expect({ account, balance, sum, rows }).toEqual({ account, balance: intended, sum: intended, rows: 1 + OPS / ACCOUNTS });
    }
    await expect(storedKeys(env, 'crash-')).resolves.toEqual({ '200': OPS });
    console.log(
      `crash test (${env.DB_TYPE}): ${ops.length} keys, ${before.filter((a) => typeof a === 'object').length} answered before SIGKILL, ` +
        `${lost} in flight (${lostButApplied} of them had committed), ${before.filter((a) => a === 'unsent').length} unsent; all applied once after retry`,
    );

    // Two processes on the same database, one key: still one effect.
    const key = `two-${randomUUID()}`;
    const twin = accounts[0];
    const { balance: b0 } = await ledgerOf(restarted.url, twin);
    const duplicates = await Promise.all(
      Array.from({ length: 30 }, (_, i) => send(i % 2 ? second.url : restarted.url, `/accounts/${twin}/withdraw`, { amount: '3.00' }, key)),
    );
    expect(duplicates.filter((d) => typeof d === 'object' && d.status === 200 && !d.replayed)).toHaveLength(1);
    expect(new Set(duplicates.map((d) => (typeof d === 'object' ? `${d.status} ${d.text}` : d))).size).toBe(1);
    await expect(ledgerOf(second.url, twin)).resolves.toMatchObject({ balance: b0 - 300n, sum: b0 - 300n });
  }, 60_000);
});
