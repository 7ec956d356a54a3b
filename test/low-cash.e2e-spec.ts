import { openAccount } from './helpers/bank';
import { bill, coin, createMachine, snapshot } from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

type Cassette = { denomination: string; low_threshold: number | null; low: boolean; count: number };

describe('low cash: thresholds, low, cash_status, GET /machines?cash_status', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const inventory = async (id: string) =>
    (await t.http().get(`/machines/${id}/inventory`)).body as { cash_status: string; cassettes: Cassette[] };
  const statusOf = async (id: string) => ((await t.http().get(`/machines/${id}`)).body as { cash_status: string }).cash_status;
  /** Every machine the list filter returns for `status`, all pages. */
  const listed = async (status: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t
        .http()
        .get('/machines')
        .query({ cash_status: status, limit: 200, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      for (const item of res.body.items as Array<{ machine_id: string; cash_status: string }>) {
        expect(item.cash_status).toBe(status);
        ids.push(item.machine_id);
      }
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    return ids;
  };

  it('shows low_threshold and low per cassette; a withdrawal down to the threshold turns the machine low', async () => {
    const id = await createMachine(t, [
      { ...bill('20.00', 4), low_threshold: 2 },
      { ...coin('1.00', 10), low_threshold: null },
      bill('50.00', 1),
    ]);
    const before = await inventory(id);
    expect(before.cash_status).toBe('ok');
    expect(before.cassettes.map((c) => [c.denomination, c.low_threshold, c.low])).toEqual([
      ['50.00', null, false],
      ['20.00', 2, false],
      ['1.00', null, false],
    ]);
    const account = await openAccount(t, '500.00');
    const withdrawal = await t.http().post(`/machines/${id}/withdrawals`).send({ account_number: account, amount: '40.00' });
    expect(withdrawal.status).toBe(201);
    const after = await inventory(id);
    expect(after.cassettes.find((c) => c.denomination === '20.00')).toMatchObject({ count: 2, low_threshold: 2, low: true });
    expect(after.cash_status).toBe('low');
    await expect(statusOf(id)).resolves.toBe('low');
    expect(await listed('low')).toContain(id);
    expect(await listed('ok')).not.toContain(id);
  });

  it('is empty when every bill cassette is at 0, whatever the coins hold; the list filter agrees', async () => {
    const empty = await createMachine(t, [bill('20.00', 0), { ...coin('1.00', 5), low_threshold: 10 }]);
    const coinsOnly = await createMachine(t, [coin('0.25', 100)]);
    const low = await createMachine(t, [{ ...bill('10.00', 1), low_threshold: 1 }]);
    const ok = await createMachine(t, [{ ...bill('10.00', 2), low_threshold: 1 }]);
    const expected: Record<string, string> = { [empty]: 'empty', [coinsOnly]: 'empty', [low]: 'low', [ok]: 'ok' };
    for (const [id, status] of Object.entries(expected)) {
      await expect(statusOf(id)).resolves.toBe(status);
      await expect(inventory(id)).resolves.toMatchObject({ cash_status: status });
    }
    const lists = { empty: await listed('empty'), low: await listed('low'), ok: await listed('ok') };
    for (const [id, status] of Object.entries(expected)) {
      expect(
        Object.entries(lists)
          .filter(([, ids]) => ids.includes(id))
          .map(([name]) => name),
      ).toEqual([status]);
    }
  });

  it('pages through one status with a cursor, nothing skipped or repeated', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createMachine(t, [bill('5.00', 0)]));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 500; page++) {
      const res = await t
        .http()
        .get('/machines')
        .query({ cash_status: 'empty', limit: 1, ...(cursor ? { cursor } : {}) });
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...res.body.items.map((m: { machine_id: string }) => m.machine_id));
      if (!res.body.next_cursor || ids.every((id) => seen.includes(id))) break;
      cursor = res.body.next_cursor as string;
    }
    expect(seen.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('PATCH /machines/{id} sets and clears thresholds, and answers the new cash_status', async () => {
    const id = await createMachine(t, [bill('20.00', 5), coin('1.00', 10)], { name: 'kept' });
    const set = await t
      .http()
      .patch(`/machines/${id}`)
      .send({ cassettes: [{ denomination: '20.00', low_threshold: 5 }] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ machine_id: id, name: 'kept', cash_status: 'low' });
    expect((await inventory(id)).cassettes.map((c) => [c.denomination, c.low_threshold, c.low])).toEqual([
      ['20.00', 5, true],
      ['1.00', null, false],
    ]);
    const cleared = await t
      .http()
      .patch(`/machines/${id}`)
      .send({
        cassettes: [
          { denomination: 20, low_threshold: null },
          { denomination: '1', low_threshold: 3 },
        ],
      });
    expect(cleared.status).toBe(200);
    expect(cleared.body.cash_status).toBe('ok');
    expect((await inventory(id)).cassettes.map((c) => [c.denomination, c.low_threshold])).toEqual([
      ['20.00', null],
      ['1.00', 3],
    ]);
  });

  it.each([
    ['an empty list', { cassettes: [] }, 'cassettes'],
    ['not a list', { cassettes: { denomination: '20.00', low_threshold: 1 } }, 'cassettes'],
    ['null', { cassettes: null }, 'cassettes'],
    ['an entry with another field', { cassettes: [{ denomination: '20.00', low_threshold: 1, count: 3 }] }, 'cassettes[0].count'],
    ['an entry without low_threshold', { cassettes: [{ denomination: '20.00' }] }, 'cassettes[0].low_threshold'],
    ['an entry without denomination', { cassettes: [{ low_threshold: 1 }] }, 'cassettes[0].denomination'],
    ['a negative threshold', { cassettes: [{ denomination: '20.00', low_threshold: -1 }] }, 'cassettes[0].low_threshold'],
    ['a fractional threshold', { cassettes: [{ denomination: '20.00', low_threshold: 1.5 }] }, 'cassettes[0].low_threshold'],
    ['a threshold as text', { cassettes: [{ denomination: '20.00', low_threshold: '1' }] }, 'cassettes[0].low_threshold'],
    [
      'a denomination twice',
      {
        cassettes: [
          { denomination: '20.00', low_threshold: 1 },
          { denomination: 20, low_threshold: 2 },
        ],
      },
      'cassettes',
    ],
  ])('PATCH with %s is 400 naming %s and changes nothing', async (_name, body, field) => {
    const id = await createMachine(t, [{ ...bill('20.00', 5), low_threshold: 9 }]);
    const before = [await snapshot(t, id), await inventory(id), (await t.http().get(`/machines/${id}`)).body];
    const res = await t.http().patch(`/machines/${id}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    await expect(
      Promise.all([
        snapshot(t, id),
        inventory(id),
        t
          .http()
          .get(`/machines/${id}`)
          .then((r) => r.body),
      ]),
    ).resolves.toEqual(before);
  });

  it('PATCH naming a denomination the machine has no cassette for is 422 UNKNOWN_DENOMINATION and changes nothing', async () => {
    const id = await createMachine(t, [{ ...bill('20.00', 5), low_threshold: 9 }]);
    const before = [await inventory(id), (await t.http().get(`/machines/${id}`)).body];
    const res = await t
      .http()
      .patch(`/machines/${id}`)
      .send({
        name: 'renamed',
        cassettes: [
          { denomination: '20.00', low_threshold: 1 },
          { denomination: '50.00', low_threshold: 1 },
        ],
      });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('UNKNOWN_DENOMINATION');
    await expect(
      Promise.all([
        inventory(id),
        t
          .http()
          .get(`/machines/${id}`)
          .then((r) => r.body),
      ]),
    ).resolves.toEqual(before);
    const missing = await t
      .http()
      .patch('/machines/no-such-machine-here')
      .send({ cassettes: [{ denomination: '20.00', low_threshold: 1 }] });
    expect([missing.status, missing.body.code]).toEqual([404, 'MACHINE_NOT_FOUND']);
  });

  it.each([
    ['-1', -1],
    ['1.5', 1.5],
    ['"3"', '3'],
  ])('POST /machines with low_threshold %s is 400', async (_name, value) => {
    const res = await t
      .http()
      .post('/machines')
      .send({ machine_id: `lt-${Date.now()}`, cassettes: [{ ...bill('20.00', 5), low_threshold: value }] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('cassettes[0].low_threshold');
  });

  it('GET /machines?cash_status with another value is 400', async () => {
    const res = await t.http().get('/machines').query({ cash_status: 'LOW' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('cash_status');
  });
});
