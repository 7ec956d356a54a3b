import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FreshDatabase, freshDatabase } from './helpers/fresh-database';
import { buildServer, ROOT } from './helpers/server-process';
import { createTestApp, param, TestApp } from './helpers/test-app';

const run = promisify(execFile);

/** Runs a reconcile command against the fresh database: its exit status and the report it printed. */
async function command(args: string[], env: Record<string, string>): Promise<{ status: number; report: Record<string, unknown> }> {
  try {
    const { stdout } = await run(args[0], args.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
    return { status: 0, report: JSON.parse(stdout) as Record<string, unknown> };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number' || !failed.stdout) throw new Error(`reconcile failed to run: ${failed.stderr ?? String(error)}`);
    return { status: failed.code, report: JSON.parse(failed.stdout) as Record<string, unknown> };
  }
}

// A database of its own: a corrupted balance must not show in other specs' checks.
describe('reconciliation: GET /reconciliation and the reconcile command', () => {
  let db: FreshDatabase;
  let t: TestApp;
  let compiled: ReturnType<typeof buildServer>;
  const fromSource = () => ['node', '-r', 'ts-node/register/transpile-only', join(ROOT, 'src/reconciliation/reconcile.cli.ts')];
  const fromDist = () => ['node', join(compiled.main, '..', 'reconciliation', 'reconcile.cli.js')];

  beforeAll(async () => {
    compiled = buildServer();
    db = await freshDatabase();
    t = await createTestApp({ ...db.env, SEED_DEMO_DATA: 'true' });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    compiled?.remove();
  });

  it('reports ok on a consistent database, after money and cash have moved', async () => {
    const moves = [
      t.http().post('/accounts/1001/deposit').send({ amount: '10.00' }),
      t.http().post('/transfers').send({ from_account: '1002', to_account: '9999', amount: '0.75' }),
      t.http().post('/machines/atm-001/withdrawals').send({ account_number: '1001', amount: '60.00' }),
      t
        .http()
        .post('/machines/atm-001/refill')
        .send({ cassettes: [{ denomination: '5.00', count: 3 }] }),
    ];
    for (const move of moves) expect((await move).status).toBeLessThan(300);
    const res = await t.http().get('/reconciliation');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      checked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      accounts: { checked: 3, mismatched: [], mismatched_count: 0 },
      machines: { checked: 1, mismatched: [], mismatched_count: 0 },
      duration_ms: expect.any(Number),
    });
    const result = await command(fromSource(), db.env);
    expect(result.status).toBe(0);
    expect(result.report).toMatchObject({ ok: true, accounts: { checked: 3 }, machines: { checked: 1 } });
  }, 120_000);

  it('reports a balance and a cassette corrupted straight in the database; the command exits 1', async () => {
    await t.sql(`UPDATE accounts SET balance = balance + 1 WHERE account_number = ${param(1)}`, ['1002']);
    await t.sql(`UPDATE cassettes SET count = count - 2 WHERE machine_id = ${param(1)} AND denomination = ${param(2)}`, ['atm-001', 10000]);
    const res = await t.http().get('/reconciliation');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      accounts: {
        checked: 3,
        mismatched: [{ account_number: '1002', balance: '1250.01', ledger_sum: '1250.00', difference: '0.01' }],
        mismatched_count: 1,
      },
      machines: {
        checked: 1,
        mismatched: [{ machine_id: 'atm-001', denomination: '100.00', count: 18, ledger_count: 20, difference: -2 }],
        mismatched_count: 1,
      },
    });
    // The compiled variant too: the production image has no ts-node.
    for (const args of [fromSource(), fromDist()]) {
      const result = await command(args, db.env);
      expect(result.status).toBe(1);
      expect(result.report).toMatchObject({ ok: false, accounts: res.body.accounts, machines: res.body.machines });
    }
  }, 180_000);

  it('exits 2 with a JSON error line when the check cannot run', async () => {
    const result = run(fromSource()[0], fromSource().slice(1), {
      cwd: ROOT,
      env: { ...process.env, DB_TYPE: 'postgres', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DB_ACQUIRE_TIMEOUT_MS: '1000' },
      timeout: 60_000,
    });
    await expect(result).rejects.toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('"reconciliation could not run"') });
  }, 120_000);

  it('exits 2 and creates nothing when SQLITE_PATH names no database (a mistyped cron line)', async () => {
    const dir = join(tmpdir(), `atm-no-such-${process.pid}-${Date.now()}`);
    const result = run(fromSource()[0], fromSource().slice(1), {
      cwd: ROOT,
      env: { ...process.env, DB_TYPE: 'sqlite', SQLITE_PATH: join(dir, 'atm.sqlite') },
      timeout: 60_000,
    });
    await expect(result).rejects.toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('no SQLite database at') });
    expect(existsSync(dir)).toBe(false);
  }, 120_000);
});
