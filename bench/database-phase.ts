// One database's part of the run: fresh database, server up, every scenario in
// order (history at 10k rows before the writes, at 1M after them), pgbench in
// the middle while the server idles, invariants checked, everything dropped.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BenchOptions, DbKind } from './bench-options';
import {
  ACCOUNTS,
  BENCH_ADMIN_KEY,
  createBenchClient,
  createMachines,
  growLedgerPostgres,
  growLedgerSqlite,
  HISTORY_ACCOUNTS,
  preloadAccountsEnv,
} from './fixtures';
import { checkInvariants, withPg } from './invariants';
import { runPgbench, PgbenchResult } from './pgbench';
import { runScenario, ScenarioResult } from './run-scenario';
import { SCENARIOS, ScenarioName } from './scenarios';
import { freePort } from '../test/helpers/server-process';
import { startServer } from './server-process';

export const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SMALL_LEDGER_ROWS = 10_000;

/**
 * The server runs as production runs it: with the NODE_OPTIONS the Dockerfile
 * sets, if it sets any (heap limits change peak RSS a lot).
 */
export function productionNodeOptions(): string | undefined {
  const dockerfile = join(__dirname, '..', 'Dockerfile');
  if (!existsSync(dockerfile)) return undefined;
  const match = /NODE_OPTIONS=("[^"]*"|\S+)/.exec(readFileSync(dockerfile, 'utf8'));
  return match ? match[1].replace(/^"|"$/g, '') : undefined;
}

export interface PhaseResult {
  db: DbKind;
  scenarios: ScenarioResult[];
  pgbench: PgbenchResult[];
  skipped: string[];
  invariants: string;
  loadBefore: string;
}

export async function runDatabasePhase(db: DbKind, opts: BenchOptions, workDir: string, main: string): Promise<PhaseResult> {
  const stamp = `${Date.now()}_${process.pid}`;
  const dbName = `atm_bench_${stamp}`;
  const dbUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const sqliteFile = join(workDir, `atm-bench-${stamp}.sqlite`);
  if (db === 'postgres') await withPg(ADMIN_URL, (c) => c.query(`CREATE DATABASE "${dbName}"`));
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SEED_DEMO_DATA: 'false',
    PRELOAD_ACCOUNTS: preloadAccountsEnv(),
    DB_MIGRATIONS_RUN: 'true',
    NODE_OPTIONS: productionNodeOptions() ?? '',
    ADMIN_API_KEY: BENCH_ADMIN_KEY,
    PORT: String(await freePort()),
    ...(db === 'postgres' ? { DB_TYPE: 'postgres', DATABASE_URL: dbUrl } : { DB_TYPE: 'sqlite', SQLITE_PATH: sqliteFile }),
    ...opts.serverEnv,
  };
  const result: PhaseResult = { db, scenarios: [], pgbench: [], skipped: [], invariants: '', loadBefore: loadAverage() };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(main, env, join(workDir, `server-${db}.log`), opts.nodeArgs);
    const running = server;
    const apiKey = await createBenchClient(running.baseUrl);
    const haveMachines = await createMachines(running.baseUrl);
    const grow = (accounts: readonly string[], rows: number) =>
      db === 'postgres' ? growLedgerPostgres(dbUrl, accounts, rows) : Promise.resolve(growLedgerSqlite(sqliteFile, accounts, rows));
    const wanted = (name: ScenarioName) => (opts.only === null ? !SCENARIOS[name].diagnostic : opts.only.includes(name));
    const scenario = async (name: ScenarioName) => {
      if (!wanted(name)) return;
      if (SCENARIOS[name].needs === 'machines' && !haveMachines) {
        result.skipped.push(`${name}: POST /machines is not there yet`);
        return;
      }
      if (db === 'postgres') await withPg(dbUrl, (c) => c.query('CHECKPOINT'));
      result.scenarios.push(await runScenario(SCENARIOS[name], running, opts, workDir, db === 'postgres' ? dbName : '(sqlite)', apiKey));
    };
    await scenario('live');
    await scenario('balance');
    if (wanted('history-small')) await grow(HISTORY_ACCOUNTS, SMALL_LEDGER_ROWS);
    await scenario('history-small');
    await scenario('withdraw');
    await scenario('withdraw-hot');
    await scenario('withdraw-idempotent');
    await scenario('deposit');
    await scenario('transfer');
    await scenario('atm-withdrawal');
    await scenario('atm-withdrawal-idempotent');
    if (db === 'postgres') {
      for (const label of ['random', 'hot', 'keyed'] as const) {
        for (const mode of opts.pgbench) {
          await withPg(dbUrl, (c) => c.query('CHECKPOINT'));
          result.pgbench.push(await runPgbench(dbUrl, dbName, workDir, label, mode, { clients: opts.connections, ...opts }));
        }
      }
    }
    if (wanted('history-large')) await grow(ACCOUNTS, opts.largeLedgerRows);
    await scenario('history-large');
    result.invariants = await checkInvariants(db === 'postgres' ? { dbUrl } : { sqliteFile });
  } finally {
    await server?.stop();
    if (db === 'postgres') await withPg(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
    else for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteFile + suffix, { force: true });
  }
  return result;
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
