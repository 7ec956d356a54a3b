// Markdown for bench/RESULTS.md: the machine, the tables, ratios and targets.
import { BenchOptions } from './bench-options';
import { PhaseResult } from './database-phase';
import { PgbenchResult } from './pgbench';
import { ScenarioResult } from './run-scenario';

export interface MachineInfo {
  cpus: string;
  memory: string;
  node: string;
  postgres: string;
  sqlite: string;
  othersRunning: string;
  /** NODE_OPTIONS the server ran with (the Dockerfile's). */
  nodeOptions: string;
  /** The code measured. */
  source?: string;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/** The pgbench transaction a scenario compares with: the same durable work by hand. */
function pgbenchOf(name: string): 'random' | 'hot' | 'keyed' | null {
  if (name === 'withdraw-hot') return 'hot';
  if (name === 'withdraw-idempotent') return 'keyed';
  return name === 'withdraw' || name.startsWith('atm-withdrawal') ? 'random' : null;
}

function scenarioTable(phase: PhaseResult): string[] {
  const rows = [
    '| scenario | req/s | p50 ms | p99 ms | errors | 422s | peak RSS MB | vs pgbench | CPU ms/req server · pg | other processes CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of phase.scenarios) {
    const label = pgbenchOf(s.name);
    const denominator = label ? best(phase.pgbench, label) : NaN;
    const ratio = phase.db === 'postgres' && Number.isFinite(denominator) ? `${f2(s.rps / denominator)}×` : '';
    const cpu = `${f2(s.cpu.perThousand.server)} · ${phase.db === 'postgres' ? f2(s.cpu.perThousand.postgres) : '–'}`;
    rows.push(
      `| ${s.title} | ${f0(s.rps)} | ${f1(s.p50Ms)} | ${f1(s.p99Ms)} | ${s.errors} | ${s.refused422} | ${s.peakRssMb} | ${ratio} | ${cpu} | ${s.cpu.othersPercent}% |`,
    );
  }
  return rows;
}

function pgbenchTable(results: PgbenchResult[]): string[] {
  const rows = [
    '| pgbench (same transaction by hand) | mode | TPS | p50 ms | p99 ms | failed | CPU ms/tx pg · pgbench |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const what = { hot: 'one hot account', random: 'random of 1,000 accounts', keyed: 'random of 1,000, + the Idempotency-Key row' }[
      r.label
    ];
    const cpu = `${f2(r.cpuPerThousand.postgres)} · ${f2(r.cpuPerThousand.pgbench)}`;
    rows.push(`| ${what} | ${r.mode} | ${f0(r.tps)} | ${f1(r.p50Ms)} | ${f1(r.p99Ms)} | ${r.failed} | ${cpu} |`);
  }
  return rows;
}

const best = (results: PgbenchResult[], label: PgbenchResult['label']) => {
  const tps = results.filter((r) => r.label === label && Number.isFinite(r.tps)).map((r) => r.tps);
  return tps.length ? Math.max(...tps) : NaN;
};
const find = (phase: PhaseResult | undefined, name: string): ScenarioResult | undefined => phase?.scenarios.find((s) => s.name === name);

