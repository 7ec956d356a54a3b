// The load generator, run as its own process so its CPU is not the server's:
// `node -r ts-node/register/transpile-only bench/load-driver.ts <spec.json>`.
// Runs autocannon once for the warm-up (discarded), prints MEASURE_START, runs
// it again for the measured period and prints one JSON line with the result.
import autocannon, { RawRequest, Result } from 'autocannon';
import { readFileSync } from 'node:fs';
import { LoadResult, LoadSpec } from './load-spec';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

function requestFor(spec: LoadSpec, runId: string): (request: RawRequest) => RawRequest {
  let sequence = 0;
  return (request) => {
    const headers: Record<string, string> = { ...request.headers };
    if (spec.idempotencyKeys) headers['idempotency-key'] = `${runId}-${(sequence += 1)}`;
    return { ...request, path: pick(spec.paths), body: spec.bodies ? pick(spec.bodies) : undefined, headers };
  };
}

function run(spec: LoadSpec, seconds: number, runId: string): Promise<Result> {
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: spec.method,
        headers: {
          ...(spec.bodies ? { 'content-type': 'application/json' } : {}),
          ...(spec.apiKey ? { authorization: `Bearer ${spec.apiKey}` } : {}),
        },
        setupRequest: requestFor(spec, runId),
      },
    ],
  });
}

function summarise(result: Result): LoadResult {
  const statusCounts: Record<string, number> = {};
  let responses = 0;
  for (const [status, stat] of Object.entries(result.statusCodeStats)) {
    statusCounts[status] = Number(stat.count);
    responses += Number(stat.count);
  }
  return {
    seconds: result.duration,
    responses,
    rps: responses / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    statusCounts,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds, `${runId}w`);
  process.stdout.write('MEASURE_START\n');
  const result = await run(spec, spec.durationSeconds, runId);
  process.stdout.write(`RESULT ${JSON.stringify(summarise(result))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load driver failed: ${String(error)}\n`);
  process.exit(1);
});
