// Strict input (API.md v1.2): bodies the JSON parser used to accept (duplicate
// keys, invalid UTF-8, lone surrogates), bodies that crashed validation (deep
// nesting), and text the database counted differently from validation.
import { ClientsService } from '../src/clients/clients.service';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, param, TestApp, uniqueAccountNumber } from './helpers/test-app';

const PROBLEM = /^application\/problem\+json/;
const selectors = (pairs: number) => 'a\ufe0f'.repeat(pairs);

describe('strict input: JSON bodies and free text', () => {
  let t: TestApp;
  let account: string;
  beforeAll(async () => {
    t = await createTestApp();
    account = await openAccount(t, '100.00');
  });
  afterAll(async () => {
    await t.close();
  });

  // serialize: the bytes as given (superagent would JSON-encode a Buffer).
  const deposit = (raw: string | Buffer, type = 'application/json') =>
    t
      .http()
      .post(`/accounts/${account}/deposit`)
      .set('content-type', type)
      .serialize((body: unknown) => body as string)
      .send(raw);

  async function expectRefused(res: { status: number; headers: Record<string, string>; body: { code?: string } }, status = 400) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    await expect(balanceAndLedger(t, account)).resolves.toEqual({ balance: 10000n, ledger: 10000n, rows: 1 });
  }

  it('a reference of 71 "a" + U+FE0F pairs (142 code points) → 400 naming it, not a database error', async () => {
    const res = await t
      .http()
      .post(`/accounts/${account}/deposit`)
      .send({ amount: '1.00', reference: selectors(71) });
    await expectRefused(res);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'reference' })]);
  });

  it('a reference of exactly 140 code points with variation selectors is stored whole', async () => {
    const other = await openAccount(t, '0.00');
    const res = await t
      .http()
      .post(`/accounts/${other}/deposit`)
      .send({ amount: '1.00', reference: selectors(70) });
    expect(res.status).toBe(200);
    const [row] = await t.sql<{ reference: string }>(`SELECT reference FROM ledger_entries WHERE id = ${param(1)}`, [
      res.body.transaction_id,
    ]);
    expect(row.reference).toBe(selectors(70));
  });

  it.each([
    ['holder_name', 101],
    ['holder_name', 200],
  ])('%s of %i selector pairs (over 200 code points) → 400 on open and on change', async (field, pairs) => {
    const opened = await t
      .http()
      .post('/accounts')
      .send({ account_number: uniqueAccountNumber(), [field]: selectors(pairs) });
    expect(opened.status).toBe(400);
    expect(opened.body.errors).toEqual([expect.objectContaining({ field })]);
    const changed = await t
      .http()
      .patch(`/accounts/${account}`)
      .send({ [field]: selectors(pairs) });
    expect(changed.status).toBe(400);
  });

  it.each(['name', 'location'])('machine %s of 101 selector pairs → 400', async (field) => {
    const res = await t
      .http()
      .post('/machines')
      .send({
        machine_id: `m${Date.now()}`,
        [field]: selectors(101),
        cassettes: [{ denomination: '20.00', kind: 'bill', count: 1, capacity: 10 }],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('a client name of 101 selector pairs → 400 naming it; 100 pairs (200 code points) are stored whole', async () => {
    const refused = await t
      .http()
      .post('/clients')
      .send({ name: selectors(101), role: 'teller' });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    const made = await t
      .http()
      .post('/clients')
      .send({ name: selectors(100), role: 'teller' });
    expect(made.status).toBe(201);
    const [row] = await t.sql<{ name: string }>(`SELECT name FROM api_clients WHERE id = ${param(1)}`, [made.body.id]);
    expect(row.name).toBe(selectors(100));
  });

  it.each([
    ['101 selector pairs', selectors(101)],
    ['a NUL', 'desk\u00001'],
    ['nothing', ''],
  ])('the operator command (ClientsService.create) refuses a name of %s, writing nothing', async (_, name) => {
    const before = await t.sql<{ n: unknown }>('SELECT COUNT(*) AS n FROM api_clients');
    await expect(t.app.get(ClientsService).create({ name, role: 'teller' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await t.sql<{ n: unknown }>('SELECT COUNT(*) AS n FROM api_clients')).toEqual(before);
  });

  it('1,313 nested arrays → 400 VALIDATION_FAILED, not a stack overflow', async () => {
    const res = await deposit(`{"amount":"1.00","reference":${'['.repeat(1313)}${']'.repeat(1313)}}`);
    await expectRefused(res);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('objects nested 2,371 deep → 400 VALIDATION_FAILED', async () => {
    const res = await deposit(`${'{"a":'.repeat(2371)}1${'}'.repeat(2371)}`);
    await expectRefused(res);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('nesting 33 deep → 400; 32 deep is parsed (and then refused as an unknown field)', async () => {
    const nested = (depth: number) => `{"amount":"1.00","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const deep = await deposit(nested(33));
    await expectRefused(deep);
    expect(deep.body.detail).toMatch(/deeper than 32/);
    const allowed = await deposit(nested(32));
    expect(allowed.status).toBe(400);
    expect(allowed.body.detail).not.toMatch(/deeper than/);
  });

  it('a duplicate key → 400 naming it (not "last one wins")', async () => {
    const res = await deposit('{"amount":"1.00","amount":"900.00"}');
    await expectRefused(res);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'amount', message: 'appears twice in one object' }] });
  });

  it('the same key spelled with an escape is a duplicate too', async () => {
    await expectRefused(await deposit('{"amount":"1.00","\\u0061mount":"2.00"}'));
  });

  it('invalid UTF-8 bytes → 400, nothing stored', async () => {
    const res = await deposit(
      Buffer.concat([Buffer.from('{"amount":"1.00","reference":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    );
    await expectRefused(res);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('a lone surrogate in a value → 400 naming the field', async () => {
    const res = await deposit('{"amount":"1.00","reference":"x\\ud800y"}');
    await expectRefused(res);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'reference' })]);
  });

  it('a surrogate pair (an emoji) is text like any other', async () => {
    const other = await openAccount(t, '0.00');
    const res = await t.http().post(`/accounts/${other}/deposit`).send({ amount: '1.00', reference: 'tip \ud83d\ude00' });
    expect(res.status).toBe(200);
  });

  it.each(['utf-16', 'iso-8859-1', 'utf-16le'])('charset=%s → 415', async (charset) => {
    const res = await deposit('{"amount":"1.00"}', `application/json; charset=${charset}`);
    await expectRefused(res, 415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('charset=UTF-8 is accepted', async () => {
    const other = await openAccount(t, '0.00');
    const res = await t
      .http()
      .post(`/accounts/${other}/deposit`)
      .set('content-type', 'application/json; charset=UTF-8')
      .send('{"amount":"1.00"}');
    expect(res.status).toBe(200);
  });
});
