// The database's own limit: pgbench running the withdrawal transaction by
// hand against the app's schema — lock the row, update the balance (and the
// daily-limit counters, as the app does), insert the ledger row, commit.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuBetween, cpuSecondsOfStat, snapshotCpu } from './cpu-usage';
import { ACCOUNTS, HOT_ACCOUNT } from './fixtures';

const run = promisify(execFile);

// pgbench's own CPU: the wrapping shell's stat after waiting for it (cutime/cstime).
const WRAPPER = 'pgbench "$@"; rc=$?; echo "STAT $(cat /proc/$$/stat)" >&2; exit $rc';

/**
 * Runs pgbench for `seconds`, measuring pgbench's own CPU (whole run) and the
 * CPU of the bench database's backends over a window inside the run (they
 * exit with pgbench): per second of that window, scaled by the run's TPS.
 */
function measured(
  args: string[],
  seconds: number,
  database: string,
): Promise<{ stdout: string; postgresPerSecond: number; client: number }> {
  let first: ReturnType<typeof snapshotCpu> | undefined;
  let last: ReturnType<typeof snapshotCpu> | undefined;
  let firstAt = 0;
  let lastAt = 0;
  const windowStart = setTimeout(() => ((first = snapshotCpu([], 0, database)), (firstAt = Date.now())), 1500);
  const windowEnd = setTimeout(() => ((last = snapshotCpu([], 0, database)), (lastAt = Date.now())), (seconds - 0.5) * 1000);
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', WRAPPER, 'sh', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      clearTimeout(windowStart);
      clearTimeout(windowEnd);
      if (error) return reject(new Error(`pgbench failed: ${stderr.trim()}`));
      const postgresPerSecond = first && last && lastAt > firstAt ? cpuBetween(first, last).postgres / ((lastAt - firstAt) / 1000) : NaN;
      const stat = /^STAT (.*)$/m.exec(stderr)?.[1];
      resolve({ stdout, postgresPerSecond, client: stat ? cpuSecondsOfStat(stat) : NaN });
    });
  });
}

export type PgbenchLabel = 'random' | 'hot' | 'keyed';

export interface PgbenchResult {
  label: PgbenchLabel;
  mode: 'simple' | 'prepared';
  tps: number;
  p50Ms: number;
  p99Ms: number;
  transactions: number;
  failed: number;
  /** CPU seconds per 1,000 transactions. */
  cpuPerThousand: { postgres: number; pgbench: number };
}

function script(accountExpr: string, setup: string, keyed = false): string {
  const now = new Date().toISOString();
  const day = now.slice(0, 10);
  // The Idempotency-Key's row as a keyed request needs it: a unique key, its
  // request's fingerprint and the response (about the size of a withdraw's).
  const body = `{"account_number":"10001","balance":"999999.99","amount":"0.01","transaction_id":123456}`;
  const keyRow = `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, content_type, body, created_at) VALUES ('bench', 'pgbench-' || CAST(:client_id AS text) || '-' || CAST(:k AS text), '${'0123456789abcdef'.repeat(4)}', 200, 'application/json', '${body}', '${now}');`;
  return [
    setup,
    ...(keyed ? ['\\set k random(1, 1000000000000)'] : []),
    'BEGIN;',
    `SELECT account_number, holder_name, balance, overdraft_limit, daily_withdrawal_limit, withdrawn_today, withdrawn_on, status, created_at, updated_at FROM accounts WHERE account_number = ${accountExpr} FOR UPDATE \\gset`,
    `UPDATE accounts SET balance = CAST(:balance AS bigint) - 1, withdrawn_today = CAST(:withdrawn_today AS bigint) + 1, withdrawn_on = '${day}', updated_at = '${now}' WHERE account_number = ${accountExpr};`,
    `INSERT INTO ledger_entries (type, account_number, machine_id, amount, balance_after, transfer_id, counterparty_account, cash, reference, created_at) VALUES ('withdrawal', ${accountExpr}, NULL, -1, CAST(:balance AS bigint) - 1, NULL, NULL, NULL, NULL, '${now}') RETURNING id;`,
    ...(keyed ? [keyRow] : []),
    'COMMIT;',
    '',
  ].join('\n');
}

const randomAccount = `\\set n random(${ACCOUNTS[0]}, ${ACCOUNTS[ACCOUNTS.length - 1]})`;
const SCRIPTS = {
  random: () => script('CAST(:n AS varchar)', randomAccount),
  hot: () => script(`'${HOT_ACCOUNT}'`, ''),
  // The keyed withdraw's durable work: the same transaction plus its key's row.
  keyed: () => script('CAST(:n AS varchar)', randomAccount, true),
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Per-transaction latencies (µs, 3rd column) from pgbench -l logs. */
function readLatencies(dir: string): Float64Array {
  const values: number[] = [];
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const fields = line.split(' ');
      if (fields.length >= 3) values.push(Number(fields[2]) / 1000);
    }
  }
  return Float64Array.from(values).sort();
}

export async function runPgbench(
  dbUrl: string,
  database: string,
  workDir: string,
  label: PgbenchLabel,
  mode: 'simple' | 'prepared',
  opts: { clients: number; warmupSeconds: number; seconds: number },
): Promise<PgbenchResult> {
  const dir = join(workDir, `pgbench-${label}-${mode}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'script.sql');
  writeFileSync(file, SCRIPTS[label]());
  const base = ['-n', '-c', String(opts.clients), '-j', '2', '-M', mode, '-f', file, dbUrl];
  if (opts.warmupSeconds > 0)
    await run('pgbench', ['-T', String(opts.warmupSeconds), ...base]).catch((error: Error & { stderr?: string }) => {
      throw new Error(`pgbench failed: ${error.stderr ?? error.message}`);
    });
  const logDir = join(dir, 'log');
  mkdirSync(logDir);
  const { stdout, postgresPerSecond, client } = await measured(
    ['-T', String(opts.seconds), '-l', `--log-prefix=${join(logDir, 'tx')}`, ...base],
    opts.seconds,
    database,
  );
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1] ?? NaN);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? NaN);
  const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
  const latencies = readLatencies(logDir);
  rmSync(logDir, { recursive: true, force: true });
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const cpuPerThousand = { postgres: round((postgresPerSecond / tps) * 1000), pgbench: round((client / Math.max(1, transactions)) * 1000) };
  process.stderr.write(
    `  pgbench ${label} ${mode}: ${tps.toFixed(0)} tps cpu-s/1k pg ${cpuPerThousand.postgres} pgbench ${cpuPerThousand.pgbench}\n`,
  );
  return { label, mode, tps, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), transactions, failed, cpuPerThousand };
}
