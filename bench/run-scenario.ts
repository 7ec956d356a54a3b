// Runs one HTTP scenario: the load driver in its own process, the server's
// peak RSS sampled while the measured period runs.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchOptions } from './bench-options';
import { cpuBetween, CpuSnapshot, CpuUsage, snapshotCpu } from './cpu-usage';
import { LoadResult, LoadSpec } from './load-spec';
import { Scenario } from './scenarios';
import { processTree, sampleRss, ServerProcess } from './server-process';

export interface ScenarioResult extends LoadResult {
  name: string;
  title: string;
  peakRssMb: number;
  /** Non-2xx other than 422, connection errors and timeouts. */
  errors: number;
  refused422: number;
  /** CPU seconds per 1,000 responses: server, Postgres, load driver; and the machine's busy share. */
  cpu: CpuUsage & {
    perThousand: { server: number; postgres: number; driver: number };
    machineBusyPercent: number;
    /** CPU used by everything else on the machine (other people's processes), % of all cores. */
    othersPercent: number;
  };
}

/** `database`: the Postgres database whose backends count as the scenario's Postgres CPU. */
export async function runScenario(
  scenario: Scenario,
  server: ServerProcess,
  opts: BenchOptions,
  workDir: string,
  database: string,
  apiKey: string | null,
): Promise<ScenarioResult> {
  const spec: LoadSpec = {
    url: server.baseUrl,
    apiKey: apiKey ?? undefined,
    connections: opts.connections,
    warmupSeconds: opts.warmupSeconds,
    durationSeconds: opts.seconds,
    ...scenario.load,
  };
  const specFile = join(workDir, `load-${scenario.name}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const driver = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'load-driver.ts'), specFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stopSampling: (() => number) | null = null;
  let cpuStart: CpuSnapshot | null = null;
  let cpuEnd: CpuSnapshot | null = null;
  const driverPid = driver.pid as number;
  let load: LoadResult | null = null;
  for await (const line of createInterface({ input: driver.stdout })) {
    if (line === 'MEASURE_START') {
      stopSampling = sampleRss(server.pid);
      cpuStart = snapshotCpu(processTree(server.pid), driverPid, database);
      if (opts.profile) process.kill(server.pid, 'SIGWINCH');
    } else if (line.startsWith('RESULT ')) {
      cpuEnd = snapshotCpu(processTree(server.pid), driverPid, database);
      load = JSON.parse(line.slice(7)) as LoadResult;
    }
  }
  const peakRssMb = stopSampling ? stopSampling() : 0;
  // The profile written now covers exactly the measured period.
  if (opts.profile) process.kill(server.pid, 'SIGWINCH');
  if (!load || !cpuStart || !cpuEnd) throw new Error(`load driver gave no result for ${scenario.name}`);
  const used = cpuBetween(cpuStart, cpuEnd);
  const per = (seconds: number) => Math.round((seconds / Math.max(1, load.responses)) * 1e6) / 1000;
  const cpu = {
    ...used,
    perThousand: { server: per(used.server), postgres: per(used.postgres), driver: per(used.driver) },
    machineBusyPercent: Math.round((used.machine / (load.seconds * cpus().length)) * 100),
    othersPercent: Math.max(
      0,
      Math.round(((used.machine - used.server - used.postgres - used.driver) / (load.seconds * cpus().length)) * 100),
    ),
  };
  const refused422 = load.statusCounts['422'] ?? 0;
  const badStatuses = Object.entries(load.statusCounts)
    .filter(([status]) => !status.startsWith('2') && status !== '422')
    .reduce((sum, [, count]) => sum + count, 0);
  const result = {
    name: scenario.name,
    title: scenario.title,
    ...load,
    peakRssMb,
    refused422,
    errors: badStatuses + load.connectionErrors + load.timeouts,
    cpu,
  };
  process.stderr.write(
    `  ${scenario.name}: ${result.rps.toFixed(0)} req/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms errors ${result.errors} rss ${peakRssMb} MB ` +
      `${JSON.stringify(load.statusCounts)} cpu-s/1k server ${cpu.perThousand.server} pg ${cpu.perThousand.postgres} driver ${cpu.perThousand.driver} machine ${cpu.machineBusyPercent}% others ${cpu.othersPercent}%\n`,
  );
  return result;
}
