// Authentication (API.md v1.2): 401 before everything, then 403, then the
// existing order; hostile credentials are 401, never a 5xx; an unknown route
// tells nothing to a caller without a key.
import { balanceAndLedger, openAccount } from './helpers/bank';
import { makeClient } from './helpers/clients';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from './helpers/test-app';

const expect401 = (res: { status: number; headers: Record<string, string>; body: unknown }) => {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer');
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
};

describe('authentication', () => {
  let t: TestApp;
  let account: string;
  let auditor: string;

  beforeAll(async () => {
    t = await createTestApp();
    account = await openAccount(t, '50.00');
    auditor = (await makeClient(t, 'auditor')).key;
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    await expect(balanceAndLedger(t, account)).resolves.toMatchObject({ balance: 5000n, ledger: 5000n, rows: 1 });
  });

  describe('precedence: 401 → 403 → 413/415 → 400 → 404', () => {
    it('no key + malformed JSON → 401, the body never read', async () => {
      expect401(await t.http(null).post(`/accounts/${account}/deposit`).set('content-type', 'application/json').send('{"amount":'));
    });

    it('no key + unknown account → 401, not 404', async () => {
      expect401(await t.http(null).get('/accounts/no-such-account/balance'));
      expect401(await t.http(null).post('/accounts/no-such-account/withdraw').send({ amount: '1.00' }));
    });

    it('no key + a body over 16 KiB → 401, not 413; no key + text/plain → 401, not 415', async () => {
      expect401(
        await t
          .http(null)
          .post(`/accounts/${account}/deposit`)
          .send({ amount: '1.00', reference: 'x'.repeat(20_000) }),
      );
      expect401(await t.http(null).post(`/accounts/${account}/deposit`).set('content-type', 'text/plain').send('amount=1'));
    });

    it('wrong role + bad body → 403; + malformed JSON, 415 or 413 → 403 too', async () => {
      const deposit = () => t.http(auditor).post(`/accounts/${account}/deposit`);
      for (const res of [
        await deposit().send({ amount: 'lots' }),
        await deposit().set('content-type', 'application/json').send('{"amount":'),
        await deposit().set('content-type', 'text/plain').send('amount=1'),
        await deposit().send({ reference: 'x'.repeat(20_000) }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      }
    });

    it('allowed role + bad body → 400 as before', async () => {
      const res = await t.http().post(`/accounts/${account}/deposit`).send({ amount: 'lots' });
      expect(res.status).toBe(400);
    });

    it('an unknown route is 401 without a key and 404 with one', async () => {
      expect401(await t.http(null).get('/no/such/route'));
      expect401(await t.http(null).post('/no/such/route').send({}));
      await expect(t.http().get('/no/such/route')).resolves.toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    });
  });

  describe('open routes need no key', () => {
    it.each(['/healthz', '/healthz/live', '/docs-json', '/docs', '/docs/'])('GET %s', async (path) => {
      const res = await t.http(null).get(path);
      expect(res.status).toBeLessThan(400);
    });
  });

  describe('hostile credentials: 401, never a 5xx', () => {
    const other = `atmk_${Buffer.alloc(24, 7).toString('base64url')}`;
    it.each([
      ['an empty header', ''],
      ['a bare scheme', 'Bearer'],
      ['a scheme and a space', 'Bearer '],
      ['Basic credentials', `Basic ${Buffer.from(`admin:${TEST_ADMIN_KEY}`).toString('base64')}`],
      ['the admin key without a scheme', TEST_ADMIN_KEY],
      ['a 10 KB key', `Bearer ${'k'.repeat(10_240)}`],
      ['a non-ASCII key', `Bearer ${TEST_ADMIN_KEY.slice(0, -1)}é`],
      ['a key of another deployment', `Bearer ${other}`],
      ['the admin key with one character changed', `Bearer ${TEST_ADMIN_KEY.slice(0, -1)}X`],
      ['the admin key with a trailing space inside', `Bearer ${TEST_ADMIN_KEY} x`],
      ['a demo key the server never seeded', 'Bearer demo-admin-key'],
    ])('%s', async (_name, header) => {
      expect401(await t.http(null).get(`/accounts/${account}/balance`).set('Authorization', header));
      expect401(await t.http(null).post(`/accounts/${account}/withdraw`).set('Authorization', header).send({ amount: '1.00' }));
    });

    it.each(['api_key', 'access_token', 'key'])('a valid key in the query string (%s) → 401', async (name) => {
      expect401(await t.http(null).get(`/accounts/${account}/balance?${name}=${TEST_ADMIN_KEY}`));
      expect401(await t.http(null).post(`/accounts/${account}/withdraw?${name}=${TEST_ADMIN_KEY}`).send({ amount: '1.00' }));
    });

    it('the scheme is case-insensitive (RFC 7235)', async () => {
      const res = await t.http(null).get(`/accounts/${account}/balance`).set('Authorization', `bearer ${TEST_ADMIN_KEY}`);
      expect(res.status).toBe(200);
    });
  });
});

describe('ADMIN_API_KEY', () => {
  it('shorter than 32 characters stops the boot, naming the variable (and never printing the key)', async () => {
    const attempt = createTestApp({ ADMIN_API_KEY: 'short-key-123' });
    await expect(attempt).rejects.toThrow(/ADMIN_API_KEY/);
    await expect(attempt).rejects.not.toThrow(/short-key-123/);
  });

  it('unset: there is no built-in admin', async () => {
    const t = await createTestApp({ ADMIN_API_KEY: '' });
    try {
      expect401(await t.http().get('/machines'));
    } finally {
      await t.close();
    }
  });
});
