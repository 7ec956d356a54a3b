// `npm run bench` (full, writes bench/RESULTS.md) and `npm run bench:quick`
// (short smoke run, writes only bench/tmp/). Builds the server, then for each
// database runs every scenario against a real server process and pgbench
// against the same schema. See bench/RESULTS.md for what is measured and why.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseOptions } from './bench-options';
import { ADMIN_URL, PhaseResult, productionNodeOptions, runDatabasePhase } from './database-phase';
import { withPg } from './invariants';
import { MachineInfo, renderReport } from './report';
import { processTree } from './server-process';

const ROOT = resolve(__dirname, '..');
const WORK_DIR = join(ROOT, 'bench', 'tmp');
const BUILD_DIR = join(WORK_DIR, 'build');
const RESULTS_FILE = join(ROOT, 'bench', 'RESULTS.md');
const START = '<!-- bench:generated:start -->';
const END = '<!-- bench:generated:end -->';

/**
 * The same tsc build as `nest build` (no CLI plugins), into a private
 * directory so a concurrent `nest build` of dist/ cannot pull it away. With
 * --from-head the committed tree is built (git archive), not the working tree
 * where others' half-done edits may sit; type errors only warn, since tsc
 * still emits and the app may not even import the file in question.
 */
function build(ref: string | null): { main: string; source: string } {
  process.stderr.write(`building ${ref ?? 'the working tree'}…\n`);
  let source = ROOT;
  if (ref) {
    // Outside the repo: tsconfig.json type-checks bench/**, which must not see a second tree.
    source = join(tmpdir(), `atm-bench-head-${process.pid}`);
    rmSync(source, { recursive: true, force: true });
    mkdirSync(source, { recursive: true });
    execFileSync('sh', ['-c', `git archive "${ref}" | tar -x -C "${source}"`], { cwd: ROOT, stdio: 'inherit' });
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
    process.stderr.write(`  ${ref} is ${execFileSync('git', ['log', '--oneline', '-1', ref], { cwd: ROOT, encoding: 'utf8' })}`);
  }
  rmSync(BUILD_DIR, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], {
      cwd: source,
      stdio: 'inherit',
    });
  } catch {
    process.stderr.write('  (type errors above: built anyway)\n');
  }
  if (ref) rmSync(source, { recursive: true, force: true });
  const head = execFileSync('git', ['log', '--oneline', '-1', ref ?? 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = ref
    ? ''
    : execFileSync('git', ['status', '--porcelain', '--untracked-files=no', 'src', 'migrations'], { cwd: ROOT, encoding: 'utf8' }).trim();
  return { main: join(BUILD_DIR, 'src', 'main.js'), source: `\`${head}\`${dirty ? ' plus uncommitted changes in the working tree' : ''}` };
}

async function machineInfo(): Promise<MachineInfo> {
  const pgVersion = await withPg(
    ADMIN_URL,
    async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version,
  );
  const memory = new Database(':memory:');
  const sqlite = (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  memory.close();
  const top = await busiestOthers();
  return {
    cpus: `${cpus().length} cores (${cpus()[0].model.trim()})`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    node: process.version,
    postgres: `PostgreSQL ${pgVersion} on the same box (synchronous_commit on)`,
    sqlite,
    othersRunning: top.length ? top.join(', ') : 'nothing above 5% of a core',
    nodeOptions: productionNodeOptions() ?? '',
  };
}

/** Other processes using over 5% of a core during one second (this run's own processes excluded). */
async function busiestOthers(): Promise<string[]> {
  const own = new Set(processTree(process.pid));
  const sample = () =>
    new Map(
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .map((d) => [Number(d), statOf(Number(d))]),
    );
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const busy: string[] = [];
  for (const [pid, after] of sample()) {
    const start = before.get(pid);
    if (own.has(pid) || !after || !start) continue;
    const percent = (after.cpu - start.cpu) * 100;
    if (percent > 5) busy.push(`${after.name} ${percent.toFixed(0)}%`);
  }
  return busy;
}

function statOf(pid: number): { name: string; cpu: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
  } catch {
    return undefined;
  }
}

function writeReport(markdown: string): void {
  const current = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : `# Benchmark results\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start + START.length)}\n${markdown}\n${current.slice(end)}`
      : `${current}\n${START}\n${markdown}\n${END}\n`;
  writeFileSync(RESULTS_FILE, next);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  mkdirSync(WORK_DIR, { recursive: true });
  const built =
    opts.build || !existsSync(join(BUILD_DIR, 'src', 'main.js'))
      ? build(opts.fromRef)
      : { main: join(BUILD_DIR, 'src', 'main.js'), source: 'an earlier build' };
  const main = built.main;
  const machine = await machineInfo();
  const phases: PhaseResult[] = [];
  for (const db of opts.databases) {
    process.stderr.write(`${db}:\n`);
    phases.push(await runDatabasePhase(db, opts, WORK_DIR, opts.main ? resolve(opts.main) : main));
  }
  const markdown = renderReport(phases, { ...machine, source: built.source }, opts, startedAt);
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(WORK_DIR, `results-${opts.label}-${stamp}.json`), JSON.stringify({ opts, machine, phases }, null, 2));
  writeFileSync(join(WORK_DIR, `results-${opts.label}-${stamp}.md`), markdown);
  if (opts.report) writeReport(markdown);
  process.stdout.write(`${markdown}\n`);
  process.stderr.write(`done in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
