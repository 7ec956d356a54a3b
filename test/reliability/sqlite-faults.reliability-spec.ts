// SQLite faults an operator meets: a database file that is read-only (wrong
// owner after a restore) and a full disk. Writes are 503, readiness says so,
// the log gets at most one line a second, and a full disk heals by itself.
// The read-only case runs the server as `nobody` when the suite runs as root
// (root writes to any file); the full disk is a small tmpfs, mounted only as
// root — otherwise that test is skipped (manual check: README, "Reliability").
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { selectedDatabases } from './harness/env';
import { freePort, ServerProcess } from './harness/server-process';
import { bearer } from '../helpers/keys';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const describeSqlite = selectedDatabases().includes('sqlite') ? describe : describe.skip;
const NOBODY = { uid: 65534, gid: 65534 };

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; code?: string }> {
  const res = await fetch(url + path, {
    method,
    headers: body === undefined ? bearer() : { 'content-type': 'application/json', ...bearer() },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, code: text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined };
}

async function waitForReady(url: string, status: number, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await call(url, 'GET', '/healthz')).status === status) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`/healthz never answered ${status}`);
}

describeSqlite('sqlite faults', () => {
  let dir: string;
  let mounted = false;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    if (mounted) execFileSync('umount', [dir]);
    mounted = false;
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(file: string, user?: { uid: number; gid: number }): Promise<string> {
    server = new ServerProcess(await freePort(), { DB_TYPE: 'sqlite', SQLITE_PATH: file }, user);
    await server.start();
    return server.url;
  }

  it('a read-only database file: writes 503, /healthz 503, reads still 200, the process lives', async () => {
    dir = mkdtempSync(join(tmpdir(), 'atm-ro-'));
    const file = join(dir, 'atm.sqlite');
    let url = await serve(file);
    expect((await call(url, 'POST', '/accounts', { account_number: 'ro1', initial_deposit: '10.00' })).status).toBe(201);
    await server?.stop();
    if (isRoot) for (const name of ['', ...readdirSync(dir)]) chownSync(join(dir, name), NOBODY.uid, NOBODY.gid);
    chmodSync(file, 0o444);
    url = await serve(file, isRoot ? NOBODY : undefined);
    for (let i = 0; i < 5; i++) {
      await expect(call(url, 'POST', '/accounts/ro1/deposit', { amount: '1.00' })).resolves.toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
    }
    await expect(call(url, 'GET', '/healthz')).resolves.toMatchObject({ status: 503 });
    await expect(call(url, 'GET', '/accounts/ro1/balance')).resolves.toMatchObject({ status: 200 });
    expect(server?.running).toBe(true);
  });

  // Mounting a tmpfs needs root.
  (isRoot ? describe : describe.skip)('as root', () => {
    it('a full disk: writes 503, /healthz 503, at most a log line a second, then healed without a restart', async () => {
      dir = mkdtempSync(join(tmpdir(), 'atm-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir]);
      mounted = true;
      const url = await serve(join(dir, 'atm.sqlite'));
      expect((await call(url, 'POST', '/accounts', { account_number: 'full1', initial_deposit: '10.00' })).status).toBe(201);
      const filler = join(dir, 'filler');
      let fillError: unknown;
      try {
        for (let i = 0; ; i++) writeFileSync(filler, Buffer.alloc(64 * 1024), { flag: i === 0 ? 'w' : 'a' });
      } catch (error) {
        fillError = error;
      }
      expect(fillError).toMatchObject({ code: 'ENOSPC' });
      await waitForReady(url, 503);
      const logsBefore = (server as ServerProcess).logs.split('\n').length;
      const started = Date.now();
      const statuses = new Map<number, number>();
      while (Date.now() - started < 3000) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            call(url, 'POST', '/accounts/full1/deposit', { amount: '1.00', reference: 'x'.repeat(100 + i) }),
          ),
        );
        for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      }
      const seconds = (Date.now() - started) / 1000;
      const lines = (server as ServerProcess).logs
        .split('\n')
        .slice(logsBefore - 1)
        .filter((line) => line.trim() !== '');
      expect([...statuses.keys()].filter((status) => status !== 503 && status !== 200)).toEqual([]);
      expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
      expect(lines.filter((line) => /\n\s+at |"stack"/.test(line))).toEqual([]);
      rmSync(filler);
      await waitForReady(url, 200);
      await expect(call(url, 'POST', '/accounts/full1/deposit', { amount: '1.00' })).resolves.toMatchObject({ status: 200 });
      expect(server?.running).toBe(true);
    });
  });
});
