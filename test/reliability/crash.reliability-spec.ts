// Crash test: SIGKILL the server in the middle of the bank workload, restart
// it on the same database, and let the clients retry what was never
// acknowledged with the same keys. Every operation must apply exactly once.
// A third of the operations undo earlier ones (ATM reversals, corrections),
// so kills land during reversals too: none may be lost or applied twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { createBank } from './harness/bank-setup';
import { describeOutcomes, runBankLoad } from './harness/bank-load';
import { createDatabase, TestDatabase } from './harness/databases';
import { DbKind, LOAD, selectedDatabases } from './harness/env';
import { recordFigures } from './harness/figures';
import { newStats } from './harness/http';
import { freePort, ServerProcess } from './harness/server-process';
import { verifyBank } from './harness/verify-bank';

describe.each(selectedDatabases())('crash test on %s', (kind: DbKind) => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await createDatabase(kind, 'crash');
    server = new ServerProcess(await freePort(), db.serverEnv);
    await server.start();
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it(`survives ${LOAD.kills} SIGKILLs under load: every operation applied exactly once`, async () => {
    const stats = newStats();
    const bank = await createBank(server.url, stats);
    let kills = 0;
    const killer = async () => {
      const interval = (LOAD.bankSeconds * 1000) / (LOAD.kills + 1);
      for (let i = 0; i < LOAD.kills; i++) {
        await sleep(interval * (0.75 + Math.random() / 2));
        await server.kill();
        kills += 1;
        // Same database, same port: the clients' retries find the new process.
        await server.start();
      }
    };
    const [load] = await Promise.all([
      runBankLoad({
        bank,
        clients: LOAD.clients,
        seconds: LOAD.bankSeconds,
        baseUrl: () => server.url,
        stats,
        settleMs: 120_000,
        reversalShare: 0.3,
      }),
      killer(),
    ]);
    const checks = await verifyBank({ bank, load, stats, db, servers: [server] });
    checks.equal(kills, LOAD.kills, 'SIGKILLs delivered');
    checks.equal(server.starts, LOAD.kills + 1, 'server starts on the same database');
    recordFigures({
      scenario: 'crash',
      database: kind,
      operations: load.outcomes.length,
      seconds: load.seconds,
      kills,
      checksPassed: checks.passed,
      checksFailed: checks.failures.length,
      fiveHundreds: stats.fiveHundreds,
      serviceUnavailable: stats.serviceUnavailable,
      retries: stats.retries,
      replays: stats.replays,
      notes: `${stats.networkErrors} connection errors retried; ${describeOutcomes(load)}`,
    });
    expect(checks.failures).toEqual([]);
  });
});
