// Settings of the reliability suite, read once. Every figure that shapes the
// load is overridable so a quick local run can shrink it; CI uses the defaults.
import { resolve } from 'node:path';

export type DbKind = 'sqlite' | 'postgres';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** The built server; RELIABILITY_SERVER_ENTRY tests another build (with RELIABILITY_SKIP_BUILD=true). */
export const SERVER_ENTRY = process.env.RELIABILITY_SERVER_ENTRY ?? resolve(REPO_ROOT, 'dist', 'src', 'main.js');

/** `RELIABILITY_DB=sqlite|postgres` runs one database only; both by default. */
export function selectedDatabases(): DbKind[] {
  const only = process.env.RELIABILITY_DB;
  if (only === 'sqlite' || only === 'postgres') return [only];
  return ['sqlite', 'postgres'];
}

/** Admin URL of the Postgres server the suite creates its databases on. */
export const PG_ADMIN_URL =
  process.env.RELIABILITY_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const LOAD = {
  /** Concurrent HTTP clients of the bank, crash and two-instance tests. */
  clients: num('RELIABILITY_CLIENTS', 32),
  /** Seconds of load of the bank test (the crash test uses the same). */
  bankSeconds: num('RELIABILITY_BANK_SECONDS', 15),
  twoInstanceSeconds: num('RELIABILITY_TWO_INSTANCE_SECONDS', 10),
  kills: num('RELIABILITY_KILLS', 3),
  /** Fuzzed requests per database (the issue asks for >= 5,000 in total). */
  fuzzRequests: num('RELIABILITY_FUZZ_REQUESTS', 5000),
  /** Machines of the bank (0 leaves ATM withdrawals out). */
  machines: Number(process.env.RELIABILITY_MACHINES ?? 2),
};

/** Where specs leave their figures for the global teardown to render. */
export const figuresFile = (): string =>
  process.env.RELIABILITY_FIGURES_FILE ?? resolve(REPO_ROOT, 'test', 'reliability', '.figures.jsonl');
