import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { bill, createMachine, expectCassettesMatchLedger } from './helpers/machines';
import { createTestApp, isPostgres, param, TestApp } from './helpers/test-app';

/** An empty, migrated database of the project's kind, as env overrides, and a way to drop it. */
async function freshDatabase(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  if (isPostgres()) {
    const name = `atm_e2e_demo_${Date.now()}_${process.pid}`;
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    url.pathname = `/${name}`;
    env = { DATABASE_URL: url.toString() };
    drop = async () => {
      const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  } else {
    const file = join(tmpdir(), 'atm-e2e', `demo-${randomUUID()}.sqlite`);
    env = { SQLITE_PATH: file };
    drop = () => {
      ['', '-wal', '-shm'].forEach((suffix) => rmSync(file + suffix, { force: true }));
      return Promise.resolve();
    };
  }
  const migrate = await createTestApp({ ...env, DB_MIGRATIONS_RUN: 'true', SEED_DEMO_DATA: 'false' });
  await migrate.close();
  return { env, drop };
}

const DEMO_INVENTORY = {
  machine_id: 'atm-001',
  currency: 'USD',
  total: '7864.00',
  cassettes: [
    ['100.00', 'bill', 20, 5],
    ['50.00', 'bill', 40, 10],
    ['20.00', 'bill', 100, 20],
    ['10.00', 'bill', 100, 20],
    ['5.00', 'bill', 100, 20],
    ['1.00', 'coin', 200, 40],
    ['0.25', 'coin', 400, 80],
    ['0.10', 'coin', 400, 80],
    ['0.05', 'coin', 400, 80],
    ['0.01', 'coin', 400, 80],
  ].map(([denomination, kind, count, low_threshold]) => ({ denomination, kind, count, capacity: 2000, low_threshold, low: false })),
  cash_status: 'ok',
};

describe('machines: demo data', () => {
  it('seeds atm-001 exactly once, even when two instances boot on the same empty database', async () => {
    const db = await freshDatabase();
    const apps: TestApp[] = [];
    try {
      const seeding = { ...db.env, SEED_DEMO_DATA: 'true', DB_MIGRATIONS_RUN: 'false' };
      apps.push(...(await Promise.all([createTestApp(seeding), createTestApp(seeding)])));
      const [t] = apps;
      await expect(t.http().get('/machines/atm-001/inventory')).resolves.toMatchObject({ status: 200, body: DEMO_INVENTORY });
      await expect(t.http().get('/machines/atm-001')).resolves.toMatchObject({ body: { status: 'in_service' } });
      const list = await t.http().get('/machines');
      expect(list.body.items.map((m: { machine_id: string }) => m.machine_id)).toEqual(['atm-001']);
      const history = await t.http().get('/machines/atm-001/transactions');
      expect(history.body.items).toEqual([expect.objectContaining({ type: 'refill', amount: null })]);
      await expectCassettesMatchLedger(t, 'atm-001');

      // A restart finds a machine and seeds nothing more.
      await Promise.all(apps.splice(0).map((app) => app.close()));
      apps.push(await createTestApp(seeding));
      const rows = await apps[0].sql<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ledger_entries WHERE machine_id = ${param(1)}`, [
        'atm-001',
      ]);
      expect(Number(rows[0].n)).toBe(1);
      // The demo machine serves ATM withdrawals against the demo accounts.
      const res = await apps[0].http().post('/machines/atm-001/withdrawals').send({ account_number: '1001', amount: '60.00' });
      expect(res.body).toMatchObject({
        balance: '440.00',
        dispensed: [
          { denomination: '50.00', count: 1 },
          { denomination: '10.00', count: 1 },
        ],
      });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await db.drop();
    }
  });

  it('does not seed a database that already has machines, nor when SEED_DEMO_DATA is off', async () => {
    const t = await createTestApp();
    try {
      await createMachine(t, [bill('10.00', 1)]);
      const seeding = await createTestApp({ SEED_DEMO_DATA: 'true' });
      try {
        await expect(seeding.http().get('/machines/atm-001')).resolves.toMatchObject({ status: 404, body: { code: 'MACHINE_NOT_FOUND' } });
      } finally {
        await seeding.close();
      }
    } finally {
      await t.close();
    }
    const db = await freshDatabase();
    try {
      const off = await createTestApp({ ...db.env, SEED_DEMO_DATA: 'false', DB_MIGRATIONS_RUN: 'false' });
      await expect(off.http().get('/machines')).resolves.toMatchObject({ status: 200, body: { items: [] } });
      await off.close();
    } finally {
      await db.drop();
    }
  });
});
