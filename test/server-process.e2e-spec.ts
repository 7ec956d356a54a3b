// The built server as a real process: structured logs with the request id,
// and a graceful SIGTERM that lets in-flight requests finish.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, FreshDatabase } from './helpers/fresh-database';
import { bearer } from './helpers/keys';
import { buildServer, ServerProcess } from './helpers/server-process';

const json = { 'content-type': 'application/json', ...bearer() };

describe('the server process', () => {
  let build: ReturnType<typeof buildServer>;
  let db: FreshDatabase;
  let env: Record<string, string>;
  const work = mkdtempSync(join(tmpdir(), 'atm-process-'));

  beforeAll(async () => {
    build = buildServer();
    db = await freshDatabase();
    env = { DB_TYPE: process.env.DB_TYPE as string, ...db.env, NODE_ENV: 'production', SEED_DEMO_DATA: 'false', LOG_LEVEL: 'info' };
    if (env.DB_TYPE === 'sqlite') env.SQLITE_PATH = join(work, 'atm.sqlite');
  }, 120_000);

  afterAll(async () => {
    build?.remove();
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('logs one JSON completion line per request carrying the X-Request-Id it echoes', async () => {
    const server = await ServerProcess.start(build.main, env);
    try {
      const res = await fetch(`${server.url}/accounts/nobody/balance`, { headers: { 'X-Request-Id': 'trace-me-4711', ...bearer() } });
      expect(res.headers.get('x-request-id')).toBe('trace-me-4711');
      expect(res.status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = server.logs.split('\n').filter((line) => line.includes('trace-me-4711'));
      const records = lines.map((line) => JSON.parse(line) as { msg: string; req: { id: string }; res: { statusCode: number } });
      expect(records).toEqual([
        expect.objectContaining({
          msg: 'request completed',
          req: expect.objectContaining({ id: 'trace-me-4711' }),
          res: { statusCode: 404 },
        }),
      ]);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  it('on SIGTERM finishes in-flight requests, exits 0, and applies exactly what it acknowledged', async () => {
    let server = await ServerProcess.start(build.main, env);
    const account = `term${process.pid}`;
    await fetch(`${server.url}/accounts`, { method: 'POST', headers: json, body: JSON.stringify({ account_number: account }) });
    const deposit = () =>
      fetch(`${server.url}/accounts/${account}/deposit`, { method: 'POST', headers: json, body: JSON.stringify({ amount: '1.00' }) }).then(
        (r) => r.status,
        () => 'refused' as const,
      );
    const inFlight = Array.from({ length: 80 }, deposit);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exitCode = server.stop('SIGTERM');
    const outcomes = await Promise.all(inFlight);
    await expect(exitCode).resolves.toBe(0);
    expect(outcomes.filter((o) => o !== 200 && o !== 'refused')).toEqual([]);
    const acknowledged = outcomes.filter((o) => o === 200).length;
    expect(acknowledged).toBeGreaterThan(0);
    server = await ServerProcess.start(build.main, env);
    try {
      const balance = (await (await fetch(`${server.url}/accounts/${account}/balance`, { headers: bearer() })).json()) as {
        balance: string;
      };
      expect(balance.balance).toBe(`${acknowledged}.00`);
    } finally {
      await server.stop('SIGKILL');
    }
  });
});
