import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, TestApp } from './helpers/test-app';

const PROBLEM = /^application\/problem\+json/;

describe('hostile input → clear problem+json, never a 500, nothing changed', () => {
  let t: TestApp;
  let account: string;
  beforeAll(async () => {
    t = await createTestApp();
    account = await openAccount(t, '100.00');
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    // Every request in this file is refused: the account never changes.
    await expect(balanceAndLedger(t, account)).resolves.toEqual({ balance: 10000n, ledger: 10000n, rows: 1 });
  });

  it.each([
    ['negative', '-5.00'],
    ['zero', '0'],
    ['zero number', 0],
    ['three decimals', '1.001'],
    ['NaN', 'NaN'],
    ['exponent', '1e3'],
    ['leading space', ' 5'],
    ['plus sign', '+5'],
    ['trailing dot', '5.'],
    ['25 digits', '1234567890123456789012345'],
    ['25-digit number', 1e24],
    ['number with 3 decimals', 1.005],
    ['boolean', true],
    ['object', { value: 1 }],
    ['array', ['1.00']],
    ['null', null],
    ['empty string', ''],
    ['over MAX_TRANSACTION_AMOUNT', '1000000.01'],
  ])('amount %s → 400 VALIDATION_FAILED naming the field', async (_name, amount) => {
    const res = await t.http().post(`/accounts/${account}/withdraw`).send({ amount });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Validation failed' });
    expect(res.body.type).toMatch(/\/problems\/validation-failed$/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'amount' })]));
  });

  it('accepts exactly MAX_TRANSACTION_AMOUNT as far as validation goes', async () => {
    const res = await t.http().post(`/accounts/${account}/withdraw`).send({ amount: '1000000.00' });
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
  });

  it.each(['a b', 'x'.repeat(35), 'ü', 'a.b', '%00', "1'--"])('bad account number %p in the path → 400, not 404', async (number) => {
    const res = await t.http().get(`/accounts/${encodeURIComponent(number)}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('unknown and prototype-polluting fields → 400', async () => {
    for (const body of [
      '{"amount":"1.00","extra":1}',
      '{"amount":"1.00","__proto__":{"admin":true}}',
      '{"amount":"1.00","constructor":{"prototype":{"x":1}}}',
    ]) {
      const res = await t.http().post(`/accounts/${account}/deposit`).set('content-type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('malformed JSON → 400 MALFORMED_JSON without errors[]', async () => {
    for (const body of ['{"amount":', 'not json', '"just a string"', '{"amount": 1,}']) {
      const res = await t.http().post(`/accounts/${account}/deposit`).set('content-type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('MALFORMED_JSON');
      expect(res.body.errors).toBeUndefined();
    }
  });

  it('a JSON array body → 400 VALIDATION_FAILED', async () => {
    const res = await t.http().post(`/accounts/${account}/deposit`).set('content-type', 'application/json').send('[{"amount":"1.00"}]');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('a body over 16 KiB → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t
      .http()
      .post(`/accounts/${account}/deposit`)
      .send({ amount: '1.00', reference: 'x'.repeat(17 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a non-JSON body → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.http().post(`/accounts/${account}/deposit`).set('content-type', type).send('amount=1.00');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const patch = await t.http().patch(`/accounts/${account}`).set('content-type', 'text/plain').send('frozen');
    expect(patch.status).toBe(415);
  });

  it('unknown routes → 404 NOT_FOUND problem; a wrong method on a known path → 405 (strict-http.e2e-spec.ts)', async () => {
    for (const res of [await t.http().get('/nope'), await t.http().post('/accounts/x/y/z')]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const wrongMethod = await t.http().delete(`/accounts/${account}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('echoes the client X-Request-Id, or makes one', async () => {
    const mine = await t.http().get(`/accounts/${account}`).set('X-Request-Id', 'teller-7-abc');
    expect(mine.headers['x-request-id']).toBe('teller-7-abc');
    const made = await t.http().get(`/accounts/${account}`);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await t.http().get(`/accounts/${account}`).set('X-Request-Id', 'x'.repeat(300));
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers, refusals included, are never cacheable and carry no ETag', async () => {
    const read = await t.http().get(`/accounts/${account}/balance`);
    const refused = await t.http().get('/accounts/0000/balance');
    const overdrawn = await t.http().post(`/accounts/${account}/withdraw`).send({ amount: '5000.00' });
    for (const res of [read, refused, overdrawn]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.etag).toBeUndefined();
    }
    expect([read.status, refused.status, overdrawn.status]).toEqual([200, 404, 422]);
  });

  it('a too-large amount says so', async () => {
    for (const amount of ['1234567890123456789012345', 1e24]) {
      const res = await t.http().post(`/accounts/${account}/withdraw`).send({ amount });
      expect(res.body.errors).toEqual([{ field: 'amount', message: expect.stringMatching(/^amount is too large/) }]);
    }
  });

  it.each(['nul\u0000byte', 'line\nbreak', 'tab\there', 'del\u007f'])(
    'control characters in free text (%j) → 400, never stored',
    async (text) => {
      // Postgres cannot store NUL in text: this was a 500 there.
      const ref = await t.http().post(`/accounts/${account}/deposit`).send({ amount: '1.00', reference: text });
      expect(ref.status).toBe(400);
      expect(ref.body.errors).toEqual([{ field: 'reference', message: expect.stringContaining('control characters') }]);
      const transfer = await t
        .http()
        .post('/transfers')
        .send({ from_account: account, to_account: account, amount: '1.00', reference: text });
      expect(transfer.body.errors[0].field).toBe('reference');
      const holder = await t.http().patch(`/accounts/${account}`).send({ holder_name: text });
      expect(holder.body.errors[0].field).toBe('holder_name');
      const opened = await t.http().post('/accounts').send({ holder_name: text });
      expect(opened.body.errors[0].field).toBe('holder_name');
      const machine = await t
        .http()
        .post('/machines')
        .send({
          machine_id: 'never-created',
          name: text,
          location: text,
          cassettes: [{ denomination: '1.00', kind: 'coin', count: 1, capacity: 1 }],
        });
      expect(machine.body.errors.map((e: { field: string }) => e.field)).toEqual(['name', 'location']);
      expect((await t.http().get('/machines/never-created')).status).toBe(404);
      const renamed = await t.http().patch('/machines/atm-001').send({ name: text, location: text });
      expect(renamed.body.errors.map((e: { field: string }) => e.field)).toEqual(['name', 'location']);
    },
  );

  it('over-long reference and holder name → 400', async () => {
    const ref = await t
      .http()
      .post(`/accounts/${account}/deposit`)
      .send({ amount: '1.00', reference: 'r'.repeat(141) });
    expect(ref.body.errors[0].field).toBe('reference');
    const name = await t
      .http()
      .patch(`/accounts/${account}`)
      .send({ holder_name: 'n'.repeat(201) });
    expect(name.body.errors[0].field).toBe('holder_name');
  });
});
