import { openAccount } from './helpers/bank';
import {
  bill,
  CassetteSpec,
  cassetteCounts,
  coin,
  createMachine,
  expectCassettesMatchLedger,
  ledgerCash,
  snapshot,
  uniqueMachineId,
} from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

const STOCK: CassetteSpec[] = [bill('20.00', 3, 10), bill('50.00', 1, 10), coin('0.25', 10, 100), coin('1.00', 0, 50)];

describe('machines: registry, inventory, refill, maintenance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /machines', () => {
    it('creates a machine, its cassettes and a refill ledger row of the initial counts', async () => {
      const machine_id = uniqueMachineId();
      const res = await t.http().post('/machines').send({ machine_id, name: 'Lobby', location: 'Main St 1', cassettes: STOCK });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        machine_id,
        name: 'Lobby',
        location: 'Main St 1',
        status: 'in_service',
        cash_status: 'ok',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updated_at: res.body.created_at,
      });
      await expect(t.http().get(`/machines/${machine_id}`)).resolves.toMatchObject({ status: 200, body: res.body });
      const history = await t.http().get(`/machines/${machine_id}/transactions`);
      expect(history.body.items).toEqual([
        expect.objectContaining({
          type: 'refill',
          machine_id,
          account_number: null,
          amount: null,
          balance_after: null,
          cash: [
            { denomination: '50.00', count: 1 },
            { denomination: '20.00', count: 3 },
            { denomination: '0.25', count: 10 },
          ],
        }),
      ]);
      await expectCassettesMatchLedger(t, machine_id);
    });

    it('reports inventory (largest first) and total as exact sums', async () => {
      const id = await createMachine(t, STOCK);
      const inv = await t.http().get(`/machines/${id}/inventory`);
      expect(inv.status).toBe(200);
      expect(inv.body).toEqual({
        machine_id: id,
        currency: 'USD',
        total: '112.50',
        cash_status: 'ok',
        cassettes: [
          { denomination: '50.00', kind: 'bill', count: 1, capacity: 10, low_threshold: null, low: false },
          { denomination: '20.00', kind: 'bill', count: 3, capacity: 10, low_threshold: null, low: false },
          { denomination: '1.00', kind: 'coin', count: 0, capacity: 50, low_threshold: null, low: false },
          { denomination: '0.25', kind: 'coin', count: 10, capacity: 100, low_threshold: null, low: false },
        ],
      });
      await expect(t.http().get(`/machines/${id}/total`)).resolves.toMatchObject({
        status: 200,
        body: { machine_id: id, currency: 'USD', total: '112.50' },
      });
      // 0.10 × 7 + 0.05 × 3 = 0.85: no float drift in the sum.
      const coins = await createMachine(t, [coin('0.10', 7), coin('0.05', 3), coin('0.01', 1)]);
      await expect(t.http().get(`/machines/${coins}/total`)).resolves.toMatchObject({ body: { total: '0.86' } });
    });

    it('accepts denominations as numbers and normalises them', async () => {
      const id = await createMachine(t, [{ denomination: 20, kind: 'bill', count: 1, capacity: 5 } as unknown as CassetteSpec]);
      const inv = await t.http().get(`/machines/${id}/inventory`);
      expect(inv.body.cassettes).toEqual([{ denomination: '20.00', kind: 'bill', count: 1, capacity: 5, low_threshold: null, low: false }]);
    });

    it('refuses an existing machine id with 409 MACHINE_EXISTS and changes nothing', async () => {
      const id = await createMachine(t, STOCK);
      const before = await snapshot(t, id);
      const res = await t
        .http()
        .post('/machines')
        .send({ machine_id: id, cassettes: [bill('10.00', 1)] });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('MACHINE_EXISTS');
      await expect(snapshot(t, id)).resolves.toEqual(before);
    });

    const cassette = (over: Record<string, unknown>) => ({ denomination: '20.00', kind: 'bill', count: 1, capacity: 10, ...over });
    it.each([
      ['missing machine_id', { machine_id: undefined }, 'machine_id'],
      ['bad machine_id', { machine_id: 'no spaces!' }, 'machine_id'],
      ['65-character machine_id', { machine_id: 'a'.repeat(65) }, 'machine_id'],
      ['missing cassettes', { cassettes: undefined }, 'cassettes'],
      ['empty cassettes', { cassettes: [] }, 'cassettes'],
      ['21 cassettes', { cassettes: Array.from({ length: 21 }, (_, i) => cassette({ denomination: `${i + 1}.00` })) }, 'cassettes'],
      ['duplicate denominations', { cassettes: [cassette({}), cassette({ denomination: '20', kind: 'coin' })] }, 'cassettes'],
      ['zero denomination', { cassettes: [cassette({ denomination: '0.00' })] }, 'cassettes[0].denomination'],
      ['negative denomination', { cassettes: [cassette({ denomination: '-5.00' })] }, 'cassettes[0].denomination'],
      ['exponent denomination', { cassettes: [cassette({ denomination: '1e3' })] }, 'cassettes[0].denomination'],
      ['three decimals', { cassettes: [cassette({ denomination: '0.001' })] }, 'cassettes[0].denomination'],
      ['denomination over 100000.00', { cassettes: [cassette({ denomination: '100000.01' })] }, 'cassettes[0].denomination'],
      ['unknown kind', { cassettes: [cassette({ kind: 'note' })] }, 'cassettes[0].kind'],
      ['negative count', { cassettes: [cassette({ count: -1 })] }, 'cassettes[0].count'],
      ['fractional count', { cassettes: [cassette({ count: 1.5 })] }, 'cassettes[0].count'],
      ['string count', { cassettes: [cassette({ count: '1' })] }, 'cassettes[0].count'],
      ['count over capacity', { cassettes: [cassette({ count: 11 })] }, 'cassettes[0].count'],
      ['zero capacity', { cassettes: [cassette({ count: 0, capacity: 0 })] }, 'cassettes[0].capacity'],
      ['capacity over 1000000', { cassettes: [cassette({ capacity: 1_000_001 })] }, 'cassettes[0].capacity'],
      ['unknown cassette field', { cassettes: [cassette({ color: 'green' })] }, 'cassettes[0].color'],
      ['status on create', { status: 'out_of_service' }, 'status'],
      ['empty name', { name: '' }, 'name'],
    ])('refuses %s with 400 and creates nothing', async (_case, over, field) => {
      const machine_id = uniqueMachineId();
      const res = await t
        .http()
        .post('/machines')
        .send({ machine_id, cassettes: [cassette({})], ...over });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      await expect(t.http().get(`/machines/${machine_id}`)).resolves.toMatchObject({ status: 404 });
    });
  });

  describe('GET /machines', () => {
    it('pages newest first, without gaps or repeats, also with 64-character ids', async () => {
      const prefix = uniqueMachineId('p');
      const ids = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`.padEnd(64, 'q')];
      for (const machine_id of ids) {
        await expect(
          t
            .http()
            .post('/machines')
            .send({ machine_id, cassettes: [bill('10.00', 1)] }),
        ).resolves.toMatchObject({ status: 201 });
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t
          .http()
          .get('/machines')
          .query(cursor ? { limit: 2, cursor } : { limit: 2 });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((m: { machine_id: string }) => m.machine_id));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => id.startsWith(prefix))).toEqual(ids.slice().reverse());
    });

    it.each([
      { limit: 0 },
      { limit: 201 },
      { limit: 'x' },
      { cursor: '!!' },
      { cursor: Buffer.from('v1:bad id').toString('base64url') },
      { cursor: 'abc' },
    ])('refuses %j with 400', async (query) => {
      const res = await t.http().get('/machines').query(query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('unknown and malformed machine ids', () => {
    const routes: Array<[string, string, object | undefined]> = [
      ['get', '', undefined],
      ['patch', '', { name: 'x' }],
      ['get', '/inventory', undefined],
      ['get', '/total', undefined],
      ['get', '/transactions', undefined],
      ['post', '/refill', { cassettes: [{ denomination: '10.00', count: 1 }] }],
      ['post', '/maintenance', {}],
    ];
    it.each(routes)('%s /machines/{id}%s: 404 MACHINE_NOT_FOUND, and 400 for a bad id', async (method, suffix, body) => {
      const call = (id: string) => {
        const req = (t.http() as unknown as Record<string, (url: string) => import('supertest').Test>)[method](`/machines/${id}${suffix}`);
        return body ? req.send(body) : req;
      };
      const missing = await call(uniqueMachineId());
      expect([missing.status, missing.body.code]).toEqual([404, 'MACHINE_NOT_FOUND']);
      expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
      const bad = await call('bad%20id');
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });
  });

  describe('PATCH /machines/{id}', () => {
    it('changes name, location and status; null clears name', async () => {
      const id = await createMachine(t, STOCK, { name: 'Old', location: 'Here' });
      const created = (await t.http().get(`/machines/${id}`)).body;
      const res = await t.http().patch(`/machines/${id}`).send({ name: 'New', location: 'There', status: 'out_of_service' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        machine_id: id,
        name: 'New',
        location: 'There',
        status: 'out_of_service',
        created_at: created.created_at,
      });
      expect(res.body.updated_at >= created.updated_at).toBe(true);
      await expect(t.http().get(`/machines/${id}`)).resolves.toMatchObject({ body: res.body });
      const cleared = await t.http().patch(`/machines/${id}`).send({ name: null, status: 'in_service' });
      expect(cleared.body).toMatchObject({ name: null, location: 'There', status: 'in_service' });
    });

    it.each([{ status: 'broken' }, { status: null }, { name: '' }, { name: 'x'.repeat(201) }, { machine_id: 'other' }, { cassettes: [] }])(
      'refuses %j with 400 and changes nothing',
      async (body) => {
        const id = await createMachine(t, STOCK, { name: 'Keep' });
        const before = (await t.http().get(`/machines/${id}`)).body;
        const res = await t.http().patch(`/machines/${id}`).send(body);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        await expect(t.http().get(`/machines/${id}`)).resolves.toMatchObject({ body: before });
      },
    );
  });

  describe('POST /machines/{id}/refill', () => {
    it('adds pieces, answers the inventory and transaction_id, and writes one refill row', async () => {
      const id = await createMachine(t, STOCK);
      const res = await t
        .http()
        .post(`/machines/${id}/refill`)
        .send({
          cassettes: [
            { denomination: '0.25', count: 90 },
            { denomination: 20, count: 7 },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ machine_id: id, currency: 'USD', total: '275.00', transaction_id: expect.any(Number) });
      expect(res.body.cassettes).toContainEqual({
        denomination: '20.00',
        kind: 'bill',
        count: 10,
        capacity: 10,
        low_threshold: null,
        low: false,
      });
      expect(res.body.cassettes).toContainEqual({
        denomination: '0.25',
        kind: 'coin',
        count: 100,
        capacity: 100,
        low_threshold: null,
        low: false,
      });
      const row = await t.http().get(`/transactions/${res.body.transaction_id}`);
      expect(row.body).toMatchObject({
        type: 'refill',
        machine_id: id,
        account_number: null,
        amount: null,
        cash: [
          { denomination: '20.00', count: 7 },
          { denomination: '0.25', count: 90 },
        ],
      });
      await expectCassettesMatchLedger(t, id);
    });

    it('is allowed while the machine is out of service', async () => {
      const id = await createMachine(t, STOCK);
      await t.http().patch(`/machines/${id}`).send({ status: 'out_of_service' });
      const res = await t
        .http()
        .post(`/machines/${id}/refill`)
        .send({ cassettes: [{ denomination: '50.00', count: 1 }] });
      expect(res.status).toBe(200);
      expect((await cassetteCounts(t, id)).get(5000n)).toBe(2);
    });

    it.each([
      [
        'an unknown denomination (even next to a valid line)',
        [
          { denomination: '20.00', count: 1 },
          { denomination: '5.00', count: 1 },
        ],
        422,
        'UNKNOWN_DENOMINATION',
      ],
      [
        'a cassette overfilled',
        [
          { denomination: '0.25', count: 1 },
          { denomination: '20.00', count: 8 },
        ],
        422,
        'CASSETTE_CAPACITY_EXCEEDED',
      ],
      [
        'unknown denomination before capacity',
        [
          { denomination: '20.00', count: 8 },
          { denomination: '5.00', count: 1 },
        ],
        422,
        'UNKNOWN_DENOMINATION',
      ],
      ['a zero count', [{ denomination: '20.00', count: 0 }], 400, 'VALIDATION_FAILED'],
      ['a negative count', [{ denomination: '20.00', count: -1 }], 400, 'VALIDATION_FAILED'],
      ['a count over 1000000', [{ denomination: '20.00', count: 1_000_001 }], 400, 'VALIDATION_FAILED'],
      ['an empty list', [], 400, 'VALIDATION_FAILED'],
      [
        'a duplicate denomination',
        [
          { denomination: '20.00', count: 1 },
          { denomination: '20', count: 1 },
        ],
        400,
        'VALIDATION_FAILED',
      ],
      ['a bad denomination', [{ denomination: '20.001', count: 1 }], 400, 'VALIDATION_FAILED'],
      ['a kind field', [{ denomination: '20.00', count: 1, kind: 'bill' }], 400, 'VALIDATION_FAILED'],
    ])('refuses %s and changes nothing', async (_case, cassettes, status, code) => {
      const id = await createMachine(t, STOCK);
      const before = await snapshot(t, id);
      const res = await t.http().post(`/machines/${id}/refill`).send({ cassettes });
      expect([res.status, res.body.code]).toEqual([status, code]);
      await expect(snapshot(t, id)).resolves.toEqual(before);
    });
  });

  describe('POST /machines/{id}/maintenance', () => {
    it('resets every cassette to its initial count; the ledger row lists the signed deltas that moved', async () => {
      const id = await createMachine(t, STOCK);
      const account = await openAccount(t, '500.00');
      await expect(t.http().post(`/machines/${id}/withdrawals`).send({ account_number: account, amount: '60.00' })).resolves.toMatchObject({
        status: 201,
      });
      await expect(
        t
          .http()
          .post(`/machines/${id}/refill`)
          .send({ cassettes: [{ denomination: '1.00', count: 5 }] }),
      ).resolves.toMatchObject({ status: 200 });
      await t.http().patch(`/machines/${id}`).send({ status: 'out_of_service' });
      const res = await t.http().post(`/machines/${id}/maintenance`).send({});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ machine_id: id, total: '112.50', transaction_id: expect.any(Number) });
      expect(res.body.cassettes.map((c: { count: number }) => c.count)).toEqual([1, 3, 0, 10]);
      const row = await t.http().get(`/transactions/${res.body.transaction_id}`);
      expect(row.body).toMatchObject({
        type: 'maintenance_reset',
        machine_id: id,
        amount: null,
        cash: [
          { denomination: '20.00', count: 3 },
          { denomination: '1.00', count: -5 },
        ],
      });
      await expectCassettesMatchLedger(t, id);
    });

    it('takes no body at all, and writes a row with no cash when nothing moved', async () => {
      const id = await createMachine(t, STOCK);
      const res = await t.http().post(`/machines/${id}/maintenance`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe('112.50');
      await expect(t.http().get(`/transactions/${res.body.transaction_id}`)).resolves.toMatchObject({
        body: { type: 'maintenance_reset', cash: [] },
      });
    });

    it.each([{ reset: true }, { cassettes: [] }])('refuses a body with fields (%j) with 400 and changes nothing', async (body) => {
      const id = await createMachine(t, STOCK);
      await t
        .http()
        .post(`/machines/${id}/refill`)
        .send({ cassettes: [{ denomination: '1.00', count: 5 }] });
      const before = await snapshot(t, id);
      const res = await t.http().post(`/machines/${id}/maintenance`).send(body);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      await expect(snapshot(t, id)).resolves.toEqual(before);
    });
  });

  describe('GET /machines/{id}/transactions', () => {
    it("pages through the machine's rows newest first, and only its own", async () => {
      const id = await createMachine(t, STOCK);
      const other = await createMachine(t, STOCK);
      await t
        .http()
        .post(`/machines/${other}/refill`)
        .send({ cassettes: [{ denomination: '20.00', count: 1 }] });
      for (let i = 0; i < 3; i++)
        await t
          .http()
          .post(`/machines/${id}/refill`)
          .send({ cassettes: [{ denomination: '0.25', count: 1 }] });
      await t.http().post(`/machines/${id}/maintenance`);
      const ids: number[] = [];
      const types: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t
          .http()
          .get(`/machines/${id}/transactions`)
          .query(cursor ? { limit: 2, cursor } : { limit: 2 });
        expect(res.status).toBe(200);
        for (const row of res.body.items) {
          ids.push(row.id);
          types.push(row.type);
          expect(row.machine_id).toBe(id);
        }
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(types).toEqual(['maintenance_reset', 'refill', 'refill', 'refill', 'refill']);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const { rows } = await ledgerCash(t, id);
      expect(rows).toBe(5);
    });
  });

  describe('OpenAPI', () => {
    it('documents every machines route with its tag, summary and problem responses', async () => {
      const doc = (await t.http().get('/docs-json')).body;
      const ops: Array<[string, string, string[]]> = [
        ['/machines', 'post', ['201', '400', '409']],
        ['/machines', 'get', ['200', '400']],
        ['/machines/{id}', 'get', ['200', '400', '404']],
        ['/machines/{id}', 'patch', ['200', '400', '404']],
        ['/machines/{id}/inventory', 'get', ['200', '404']],
        ['/machines/{id}/total', 'get', ['200', '404']],
        ['/machines/{id}/refill', 'post', ['200', '400', '404', '422']],
        ['/machines/{id}/maintenance', 'post', ['200', '404']],
        ['/machines/{id}/transactions', 'get', ['200', '404']],
        ['/machines/{id}/withdrawals', 'post', ['201', '400', '404', '409', '422']],
        ['/machines/{id}/deposits', 'post', ['201', '400', '404', '409', '422']],
      ];
      for (const [path, method, statuses] of ops) {
        const op = doc.paths[path]?.[method];
        expect([path, method, op?.tags]).toEqual([path, method, ['machines']]);
        expect(op.summary).toEqual(expect.any(String));
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(statuses));
      }
      const withdraw422 = doc.paths['/machines/{id}/withdrawals'].post.responses['422'].description;
      for (const code of ['AMOUNT_TOO_LARGE', 'INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'CANNOT_DISPENSE', 'TOO_MANY_COINS']) {
        expect(withdraw422).toContain(code);
      }
      for (const path of ['/machines', '/machines/{id}/transactions']) {
        expect(doc.paths[path].get.parameters.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['limit', 'cursor']));
      }
      expect(doc.paths['/machines/{id}/maintenance'].post.requestBody.required).toBe(false);
      expect(doc.components.schemas.AtmWithdrawalView.required).toEqual(expect.arrayContaining(['transaction_id', 'dispensed']));
    });
  });
});
