// The clients API (API.md v1.2): keys shown once and stored only as a hash,
// rotation and revocation, idempotency keys scoped per client.
import { createHash } from 'node:crypto';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { makeClient } from './helpers/clients';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, param, TestApp } from './helpers/test-app';

describe('clients', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('POST /clients answers the client and its key once; only the key’s SHA-256 is stored', async () => {
    const res = await t.http().post('/clients').send({ name: 'Desk 7', role: 'teller' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cl_[0-9a-f]{16}$/),
      name: 'Desk 7',
      role: 'teller',
      machine_id: null,
      created_at: expect.stringMatching(/Z$/),
      revoked_at: null,
      api_key: expect.stringMatching(/^atmk_[A-Za-z0-9_-]{32}$/),
    });
    const key = res.body.api_key as string;
    const [row] = await t.sql<{ key_hash: string }>(`SELECT key_hash FROM api_clients WHERE id = ${param(1)}`, [res.body.id]);
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    const shown = JSON.stringify([(await t.http().get(`/clients/${res.body.id}`)).body, (await t.http().get('/clients?limit=200')).body]);
    expect(shown).not.toContain(key);
    expect(shown).not.toContain(row.key_hash);
    expect(shown).not.toContain('api_key');
    await expect(t.http(key).get('/accounts/nobody/balance')).resolves.toMatchObject({ status: 404 });
  });

  it('an atm client needs a machine that exists; other roles take none', async () => {
    const machine = await createMachine(t, [bill('20.00', 5)]);
    await expect(t.http().post('/clients').send({ name: 'ATM', role: 'atm' })).resolves.toMatchObject({ status: 400 });
    await expect(t.http().post('/clients').send({ name: 'ATM', role: 'atm', machine_id: 'no-such-machine' })).resolves.toMatchObject({
      status: 404,
      body: { code: 'MACHINE_NOT_FOUND' },
    });
    await expect(t.http().post('/clients').send({ name: 'x', role: 'teller', machine_id: machine })).resolves.toMatchObject({
      status: 400,
    });
    await expect(t.http().post('/clients').send({ name: 'x', role: 'root' })).resolves.toMatchObject({ status: 400 });
    await expect(t.http().post('/clients').send({ name: '', role: 'teller' })).resolves.toMatchObject({ status: 400 });
    const res = await t.http().post('/clients').send({ name: 'ATM', role: 'atm', machine_id: machine });
    expect(res.body).toMatchObject({ role: 'atm', machine_id: machine });
  });

  it('rotate: a new key at once, the old one refused; revoke: refused, final', async () => {
    const client = await makeClient(t, 'auditor');
    await expect(t.http(client.key).get('/machines')).resolves.toMatchObject({ status: 200 });
    const rotated = await t.http().post(`/clients/${client.id}/rotate`).send({});
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.api_key as string;
    expect(fresh).not.toBe(client.key);
    await expect(t.http(client.key).get('/machines')).resolves.toMatchObject({ status: 401 });
    await expect(t.http(fresh).get('/machines')).resolves.toMatchObject({ status: 200 });
    const revoked = await t.http().post(`/clients/${client.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: client.id, revoked_at: expect.stringMatching(/Z$/) });
    expect(revoked.body.api_key).toBeUndefined();
    await expect(t.http(fresh).get('/machines')).resolves.toMatchObject({ status: 401 });
    for (const action of ['rotate', 'revoke']) {
      await expect(t.http().post(`/clients/${client.id}/${action}`).send({})).resolves.toMatchObject({
        status: 409,
        body: { code: 'CLIENT_REVOKED' },
      });
    }
    await expect(t.http().get(`/clients/${client.id}`)).resolves.toMatchObject({
      status: 200,
      body: { revoked_at: revoked.body.revoked_at },
    });
  });

  it('unknown clients are 404 CLIENT_NOT_FOUND; a bad id is 400', async () => {
    for (const res of [
      await t.http().get('/clients/cl_0000000000000000'),
      await t.http().post('/clients/cl_0000000000000000/rotate').send({}),
      await t.http().post('/clients/cl_0000000000000000/revoke').send({}),
    ]) {
      expect(res).toMatchObject({ status: 404, body: { code: 'CLIENT_NOT_FOUND' } });
    }
    await expect(t.http().get('/clients/bad%20id')).resolves.toMatchObject({ status: 400 });
    await expect(t.http().post('/clients/cl_0000000000000000/rotate').send({ force: true })).resolves.toMatchObject({ status: 400 });
  });

  it('GET /clients pages newest first without gaps or repeats', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await makeClient(t, 'teller')).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; next_cursor: string | null } } = await t
        .http()
        .get(`/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => made.includes(id))).toEqual([...made].reverse());
  });

  it('a replayed POST /clients does not show the key again and makes no second client', async () => {
    const key = `mk-${process.pid}-${Date.now()}`;
    const first = await t.http().post('/clients').set('Idempotency-Key', key).send({ name: 'once', role: 'teller' });
    const again = await t.http().post('/clients').set('Idempotency-Key', key).send({ name: 'once', role: 'teller' });
    expect(first.body.api_key).toMatch(/^atmk_/);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, api_key: undefined });
    expect(JSON.stringify(again.body)).not.toContain(first.body.api_key as string);
  });

  describe('Idempotency-Key is scoped per client', () => {
    it('the same key from two clients applies twice; from one client, once', async () => {
      const account = await openAccount(t);
      const [a, b] = [await makeClient(t, 'teller'), await makeClient(t, 'teller')];
      const key = `shared-${process.pid}-${Date.now()}`;
      const deposit = (client: string) =>
        t.http(client).post(`/accounts/${account}/deposit`).set('Idempotency-Key', key).send({ amount: '1.00' });
      const first = await deposit(a.key);
      const second = await deposit(b.key);
      const replay = await deposit(a.key);
      expect([first.status, second.status, replay.status]).toEqual([200, 200, 200]);
      expect(second.body.transaction_id).not.toBe(first.body.transaction_id);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      await expect(balanceAndLedger(t, account)).resolves.toMatchObject({ balance: 200n, ledger: 200n, rows: 2 });
    });
  });
});
