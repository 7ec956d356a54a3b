// The database-outage scenarios (Postgres): a server whose DATABASE_URL points
// at the test's TCP proxy, the bank workload, an outage in the middle of it,
// and every check of what clients and probes saw.
import { setTimeout as sleep } from 'node:timers/promises';
import { Bank, createBank } from './bank-setup';
import { LoadResult, runBankLoad } from './bank-load';
import { Checks } from './checks';
import { createDatabase, TestDatabase } from './databases';
import { PG_ADMIN_URL } from './env';
import { HealthSample, monitorHealth } from './health-monitor';
import { HttpStats, newStats } from './http';
import { freePort, ServerProcess } from './server-process';
import { TcpProxy } from './tcp-proxy';
import { verifyBank } from './verify-bank';

export interface BehindProxy {
  db: TestDatabase;
  proxy: TcpProxy;
  server: ServerProcess;
}

export async function startBehindProxy(scenario: string): Promise<BehindProxy> {
  const db = await createDatabase('postgres', scenario);
  const target = new URL(PG_ADMIN_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  const url = new URL(db.serverEnv.DATABASE_URL);
  url.port = String(await proxy.listen());
  const server = new ServerProcess(await freePort(), { ...db.serverEnv, DATABASE_URL: url.toString() });
  await server.start();
  return { db, proxy, server };
}

export async function stopBehindProxy(setup: BehindProxy | undefined): Promise<void> {
  if (!setup) return;
  setup.proxy.heal();
  await setup.proxy.restore().catch(() => undefined);
  await setup.server.stop();
  await setup.proxy.cut();
  await setup.db.drop();
}

export interface OutageRun {
  bank: Bank;
  load: LoadResult;
  stats: HttpStats;
  samples: HealthSample[];
  startedAt: number;
  endedAt: number;
  checks: Checks;
  readyDownMs: number;
  readyUpMs: number;
}

/** Load, `outage` after `beforeMs` for `durationMs`, then `recover`; then every check. */
export async function runOutage(
  { db, server }: Pick<BehindProxy, 'db' | 'server'>,
  plan: {
    beforeMs: number;
    durationMs: number;
    loadSeconds: number;
    attemptTimeoutMs: number;
    /** Runs after `beforeMs`, before the outage's clock starts (the failover's connection terminations). */
    prelude?: () => Promise<void>;
    outage: () => Promise<void>;
    recover: () => Promise<void>;
  },
): Promise<OutageRun> {
  const stats = newStats();
  const bank = await createBank(server.url, stats);
  const monitor = monitorHealth(server.url);
  const loading = runBankLoad({
    bank,
    clients: 32,
    seconds: plan.loadSeconds,
    baseUrl: () => server.url,
    stats,
    settleMs: 90_000,
    attemptTimeoutMs: plan.attemptTimeoutMs,
  });
  await sleep(plan.beforeMs);
  await plan.prelude?.();
  const startedAt = Date.now();
  await plan.outage();
  await sleep(plan.durationMs);
  const endedAt = Date.now();
  await plan.recover();
  const load = await loading;
  const samples = await monitor.stop();
  const alive = server.running && server.starts === 1;
  const checks = await verifyBank({ bank, load, stats, db, servers: [server], allowUnavailable: true });
  checks.check(alive, () => `the server process died during the outage:\n${server.logs}`);
  const { readyDownMs, readyUpMs } = checkProbes(samples, startedAt, endedAt, checks);
  checks.check(stats.serviceUnavailable > 0, () => 'no request saw a 503: the outage was not felt');
  checks.check(
    load.outcomes.some((o) => o.reply.status < 300 && o.reply.at > endedAt),
    () => 'nothing succeeded after the outage',
  );
  return { bank, load, stats, samples, startedAt, endedAt, checks, readyDownMs, readyUpMs };
}

/** Readiness red within 5 s of the outage and green within 10 s of its end; liveness green throughout. */
function checkProbes(
  samples: HealthSample[],
  startedAt: number,
  endedAt: number,
  checks: Checks,
): { readyDownMs: number; readyUpMs: number } {
  const down = samples.find((s) => s.at > startedAt && s.ready === 503);
  const up = samples.find((s) => s.at > endedAt && s.ready === 200);
  const readyDownMs = down ? down.at + down.readyMs - startedAt : Infinity;
  const readyUpMs = up ? up.at + up.readyMs - endedAt : Infinity;
  checks.check(readyDownMs <= 5000, () => `/healthz still not 503 ${readyDownMs} ms after the outage began`);
  checks.check(readyUpMs <= 10_000, () => `/healthz not back to 200 ${readyUpMs} ms after the outage ended`);
  checks.check(
    samples.every((s) => s.live === 200),
    () =>
      `/healthz/live answered ${samples
        .filter((s) => s.live !== 200)
        .map((s) => s.live)
        .join(',')}`,
  );
  checks.check(
    samples.every((s) => s.ready === 200 || s.ready === 503),
    () => `/healthz answered ${[...new Set(samples.map((s) => s.ready))].join(',')}`,
  );
  return { readyDownMs, readyUpMs };
}
