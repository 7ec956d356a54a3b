// Postgres failover, on a throwaway cluster of the test's own (never the
// shared one): every app connection terminated 10 times in a row under the
// bank load, then `pg_ctl stop -m immediate` and a start. The process never
// exits, /healthz goes 503 and back, every invariant holds. And a frozen
// backend (SIGSTOP past the client's query timeout, then SIGCONT): no unkeyed
// request answered 503 is applied when the backend resumes.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeOutcomes } from './harness/bank-load';
import { TestDatabase } from './harness/databases';
import { selectedDatabases } from './harness/env';
import { recordFigures } from './harness/figures';
import { runOutage } from './harness/outage';
import { canMakeCluster, PgCluster } from './harness/pg-cluster';
import { freePort, ServerProcess } from './harness/server-process';
import { bearer } from '../helpers/keys';

// data-source-options.ts: pg's query_timeout.
const QUERY_TIMEOUT_MS = 15_000;
const wanted = selectedDatabases().includes('postgres');
// CI must not skip it silently: without initdb/pg_ctl (PG_BIN) the run fails there.
if (wanted && !canMakeCluster() && process.env.CI === 'true') throw new Error('pg-failover: initdb/pg_ctl not found; set PG_BIN');
const describeCluster = wanted && canMakeCluster() ? describe : describe.skip;

function clusterDatabase(cluster: PgCluster, name: string): TestDatabase {
  return {
    kind: 'postgres',
    name,
    serverEnv: { DB_TYPE: 'postgres', DATABASE_URL: cluster.urlOf(name) },
    query: (sql) => cluster.sql(name, sql),
    integrity: () => Promise.resolve('ok'),
    drop: () => Promise.resolve(),
  };
}

describeCluster('postgres failover on a throwaway cluster', () => {
  let cluster: PgCluster;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    cluster = await PgCluster.create();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => {
    cluster?.remove();
  });

  async function serve(name: string): Promise<TestDatabase> {
    await cluster.sql('postgres', `CREATE DATABASE "${name}"`);
    const db = clusterDatabase(cluster, name);
    server = new ServerProcess(await freePort(), db.serverEnv);
    await server.start();
    return db;
  }

  it('10 terminations of every app connection, then stop -m immediate and start: alive, 503 and back, invariants hold', async () => {
    const name = 'atm_failover';
    const db = await serve(name);
    let terminated = 0;
    const run = await runOutage(
      { db, server: server as ServerProcess },
      {
        beforeMs: 3000,
        durationMs: 3000,
        loadSeconds: 14,
        attemptTimeoutMs: 10_000,
        prelude: async () => {
          for (let round = 0; round < 10; round++) {
            terminated += await cluster.terminateBackendsOf(name);
            await sleep(150);
          }
        },
        outage: () => later(() => cluster.stopImmediate()),
        recover: () => later(() => cluster.start()),
      },
    );
    run.checks.check(terminated >= 10, () => `only ${terminated} backends terminated: the load had no connections open`);
    const { load, stats, checks } = run;
    recordFigures({
      scenario: 'postgres failover',
      database: 'postgres',
      operations: load.outcomes.length,
      seconds: load.seconds,
      checksPassed: checks.passed,
      checksFailed: checks.failures.length,
      fiveHundreds: stats.fiveHundreds,
      serviceUnavailable: stats.serviceUnavailable,
      retries: stats.retries,
      replays: stats.replays,
      notes:
        `${terminated} backends terminated in 10 rounds, then stop -m immediate for 3 s; /healthz 503 after ` +
        `${run.readyDownMs.toFixed(0)} ms, 200 again ${run.readyUpMs.toFixed(0)} ms after the start; ${describeOutcomes(load)}`,
    });
    expect(checks.failures).toEqual([]);
  });

  it('frozen backends (SIGSTOP past the query timeout, then SIGCONT): no unkeyed deposit answered 503 is applied', async () => {
    const name = 'atm_frozen';
    await serve(name);
    const url = (server as ServerProcess).url;
    const post = (path: string, body: unknown, timeoutMs = 60_000) =>
      fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer() },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    expect((await post('/accounts', { account_number: 'frozen1', initial_deposit: '0.00' })).status).toBe(201);
    // Warm the pool: these connections are the ones frozen.
    await Promise.all(
      Array.from({ length: 8 }, () => fetch(`${url}/accounts/frozen1/balance`, { headers: bearer() }).then((r) => r.arrayBuffer())),
    );
    const pids = await cluster.backendsOf(name);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();
    let answers: Array<{ reference: string; status: number; ms: number }>;
    try {
      answers = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const reference = `frozen-${i}`;
          const started = Date.now();
          const res = await post('/accounts/frozen1/deposit', { amount: '1.00', reference });
          await res.arrayBuffer();
          return { reference, status: res.status, ms: Date.now() - started };
        }),
      );
      await sleep(Math.max(0, QUERY_TIMEOUT_MS + 5000 - (Date.now() - frozenAt)));
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
    await sleep(3000);
    const rows = await cluster.sql<{ reference: string; n: string }>(
      name,
      "SELECT reference, count(*) AS n FROM ledger_entries WHERE reference LIKE 'frozen-%' GROUP BY reference",
    );
    const applied = new Map(rows.map((row) => [row.reference, Number(row.n)]));
    const slow503 = answers.filter((a) => a.status === 503 && a.ms >= QUERY_TIMEOUT_MS - 1000);
    expect(slow503.length).toBeGreaterThan(0); // some deposits did reach a frozen backend
    for (const answer of answers) {
      expect([200, 503]).toContain(answer.status);
      expect({ reference: answer.reference, applied: applied.get(answer.reference) ?? 0 }).toEqual({
        reference: answer.reference,
        applied: answer.status === 200 ? 1 : 0,
      });
    }
    expect((server as ServerProcess).running).toBe(true);
    const after = await post('/accounts/frozen1/deposit', { amount: '1.00' });
    expect(after.status).toBe(200);
  });
});

/** Synchronous work as a promise: a throw becomes a rejection, as the outage runner expects. */
function later(work: () => void): Promise<void> {
  return Promise.resolve().then(work);
}
