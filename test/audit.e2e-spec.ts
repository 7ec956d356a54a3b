// The audit trail (API.md v1.2): one event per successful change that writes
// no ledger row, in the same transaction, naming the client and the request;
// none for a refused request.
import { makeClient } from './helpers/clients';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

interface Event {
  id: number;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  changes: Record<string, [unknown, unknown]>;
  request_id: string | null;
  created_at: string;
}

describe('audit events', () => {
  let t: TestApp;
  let teller: { id: string; key: string };
  let operator: { id: string; key: string };

  const eventsOf = async (type: string, id: string): Promise<Event[]> =>
    (await t.http().get(`/audit-events?resource_type=${type}&resource_id=${id}&limit=200`)).body.items as Event[];

  beforeAll(async () => {
    t = await createTestApp();
    teller = await makeClient(t, 'teller');
    operator = await makeClient(t, 'operator');
  });

  afterAll(async () => {
    await t.close();
  });

  it('account opened and changed: one event each, with actor, request id and the changed fields', async () => {
    const number = `aud${process.pid}x${Date.now().toString(36)}`;
    const opened = await t
      .http(teller.key)
      .post('/accounts')
      .set('X-Request-Id', `open-${number}`)
      .send({ account_number: number, holder_name: 'Ada' });
    expect(opened.status).toBe(201);
    await t
      .http(teller.key)
      .patch(`/accounts/${number}`)
      .set('X-Request-Id', `freeze-${number}`)
      .send({ status: 'frozen', holder_name: 'Ada' });
    const events = await eventsOf('account', number);
    expect(events).toEqual([
      expect.objectContaining({
        actor: teller.id,
        action: 'account.updated',
        resource_type: 'account',
        resource_id: number,
        changes: { status: ['active', 'frozen'] },
        request_id: `freeze-${number}`,
      }),
      expect.objectContaining({
        actor: teller.id,
        action: 'account.created',
        changes: expect.objectContaining({ account_number: [null, number], holder_name: [null, 'Ada'], status: [null, 'active'] }),
        request_id: `open-${number}`,
      }),
    ]);
    expect(events[0].id).toBeGreaterThan(events[1].id);
  });

  it('ledger rows name the client and the request that wrote them', async () => {
    const number = `led${process.pid}x${Date.now().toString(36)}`;
    await t.http(teller.key).post('/accounts').send({ account_number: number, initial_deposit: '5.00' });
    const moved = await t
      .http(teller.key)
      .post(`/accounts/${number}/deposit`)
      .set('X-Request-Id', `dep-${number}`)
      .send({ amount: '1.00' });
    const row = await t.http().get(`/transactions/${moved.body.transaction_id}`);
    expect(row.body).toMatchObject({ actor: teller.id, request_id: `dep-${number}` });
    const history = await t.http().get(`/accounts/${number}/transactions`);
    expect(history.body.items.map((r: { actor: string }) => r.actor)).toEqual([teller.id, teller.id]);
  });

  it('machine created and changed, by the operator', async () => {
    const machine = await createMachine(t, [bill('20.00', 5)]);
    await expect(t.http(operator.key).patch(`/machines/${machine}`).send({ status: 'out_of_service' })).resolves.toMatchObject({
      status: 200,
    });
    const events = await eventsOf('machine', machine);
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['machine.updated', operator.id],
      ['machine.created', 'bootstrap'],
    ]);
    expect(events[0].changes).toEqual({ status: ['in_service', 'out_of_service'] });
    expect(events[1].changes).toMatchObject({ machine_id: [null, machine] });
  });

  it('client created, rotated, revoked: never the key or its hash in an event', async () => {
    const made = await t.http().post('/clients').send({ name: 'audited', role: 'auditor' });
    const id = made.body.id as string;
    const rotated = await t.http().post(`/clients/${id}/rotate`).send({});
    await t.http().post(`/clients/${id}/revoke`).send({});
    const events = await eventsOf('client', id);
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['client.revoked', 'bootstrap'],
      ['client.rotated', 'bootstrap'],
      ['client.created', 'bootstrap'],
    ]);
    expect(events[0].changes).toEqual({ revoked_at: [null, expect.stringMatching(/Z$/)] });
    const text = JSON.stringify(events);
    expect(text).not.toContain(made.body.api_key as string);
    expect(text).not.toContain(rotated.body.api_key as string);
  });

  it('a refused request writes no event: 403, 400, 404, 409', async () => {
    const number = `ref${process.pid}x${Date.now().toString(36)}`;
    await t.http().post('/accounts').send({ account_number: number });
    const before = (await t.http().get('/audit-events?limit=1')).body.items[0] as Event;
    const refusals = [
      await t
        .http(operator.key)
        .post('/accounts')
        .send({ account_number: `${number}b` }),
      await t.http().post('/accounts').send({ account_number: number }),
      await t.http().patch(`/accounts/${number}`).send({ status: 'sleeping' }),
      await t.http().patch('/accounts/nobody-here').send({ status: 'frozen' }),
      await t.http().post('/clients').send({ name: 'x', role: 'atm', machine_id: 'no-such-machine' }),
      await t.http().post('/clients/cl_0000000000000000/revoke').send({}),
    ];
    expect(refusals.map((r) => r.status)).toEqual([403, 409, 400, 404, 404, 404]);
    const after = (await t.http().get('/audit-events?limit=1')).body.items[0] as Event;
    expect(after.id).toBe(before.id);
  });

  it('GET /audit-events: auditors read it, tellers may not; strict query; pages without gaps', async () => {
    const auditor = await makeClient(t, 'auditor');
    await expect(t.http(auditor.key).get('/audit-events')).resolves.toMatchObject({ status: 200 });
    await expect(t.http(teller.key).get('/audit-events')).resolves.toMatchObject({ status: 403 });
    await expect(t.http().get('/audit-events?resource_type=ledger')).resolves.toMatchObject({ status: 400 });
    await expect(t.http().get('/audit-events?actor=x')).resolves.toMatchObject({ status: 400 });
    const first = await t.http().get('/audit-events?limit=2');
    const second = await t.http().get(`/audit-events?limit=2&cursor=${first.body.next_cursor}`);
    const ids = [...first.body.items, ...second.body.items].map((e: Event) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
  });

  it('GET /audit-events with a cursor past every id (even past a 32-bit id) pages from the newest event, not a 500', async () => {
    // Found by the fuzzer: on Postgres the id column is 32-bit, and a cursor of 2^31 failed the comparison.
    const newest = await t.http().get('/audit-events?limit=3').expect(200);
    for (const key of ['2147483647', '2147483648', '999999999999999']) {
      const cursor = Buffer.from(`v1:${key}`).toString('base64url');
      const res = await t.http().get(`/audit-events?limit=3&cursor=${cursor}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(newest.body.items);
    }
  });
});
