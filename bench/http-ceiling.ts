// `npm run bench:ceiling`: the most this machine can answer of the bench's
// withdraw request with no database and no application code — Node's own HTTP
// server, Express 5 as @nestjs/platform-express uses it, and Nest on top of it
// (router alone; with ValidationPipe and/or one interceptor, as the app) — driven
// by the same load driver (autocannon, 64 connections) as `npm run bench`.
// It bounds what any Express-based service can reach here, whatever its database does.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../test/helpers/server-process';
import { cpuSeconds } from './cpu-usage';
import { LoadResult, LoadSpec } from './load-spec';

const TITLES: Record<string, string> = {
  node: "Node's http server",
  express: 'Express 5 (express.json, res.json, no ETag)',
  'nest-bare': 'Nest 11 on Express: router only',
  'nest-pipe': "Nest 11 on Express + ValidationPipe (the app's options, one-field DTO)",
  'nest-interceptor': 'Nest 11 on Express + one pass-through interceptor',
  nest: 'Nest 11 on Express + ValidationPipe + one pass-through interceptor',
  'nest-fastbind': "the same + the app's fast AsyncResource.bind (src/common/async-resource-bind.ts)",
};
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 10);
const workDir = join(__dirname, 'tmp');

async function listening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
      socket.unref();
      setTimeout(() => socket.destroy(), 200);
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`reference server did not listen on ${port}`);
}

async function measure(
  kind: string,
): Promise<{ kind: string; load: LoadResult; serverCpuMsPerRequest: number; driverCpuMsPerRequest: number }> {
  const port = await freePort();
  const args = kind.startsWith('nest')
    ? [
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'ceiling', 'nest-server.ts'),
        String(port),
        kind === 'nest' ? 'full' : kind.slice(5),
      ]
    : [join(__dirname, 'ceiling', 'reference-server.js'), kind, String(port)];
  const server: ChildProcess = spawn(process.execPath, args, { stdio: 'inherit' });
  try {
    await listening(port);
    const spec: LoadSpec = {
      url: `http://127.0.0.1:${port}`,
      connections: 64,
      warmupSeconds: 3,
      durationSeconds: SECONDS,
      method: 'POST',
      paths: Array.from({ length: 1000 }, (_, i) => `/accounts/${10001 + i}/withdraw`),
      bodies: ['{"amount":"0.01"}'],
    };
    const specFile = join(workDir, `load-ceiling-${kind}.json`);
    writeFileSync(specFile, JSON.stringify(spec));
    const driver = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'load-driver.ts'), specFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let start = { server: 0, driver: 0 };
    let used = { server: 0, driver: 0 };
    let load: LoadResult | null = null;
    for await (const line of createInterface({ input: driver.stdout })) {
      if (line === 'MEASURE_START') start = { server: cpuSeconds(server.pid!, false), driver: cpuSeconds(driver.pid!, false) };
      else if (line.startsWith('RESULT ')) {
        used = { server: cpuSeconds(server.pid!, false) - start.server, driver: cpuSeconds(driver.pid!, false) - start.driver };
        load = JSON.parse(line.slice(7)) as LoadResult;
      }
    }
    if (!load) throw new Error(`no result for ${kind}`);
    const per = (seconds: number) => Math.round((seconds / load.responses) * 1e6) / 1000;
    return { kind, load, serverCpuMsPerRequest: per(used.server), driverCpuMsPerRequest: per(used.driver) };
  } finally {
    server.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const rows: string[] = [];
  for (const kind of Object.keys(TITLES)) {
    const { load, serverCpuMsPerRequest, driverCpuMsPerRequest } = await measure(kind);
    const errors =
      Object.entries(load.statusCounts)
        .filter(([s]) => !s.startsWith('2'))
        .reduce((n, [, c]) => n + c, 0) +
      load.connectionErrors +
      load.timeouts;
    rows.push(
      `| ${TITLES[kind]} | ${load.rps.toFixed(0)} | ${load.p50Ms} | ${load.p99Ms} | ${errors} | ${serverCpuMsPerRequest} | ${driverCpuMsPerRequest} |`,
    );
  }
  process.stdout.write(
    [
      `HTTP ceiling, POST /accounts/{n}/withdraw answered without a database or application code; 64 connections, 3 s warm-up + ${SECONDS} s:`,
      '',
      '| server | req/s | p50 ms | p99 ms | errors | CPU ms/req server | CPU ms/req load driver |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
