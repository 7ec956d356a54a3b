// Boot as an operator sees it: progress lines as they happen, and a failure
// as ONE JSON line naming the cause and the variable to fix.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, FreshDatabase } from './helpers/fresh-database';
import { buildServer, freePort, OutputLog, ROOT, spawnServer, stopChild, waitUntilReady } from './helpers/server-process';
import { isPostgres } from './helpers/test-app';

interface LogLine {
  level: number;
  time: number;
  msg: string;
  variable?: string;
  context?: string;
}

describe('boot', () => {
  let build: ReturnType<typeof buildServer>;
  let db: FreshDatabase;
  let env: Record<string, string>;
  const work = mkdtempSync(join(tmpdir(), 'atm-boot-'));

  beforeAll(async () => {
    build = buildServer();
    db = await freshDatabase();
    env = { PATH: process.env.PATH ?? '', DB_TYPE: process.env.DB_TYPE as string, ...db.env, NODE_ENV: 'production', LOG_LEVEL: 'info' };
    if (env.DB_TYPE === 'sqlite') env.SQLITE_PATH = join(work, 'atm.sqlite');
  }, 120_000);

  afterAll(async () => {
    build?.remove();
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs the server until it exits by itself; its output, parsed line by line (every line must be JSON). */
  async function runToExit(extra: Record<string, string>, nodeArgs: string[] = []): Promise<{ code: number | null; lines: LogLine[] }> {
    const output = new OutputLog();
    const child = spawnServer(build.main, {
      cwd: ROOT,
      env: { ...env, PORT: String(await freePort()), ...extra },
      nodeArgs,
      output: output.append,
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    const lines = output
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
    return { code, lines };
  }

  const failures = (lines: LogLine[]) => lines.filter((line) => line.level >= 50);

  it('refuses a bad PORT with one line naming it, before anything else runs', async () => {
    const { code, lines } = await runToExit({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 60, variable: 'PORT', msg: expect.stringMatching(/PORT must be an integer.*"abc"/) }),
    ]);
  });

  it('names PORT when the port is taken, in one failure line after the progress lines', async () => {
    const taken = createServer().listen(0);
    await once(taken, 'listening');
    try {
      const { code, lines } = await runToExit({ PORT: String((taken.address() as { port: number }).port) });
      expect(code).toBe(1);
      expect(failures(lines)).toEqual([
        expect.objectContaining({ level: 60, variable: 'PORT', msg: expect.stringContaining('already in use') }),
      ]);
      expect(lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^connecting to /), expect.stringMatching(/^starting/)]),
      );
    } finally {
      taken.close();
    }
  });

  it('refuses LOG_PRETTY where pino-pretty is not installed, saying so', async () => {
    const hide = join(work, 'no-pino-pretty.js');
    writeFileSync(
      hide,
      "const M = require('module'); const resolve = M._resolveFilename;\n" +
        "M._resolveFilename = function (request, ...rest) { if (request === 'pino-pretty') throw new Error('not installed'); return resolve.call(this, request, ...rest); };\n",
    );
    const { code, lines } = await runToExit({ LOG_PRETTY: 'true' }, ['-r', hide]);
    expect(code).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ level: 60, variable: 'LOG_PRETTY', msg: expect.stringContaining('pino-pretty') })]);
  });

  (isPostgres() ? describe : describe.skip)('waiting for Postgres', () => {
    it('logs each retry as it happens and gives up after DB_CONNECT_TIMEOUT_MS, naming DATABASE_URL', async () => {
      const url = new URL(env.DATABASE_URL);
      url.port = String(await freePort());
      const started = Date.now();
      const { code, lines } = await runToExit({ DATABASE_URL: url.toString(), DB_CONNECT_TIMEOUT_MS: '2500' });
      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
      const retries = lines.filter((line) => line.level === 40 && /database unavailable.*attempt \d+ in \d+ ms/.test(line.msg));
      expect(retries.length).toBeGreaterThanOrEqual(2);
      const [failure] = failures(lines);
      expect(failures(lines)).toHaveLength(1);
      expect(failure).toMatchObject({ level: 60, variable: 'DATABASE_URL', msg: expect.stringContaining('DB_CONNECT_TIMEOUT_MS=2500') });
      // Written as it happened: the first retry a good while before the end.
      expect(failure.time - retries[0].time).toBeGreaterThan(1500);
    });

    it('boots once a database that was away at start comes up within the bound', async () => {
      const target = new URL(env.DATABASE_URL);
      const port = await freePort();
      const url = new URL(env.DATABASE_URL);
      url.port = String(port);
      const output = new OutputLog();
      const appPort = await freePort();
      const child = spawnServer(build.main, {
        cwd: ROOT,
        env: { ...env, DATABASE_URL: url.toString(), DB_CONNECT_TIMEOUT_MS: '30000', PORT: String(appPort) },
        output: output.append,
      });
      let proxy: Server | undefined;
      try {
        // The database "comes up" only after the server has found it away, twice.
        for (const deadline = Date.now() + 30_000; (output.toString().match(/database unavailable/g) ?? []).length < 2;) {
          if (Date.now() > deadline) throw new Error(`no retry logged:\n${output.toString()}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        proxy = forward(port, Number(target.port || 5432), target.hostname);
        await waitUntilReady(
          child,
          `http://127.0.0.1:${appPort}`,
          { path: '/healthz', timeoutMs: 30_000, intervalMs: 100, killOnTimeout: true },
          () => output.toString(),
        );
        expect(output.toString()).toMatch(/migrat/);
      } finally {
        await stopChild(child, 'SIGTERM', 5000);
        proxy?.close();
      }
    });
  });
});

/** A TCP forwarder from `port` to the real database: the database "comes up" when it starts. */
function forward(port: number, toPort: number, toHost: string): Server {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(toPort, toHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(port, '127.0.0.1');
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return server;
}
