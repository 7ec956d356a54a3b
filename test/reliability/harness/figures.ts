// Each scenario appends one line of figures; the global teardown turns them
// into test/reliability/LAST-RUN.md and prints them.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DbKind, figuresFile } from './env';

export interface Figures {
  scenario: string;
  database: DbKind;
  /** Acknowledged operations (or fuzzed requests). */
  operations: number;
  seconds: number;
  kills?: number;
  fiveHundreds?: number;
  serviceUnavailable?: number;
  retries?: number;
  replays?: number;
  checksPassed: number;
  /** Invariant checks that failed (the scenario's test fails too). */
  checksFailed: number;
  notes?: string;
}

export function recordFigures(figures: Figures): void {
  appendFileSync(figuresFile(), `${JSON.stringify(figures)}\n`);
  const rate = figures.seconds > 0 ? (figures.operations / figures.seconds).toFixed(0) : '-';
  process.stdout.write(
    `[reliability] ${figures.scenario} on ${figures.database}: ${figures.operations} ops in ${figures.seconds.toFixed(1)} s ` +
      `(${rate}/s), checks passed ${figures.checksPassed}, failed ${figures.checksFailed}${figures.notes ? `; ${figures.notes}` : ''}\n`,
  );
}

export function readFigures(): Figures[] {
  if (!existsSync(figuresFile())) return [];
  return readFileSync(figuresFile(), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Figures);
}

const cell = (value: number | undefined): string => (value === undefined ? '–' : String(value));

/** Markdown report of one run: one row per scenario and database. */
export function renderReport(figures: Figures[], meta: { startedAt: Date; seconds: number; commit: string; expected: string[] }): string {
  const order = (f: Figures) => meta.expected.indexOf(`${f.scenario}/${f.database}`);
  const rows = [...figures]
    .sort((a, b) => order(a) - order(b))
    .map((f) => {
      const rate = f.seconds > 0 ? Math.round(f.operations / f.seconds) : 0;
      return (
        `| ${f.scenario} | ${f.database} | ${f.operations} | ${rate} | ${f.seconds.toFixed(1)} | ${cell(f.kills)} | ` +
        `${cell(f.retries)} | ${cell(f.fiveHundreds)} | ${cell(f.serviceUnavailable)} | ${f.checksPassed} | ` +
        `${f.checksFailed === 0 ? 'pass' : `**FAILED ${f.checksFailed}**`} | ${f.notes ?? ''} |`
      );
    });
  const done = new Set(figures.filter((f) => f.checksFailed === 0).map((f) => `${f.scenario}/${f.database}`));
  const missing = meta.expected.filter((name) => !done.has(name));
  const fuzzed = figures.filter((f) => f.scenario === 'hostile input').reduce((sum, f) => sum + f.operations, 0);
  const ops = figures.filter((f) => f.scenario !== 'hostile input').reduce((sum, f) => sum + f.operations, 0);
  const kills = figures.reduce((sum, f) => sum + (f.kills ?? 0), 0);
  const checks = figures.reduce((sum, f) => sum + f.checksPassed, 0);
  return [
    '# Reliability suite — last run',
    '',
    `Run ${meta.startedAt.toISOString()} at commit \`${meta.commit}\`, Node ${process.version}, ` +
      `${cpus().length} CPUs; wall time ${meta.seconds.toFixed(0)} s. Reproduce: \`npm run test:reliability\`.`,
    '',
    `Totals: ${ops} acknowledged money operations, ${kills} SIGKILLs survived, ${fuzzed} hostile requests fuzzed, ` +
      `${checks} invariant checks passed${missing.length ? `; NOT PASSED: ${missing.join(', ')}` : '; every scenario passed'}.`,
    '',
    '| scenario | database | operations | ops/s | load s | kills | retries | 500s | 503s | checks passed | result | notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows,
    '',
  ].join('\n');
}
