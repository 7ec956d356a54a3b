import { DataSource } from 'typeorm';
import { freshDatabase } from './helpers/fresh-database';
import { createTestApp } from './helpers/test-app';

describe('operations', () => {
  it('GET /healthz is 200 with the database up, 503 status "error" when it is gone; /healthz/live stays 200', async () => {
    const t = await createTestApp();
    try {
      const up = await t.http().get('/healthz');
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      await t.app.get(DataSource).destroy();
      const down = await t.http().get('/healthz');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      const live = await t.http().get('/healthz/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
    } finally {
      await t.close();
    }
  });

  it('seeds the demo data into an empty database, once', async () => {
    const db = await freshDatabase();
    try {
      for (let boot = 0; boot < 2; boot++) {
        const t = await createTestApp({ ...db.env, SEED_DEMO_DATA: 'true' });
        try {
          const balances = await Promise.all(['1001', '1002', '9999'].map((n) => t.http().get(`/accounts/${n}/balance`)));
          expect(balances.map((r) => r.body.balance)).toEqual(['500.00', '1250.75', '0.00']);
          const ledger = await t.http().get('/accounts/1002/transactions');
          expect(ledger.body.items).toHaveLength(1);
          const total = await t.http().get('/machines/atm-001/total');
          expect(total.body).toMatchObject({ machine_id: 'atm-001', total: '7864.00' });
        } finally {
          await t.close();
        }
      }
    } finally {
      await db.drop();
    }
  });

  it('PRELOAD_ACCOUNTS seeds its own accounts instead of the demo accounts', async () => {
    const db = await freshDatabase();
    try {
      const t = await createTestApp({ ...db.env, SEED_DEMO_DATA: 'true', PRELOAD_ACCOUNTS: '{"1001":"1000.00","p-2":"0.50"}' });
      try {
        expect((await t.http().get('/accounts/1001/balance')).body.balance).toBe('1000.00');
        expect((await t.http().get('/accounts/p-2/balance')).body.balance).toBe('0.50');
        expect((await t.http().get('/accounts/1002')).status).toBe(404);
      } finally {
        await t.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('does not seed when SEED_DEMO_DATA=false', async () => {
    const db = await freshDatabase();
    try {
      const t = await createTestApp({ ...db.env, SEED_DEMO_DATA: 'false' });
      try {
        expect((await t.http().get('/accounts/1001')).status).toBe(404);
      } finally {
        await t.close();
      }
    } finally {
      await db.drop();
    }
  });
});
