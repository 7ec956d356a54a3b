// Jepsen-style bank test against the server as a real process: concurrent
// clients move money for ~15 s; afterwards every cent and every note is
// accounted for, and a hot account is never overdrawn.
import { createBank } from './harness/bank-setup';
import { describeOutcomes, runBankLoad } from './harness/bank-load';
import { Checks } from './harness/checks';
import { createDatabase, TestDatabase } from './harness/databases';
import { DbKind, LOAD, selectedDatabases } from './harness/env';
import { recordFigures } from './harness/figures';
import { monitorHealth } from './harness/health-monitor';
import { newStats, sendUntilAnswered } from './harness/http';
import { readAccounts, readLedger } from './harness/ledger-rows';
import { freePort, ServerProcess } from './harness/server-process';
import { verifyBank } from './harness/verify-bank';

describe.each(selectedDatabases())('bank test on %s', (kind: DbKind) => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await createDatabase(kind, 'bank');
    server = new ServerProcess(await freePort(), db.serverEnv);
    await server.start();
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('hot account: 64 concurrent withdrawals of 1.00 against 40.00 → exactly 40 succeed', async () => {
    const stats = newStats();
    const started = Date.now();
    const deadline = started + 60_000;
    const number = `hot${started.toString(36)}`;
    const url = () => server.url;
    const opened = await sendUntilAnswered(
      url,
      { method: 'POST', path: '/accounts', key: `${number}-open`, body: { account_number: number, initial_deposit: '40.00' } },
      stats,
      deadline,
    );
    expect(opened.status).toBe(201);
    const replies = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        sendUntilAnswered(
          url,
          { method: 'POST', path: `/accounts/${number}/withdraw`, key: `${number}-w${i}`, body: { amount: '1.00' } },
          stats,
          deadline,
        ),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const balance = await sendUntilAnswered(url, { method: 'GET', path: `/accounts/${number}/balance` }, stats, deadline);

    const checks = new Checks();
    checks.equal(replies.filter((r) => r.status === 200).length, 40, 'withdrawals that succeeded');
    checks.equal(
      replies.filter((r) => r.status === 422 && (r.body as { code: string }).code === 'INSUFFICIENT_FUNDS').length,
      24,
      'withdrawals refused INSUFFICIENT_FUNDS',
    );
    checks.equal((balance.body as { balance: string }).balance, '0.00', 'final balance');
    const rows = (await readLedger(db)).filter((r) => r.accountNumber === number);
    checks.equal(rows.length, 41, 'ledger rows (opening deposit + 40 withdrawals)');
    checks.equal(
      rows.reduce((sum, r) => sum + (r.amount ?? 0n), 0n),
      0n,
      'ledger sum',
    );
    checks.equal((await readAccounts(db)).get(number)?.balance, 0n, 'stored balance');
    checks.equal(stats.fiveHundreds + stats.serviceUnavailable, 0, '5xx responses');
    recordFigures({
      scenario: 'hot account',
      database: kind,
      operations: 64,
      seconds,
      checksPassed: checks.passed,
      checksFailed: checks.failures.length,
      fiveHundreds: stats.fiveHundreds,
      serviceUnavailable: stats.serviceUnavailable,
      retries: stats.retries,
    });
    expect(checks.failures).toEqual([]);
  });

  it(`keeps every cent and note accounted for under ${LOAD.clients} concurrent clients`, async () => {
    const stats = newStats();
    const bank = await createBank(server.url, stats);
    const monitor = monitorHealth(server.url, 250);
    const load = await runBankLoad({ bank, clients: LOAD.clients, seconds: LOAD.bankSeconds, baseUrl: () => server.url, stats });
    const samples = await monitor.stop();
    const checks = await verifyBank({ bank, load, stats, db, servers: [server] });
    const slowestLive = Math.max(...samples.map((s) => s.liveMs));
    checks.check(
      samples.every((s) => s.live === 200 && s.ready === 200),
      () => `probes answered ${samples.map((s) => `${s.live}/${s.ready}`).join(',')}`,
    );
    recordFigures({
      scenario: 'bank',
      database: kind,
      operations: load.outcomes.length,
      seconds: load.seconds,
      checksPassed: checks.passed,
      checksFailed: checks.failures.length,
      fiveHundreds: stats.fiveHundreds,
      serviceUnavailable: stats.serviceUnavailable,
      retries: stats.retries,
      replays: stats.replays,
      notes:
        `${LOAD.clients} clients, ${bank.accounts.length} accounts, ${bank.machines.length} machines; ` +
        `slowest /healthz/live ${slowestLive.toFixed(0)} ms; ${describeOutcomes(load)}`,
    });
    expect(checks.failures).toEqual([]);
  });
});