function targets(pg: PhaseResult | undefined, sqlite: PhaseResult | undefined): string[] {
  const rows = ['| target | measured | met |', '|---|---|---|'];
  const add = (target: string, measured: string, met: boolean | undefined) =>
    rows.push(`| ${target} | ${measured} | ${met === undefined ? 'not measured' : met ? 'yes' : '**no**'} |`);
  const pgRandom = pg ? best(pg.pgbench, 'random') : NaN;
  const pgHot = pg ? best(pg.pgbench, 'hot') : NaN;
  const w = find(pg, 'withdraw');
  const hot = find(pg, 'withdraw-hot');
  const sw = find(sqlite, 'withdraw');
  add(
    'PG withdraw ≥ 0.6× pgbench, p99 ≤ 50 ms, 0 errors',
    w ? `${f2(w.rps / pgRandom)}×, p99 ${f1(w.p99Ms)} ms, ${w.errors} errors` : '–',
    w && w.rps / pgRandom >= 0.6 && w.p99Ms <= 50 && w.errors === 0,
  );
  add(
    'PG hot account ≥ 1.0× pgbench hot, 0 errors',
    hot ? `${f2(hot.rps / pgHot)}×, ${hot.errors} errors` : '–',
    hot && hot.rps / pgHot >= 1 && hot.errors === 0,
  );
  // Issue 16: the keyed path (what production clients send) as fast as the plain one.
  for (const phase of [pg, sqlite]) {
    for (const [plainName, keyedName, what] of [
      ['withdraw', 'withdraw-idempotent', 'withdraw'],
      ['atm-withdrawal', 'atm-withdrawal-idempotent', 'ATM withdrawal'],
    ] as const) {
      const plain = find(phase, plainName);
      const keyed = find(phase, keyedName);
      if (!phase || !(plain || keyed)) continue;
      const measured =
        plain && keyed ? `${f2(keyed.rps / plain.rps)}×; p99 ${f1(keyed.p99Ms)} vs ${f1(plain.p99Ms)} ms; ${keyed.errors} errors` : '–';
      const met = plain && keyed ? keyed.rps / plain.rps >= 0.8 && keyed.p99Ms <= plain.p99Ms * 1.1 && keyed.errors === 0 : undefined;
      add(`${phase.db} keyed ${what} ≥ 0.8× plain, p99 no worse (±10 %), 0 errors`, measured, met);
    }
  }
  const keyedWithdraw = find(pg, 'withdraw-idempotent');
  const pgKeyed = pg ? best(pg.pgbench, 'keyed') : NaN;
  add(
    'PG keyed withdraw ≥ 0.45× pgbench keyed (withdraw + ledger row + key row)',
    keyedWithdraw ? `${f2(keyedWithdraw.rps / pgKeyed)}×` : '–',
    keyedWithdraw && Number.isFinite(pgKeyed) ? keyedWithdraw.rps / pgKeyed >= 0.45 : undefined,
  );
  add(
    'SQLite withdraw ≥ 2,000 req/s, 0 errors',
    sw ? `${f0(sw.rps)} req/s, ${sw.errors} errors` : '–',
    sw && sw.rps >= 2000 && sw.errors === 0,
  );
  for (const phase of [pg, sqlite]) {
    const small = find(phase, 'history-small');
    const large = find(phase, 'history-large');
    if (phase && small && large) {
      add(
        `${phase.db} history p99 grows < 2× (10k → large)`,
        `${f1(small.p99Ms)} → ${f1(large.p99Ms)} ms (${f2(large.p99Ms / small.p99Ms)}×)`,
        large.p99Ms < 2 * small.p99Ms,
      );
    }
  }
  const peak = Math.max(...[pg, sqlite].flatMap((p) => p?.scenarios.map((s) => s.peakRssMb) ?? []));
  add('peak RSS ≤ 250 MB', `${peak} MB`, Number.isFinite(peak) ? peak <= 250 : undefined);
  return rows;
}

export function renderReport(phases: PhaseResult[], machine: MachineInfo, opts: BenchOptions, startedAt: Date): string {
  const pg = phases.find((p) => p.db === 'postgres');
  const sqlite = phases.find((p) => p.db === 'sqlite');
  const out = [
    `Run \`${opts.label}\` of ${startedAt.toISOString()}: ${opts.connections} connections, ${opts.warmupSeconds} s warm-up + ${opts.seconds} s per scenario` +
      (Object.keys(opts.serverEnv).length ? `, server env ${JSON.stringify(opts.serverEnv)}` : '') +
      `; server: \`node dist/src/main.js\` (NODE_ENV=production, LOG_LEVEL=warn${machine.nodeOptions ? `, NODE_OPTIONS=${machine.nodeOptions}` : ', no NODE_OPTIONS'}).`,
    '',
    `Code: ${machine.source ?? 'unknown'}.`,
    `Machine: ${machine.cpus}; ${machine.memory}; Node ${machine.node}; ${machine.postgres}; SQLite ${machine.sqlite}.`,
    `Else running when the run started: ${machine.othersRunning}; during each scenario see the last column (CPU of every process but the server, its Postgres backends and the load driver, as a share of both cores).`,
    '',
  ];
  for (const phase of phases) {
    out.push(`### ${phase.db === 'postgres' ? 'PostgreSQL' : 'SQLite'} (load average before: ${phase.loadBefore})`, '');
    out.push(...scenarioTable(phase), '');
    if (phase.pgbench.length > 0) out.push(...pgbenchTable(phase.pgbench), '');
    if (phase.skipped.length > 0) out.push(`Skipped: ${phase.skipped.join('; ')}.`, '');
    out.push(`Invariant after the run (balance = ledger sum): ${phase.invariants}.`, '');
  }
  out.push('### Targets', '', ...targets(pg, sqlite), '');
  return out.join('\n');
}
