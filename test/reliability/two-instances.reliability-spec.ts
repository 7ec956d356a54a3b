// Two server processes on one database (the same Postgres database, or the
// same SQLite file), each taking half the clients: the invariants of the
// bank test must hold across both.
import { createBank } from './harness/bank-setup';
import { describeOutcomes, runBankLoad } from './harness/bank-load';
import { createDatabase, TestDatabase } from './harness/databases';
import { DbKind, LOAD, selectedDatabases } from './harness/env';
import { recordFigures } from './harness/figures';
import { monitorHealth } from './harness/health-monitor';
import { newStats } from './harness/http';
import { freePort, ServerProcess } from './harness/server-process';
import { verifyBank } from './harness/verify-bank';

describe.each(selectedDatabases())('two instances on %s', (kind: DbKind) => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createDatabase(kind, 'two');
    servers = [new ServerProcess(await freePort(), db.serverEnv), new ServerProcess(await freePort(), db.serverEnv)];
    // Both boot at once on the fresh database, as a rolling deploy would:
    // they race for the migrations too.
    await Promise.all(servers.map((s) => s.start()));
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await db?.drop();
  });

  it('keeps the bank invariants with the clients split across two processes', async () => {
    const stats = newStats();
    const bank = await createBank(servers[0].url, stats);
    const monitors = servers.map((server) => monitorHealth(server.url, 250));
    const load = await runBankLoad({
      bank,
      clients: LOAD.clients,
      seconds: LOAD.twoInstanceSeconds,
      baseUrl: (client) => servers[client % 2].url,
      stats,
    });
    const samples = (await Promise.all(monitors.map((m) => m.stop()))).flat();
    const checks = await verifyBank({ bank, load, stats, db, servers });
    // On SQLite a process waiting for the other's write lock blocks its event
    // loop (better-sqlite3's busy wait is synchronous): liveness must survive it.
    const slowestLive = Math.max(...samples.map((s) => s.liveMs));
    checks.check(
      samples.every((s) => s.live === 200 && s.ready === 200),
      () =>
        `probes answered ${samples
          .filter((s) => s.live !== 200 || s.ready !== 200)
          .map((s) => `${s.live}/${s.ready}`)
          .join(',')}`,
    );
    checks.check(slowestLive < 5000, () => `/healthz/live took ${slowestLive.toFixed(0)} ms`);
    recordFigures({
      scenario: 'two instances',
      database: kind,
      operations: load.outcomes.length,
      seconds: load.seconds,
      checksPassed: checks.passed,
      checksFailed: checks.failures.length,
      fiveHundreds: stats.fiveHundreds,
      serviceUnavailable: stats.serviceUnavailable,
      retries: stats.retries,
      replays: stats.replays,
      notes: `slowest /healthz/live ${slowestLive.toFixed(0)} ms; ${describeOutcomes(load)}`,
    });
    expect(checks.failures).toEqual([]);
  });
});
