// Database outage (Postgres): the server reaches Postgres through a TCP proxy
// of the test's own. Cut: every connection destroyed and none accepted (a
// failover). Partition: connections stay open but nothing flows (a network
// partition), longer than twice pg's query_timeout. Either way requests get
// a 503 problem+json within the database timeouts, readiness turns red and
// liveness stays green, and the service recovers by itself with nothing
// applied twice or in part.
import { describeOutcomes } from './harness/bank-load';
import { selectedDatabases } from './harness/env';
import { recordFigures } from './harness/figures';
import { BehindProxy, OutageRun, runOutage, startBehindProxy, stopBehindProxy } from './harness/outage';

// data-source-options.ts: connectionTimeoutMillis = DB_ACQUIRE_TIMEOUT_MS (3000 by default), query_timeout 15000.
const QUERY_TIMEOUT_MS = 15_000;

const describePostgres = selectedDatabases().includes('postgres') ? describe : describe.skip;

function record(scenario: string, run: OutageRun, outage: string): void {
  const { load, stats, checks } = run;
  recordFigures({
    scenario,
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
      `${outage}; /healthz 503 after ${run.readyDownMs.toFixed(0)} ms, 200 again ${run.readyUpMs.toFixed(0)} ms after; ` +
      `slowest answer ${stats.slowestMs.toFixed(0)} ms; ${describeOutcomes(load)}`,
  });
}

describePostgres('database outage on postgres', () => {
  let setup: BehindProxy | undefined;
  afterEach(async () => {
    await stopBehindProxy(setup);
    setup = undefined;
  });

  it('cut: answers 503 promptly while Postgres is gone and recovers by itself', async () => {
    setup = await startBehindProxy('cut');
    const { proxy } = setup;
    const run = await runOutage(setup, {
      beforeMs: 4000,
      durationMs: 8000,
      loadSeconds: 16,
      attemptTimeoutMs: 10_000,
      outage: () => proxy.cut(),
      recover: () => proxy.restore(),
    });
    // Connection errors surface at once, new connections fail within connectionTimeoutMillis.
    run.checks.check(run.stats.slowestMs < 5000, () => `an answer took ${run.stats.slowestMs} ms during a cut`);
    record('database outage', run, 'cut 8 s');
    expect(run.checks.failures).toEqual([]);
  });

  it('partition: no answer waits longer than query_timeout, no partial transaction is ever committed', async () => {
    setup = await startBehindProxy('partition');
    const { proxy } = setup;
    const durationMs = 2 * QUERY_TIMEOUT_MS + 6000;
    const run = await runOutage(setup, {
      beforeMs: 4000,
      durationMs,
      loadSeconds: durationMs / 1000 + 10,
      attemptTimeoutMs: QUERY_TIMEOUT_MS + 10_000,
      outage: () => Promise.resolve(proxy.partition()),
      recover: () => Promise.resolve(proxy.heal()),
    });
    run.checks.check(run.stats.slowestMs < QUERY_TIMEOUT_MS + 5000, () => `an answer took ${run.stats.slowestMs} ms during a partition`);
    record('network partition', run, `partition ${durationMs / 1000} s`);
    expect(run.checks.failures).toEqual([]);
  });
});
