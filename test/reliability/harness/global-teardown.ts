// Once per run: render the figures the scenarios left into LAST-RUN.md (the
// lead copies them into docs/reliability.md) and print them.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figuresFile, REPO_ROOT, selectedDatabases } from './env';
import { readFigures, renderReport } from './figures';

const SCENARIOS = ['hot account', 'bank', 'crash', 'two instances', 'database outage', 'network partition', 'hostile input'];
const POSTGRES_ONLY = new Set(['database outage', 'network partition']);

export default function globalTeardown(): void {
  const startedAt = new Date(process.env.RELIABILITY_STARTED_AT ?? Date.now());
  const expected = SCENARIOS.flatMap((s) =>
    selectedDatabases()
      .filter((db) => db === 'postgres' || !POSTGRES_ONLY.has(s))
      .map((db) => `${s}/${db}`),
  );
  // RELIABILITY_COMMIT names the commit of a run from an exported tree (git archive).
  let commit = process.env.RELIABILITY_COMMIT ?? 'unknown';
  try {
    if (!process.env.RELIABILITY_COMMIT)
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, stdio: 'pipe' }).toString().trim();
  } catch {
    // not a git checkout: the report says so
  }
  const report = renderReport(readFigures(), { startedAt, seconds: (Date.now() - startedAt.getTime()) / 1000, commit, expected });
  writeFileSync(join(REPO_ROOT, 'test', 'reliability', 'LAST-RUN.md'), report);
  rmSync(figuresFile(), { force: true });
  process.stdout.write(`\n${report}\n`);
}
