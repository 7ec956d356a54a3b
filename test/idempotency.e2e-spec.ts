import { randomUUID } from 'node:crypto';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, isPostgres, param, TestApp } from './helpers/test-app';

const KEY = 'Idempotency-Key';
const newKey = () => `k-${randomUUID()}`;

describe('Idempotency-Key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ IDEMPOTENCY_TTL_SECONDS: '60' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: object, key?: string | string[]) => {
    const req = t.http().post(path);
    // superagent sends an array as repeated header lines (the "sent twice" case).
    if (key !== undefined) req.set(KEY, key as string);
    return req.send(body);
  };
  const backdateKey = (key: string, seconds: number) =>
    t.sql(`UPDATE idempotency_keys SET created_at = ${param(1)} WHERE idempotency_key = ${param(2)}`, [
      new Date(Date.now() - seconds * 1000).toISOString(),
      key,
    ]);

  describe('replay', () => {
    it('returns the stored status, body and content type with Idempotent-Replayed, applying once', async () => {
      const n = await openAccount(t, '100.00');
      const key = newKey();
      const first = await post(`/accounts/${n}/deposit`, { amount: '10.50' }, key);
      expect(first.status).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await post(`/accounts/${n}/deposit`, { amount: '10.50' }, key);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.text).toBe(first.text);
      expect(again.body.transaction_id).toBe(first.body.transaction_id);
      await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 11050n, ledger: 11050n, rows: 2 });
    });

    it('replays a 201 (account opening, generated number) and a transfer', async () => {
      const key = newKey();
      const opened = await post('/accounts', { initial_deposit: '5.00' }, key);
      expect(opened.status).toBe(201);
      const reopened = await post('/accounts', { initial_deposit: '5.00' }, key);
      expect(reopened.status).toBe(201);
      expect(reopened.headers['idempotent-replayed']).toBe('true');
      expect(reopened.body).toEqual(opened.body);
      const to = await openAccount(t);
      const body = { from_account: opened.body.account_number, to_account: to, amount: '2.00' };
      const transferKey = newKey();
      const moved = await post('/transfers', body, transferKey);
      const replayed = await post('/transfers', body, transferKey);
      expect([moved.status, replayed.status]).toEqual([201, 201]);
      expect(replayed.body).toEqual(moved.body);
      await expect(balanceAndLedger(t, opened.body.account_number)).resolves.toMatchObject({ balance: 300n, rows: 2 });
    });

    it('treats the quoted form as the bare key, and body key order as irrelevant', async () => {
      const n = await openAccount(t, '100.00');
      const key = newKey();
      const first = await post(`/accounts/${n}/withdraw`, { amount: '1.00', reference: 'r' }, `"${key}"`);
      const again = await post(`/accounts/${n}/withdraw`, { reference: 'r', amount: '1.00' }, key);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 9900n, rows: 2 });
    });

    it('replays the stored success even when the request would now be refused', async () => {
      const n = await openAccount(t, '10.00');
      const key = newKey();
      const spent = await post(`/accounts/${n}/withdraw`, { amount: '10.00' }, key);
      expect(spent.status).toBe(200);
      const again = await post(`/accounts/${n}/withdraw`, { amount: '10.00' }, key);
      expect([again.status, again.headers['idempotent-replayed'], again.text]).toEqual([200, 'true', spent.text]);
      expect((await t.http().patch(`/accounts/${n}`).send({ status: 'frozen' })).status).toBe(200);
      const frozen = await post(`/accounts/${n}/withdraw`, { amount: '10.00' }, key);
      expect([frozen.status, frozen.text]).toEqual([200, spent.text]);
      const number = `idem${Date.now().toString(36)}${process.pid}`;
      const openKey = newKey();
      const opened = await post('/accounts', { account_number: number }, openKey);
      const reopened = await post('/accounts', { account_number: number }, openKey);
      expect([reopened.status, reopened.headers['idempotent-replayed'], reopened.text]).toEqual([201, 'true', opened.text]);
      await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 0n, ledger: 0n, rows: 2 });
    });

    it('leaves requests without a key, and non-POST requests, alone', async () => {
      const n = await openAccount(t, '0.00');
      await post(`/accounts/${n}/deposit`, { amount: 1 });
      const second = await post(`/accounts/${n}/deposit`, { amount: 1 });
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      const key = newKey();
      const patch = () => t.http().patch(`/accounts/${n}`).set(KEY, key).send({ holder_name: 'A' });
      expect((await patch()).headers['idempotent-replayed']).toBeUndefined();
      expect((await patch()).headers['idempotent-replayed']).toBeUndefined();
      await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 200n, rows: 2 });
    });
  });

  describe('a key names one request', () => {
    it('refuses the same key with a different body or path with 422 IDEMPOTENCY_KEY_REUSED, changing nothing', async () => {
      const n = await openAccount(t, '100.00');
      const key = newKey();
      expect((await post(`/accounts/${n}/deposit`, { amount: '10.00' }, key)).status).toBe(200);
      const otherBody = await post(`/accounts/${n}/deposit`, { amount: '10.01' }, key);
      expect(otherBody.status).toBe(422);
      expect(otherBody.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(otherBody.headers['content-type']).toMatch(/^application\/problem\+json/);
      const otherPath = await post(`/accounts/${n}/withdraw`, { amount: '10.00' }, key);
      expect(otherPath.status).toBe(422);
      expect(otherPath.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 11000n, ledger: 11000n, rows: 2 });
    });

    it('answers KEY_REUSED before validating the other body, and before its business refusal', async () => {
      const n = await openAccount(t, '5.00');
      const key = newKey();
      expect((await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key)).status).toBe(200);
      const invalid = await post(`/accounts/${n}/deposit`, { amount: 'lots' }, key);
      expect([invalid.status, invalid.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      const refused = await post(`/accounts/${n}/withdraw`, { amount: '99.00' }, key);
      expect([refused.status, refused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 600n, ledger: 600n, rows: 2 });
    });
  });

  describe('what is stored', () => {
    it('stores a business refusal: INSUFFICIENT_FUNDS replays even once funds arrive', async () => {
      const n = await openAccount(t, '5.00');
      const key = newKey();
      const refused = await post(`/accounts/${n}/withdraw`, { amount: '50.00' }, key);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');
      await post(`/accounts/${n}/deposit`, { amount: '100.00' });
      const retried = await post(`/accounts/${n}/withdraw`, { amount: '50.00' }, key);
      expect(retried.status).toBe(422);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.headers['content-type']).toBe(refused.headers['content-type']);
      expect(retried.text).toBe(refused.text);
      await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 10500n, ledger: 10500n, rows: 2 });
    });

    it('stores a 404 refusal: the account opened later does not receive the retried deposit', async () => {
      const number = `idem404${Date.now().toString(36)}${process.pid}`;
      const key = newKey();
      const missing = await post(`/accounts/${number}/deposit`, { amount: '1.00' }, key);
      expect(missing.status).toBe(404);
      expect((await post('/accounts', { account_number: number })).status).toBe(201);
      const retried = await post(`/accounts/${number}/deposit`, { amount: '1.00' }, key);
      expect(retried.status).toBe(404);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      await expect(balanceAndLedger(t, number)).resolves.toMatchObject({ balance: 0n, rows: 0 });
    });

    it('does not store a 400: the retry with a valid body proceeds', async () => {
      const n = await openAccount(t, '0.00');
      const key = newKey();
      const invalid = await post(`/accounts/${n}/deposit`, { amount: 'ten' }, key);
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe('VALIDATION_FAILED');
      const valid = await post(`/accounts/${n}/deposit`, { amount: '10.00' }, key);
      expect(valid.status).toBe(200);
      expect(valid.headers['idempotent-replayed']).toBeUndefined();
      const malformed = await t
        .http()
        .post(`/accounts/${n}/deposit`)
        .set(KEY, newKey())
        .set('content-type', 'application/json')
        .send('{"amount":');
      expect(malformed.status).toBe(400);
      await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 1000n, rows: 1 });
    });
  });

  describe('a 5xx', () => {
    // A trigger that fails ledger inserts for one account: a server error in mid-request.
    const failLedgerFor = async (account: string, on: boolean) => {
      const name = `idem_fail_${account.replace(/[^a-z0-9]/gi, '_')}`;
      if (isPostgres()) {
        if (!on) {
          await t.sql(`DROP TRIGGER ${name} ON ledger_entries`);
          await t.sql(`DROP FUNCTION ${name}()`);
          return;
        }
        await t.sql(
          `CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF NEW.account_number = '${account}' THEN RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
        );
        await t.sql(`CREATE TRIGGER ${name} BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ${name}()`);
      } else if (on) {
        await t.sql(
          `CREATE TRIGGER ${name} BEFORE INSERT ON ledger_entries WHEN NEW.account_number = '${account}' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
        );
      } else {
        await t.sql(`DROP TRIGGER ${name}`);
      }
    };

    it('is not stored: nothing was applied, and the retry proceeds', async () => {
      const n = await openAccount(t, '0.00');
      const key = newKey();
      await failLedgerFor(n, true);
      const failed = await Promise.resolve(post(`/accounts/${n}/deposit`, { amount: '3.00' }, key)).finally(() => failLedgerFor(n, false));
      expect([failed.status, failed.body.code]).toEqual([500, 'INTERNAL_ERROR']);
      const retried = await post(`/accounts/${n}/deposit`, { amount: '3.00' }, key);
      expect([retried.status, retried.headers['idempotent-replayed']]).toEqual([200, undefined]);
      await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 300n, ledger: 300n, rows: 1 });
    });
  });

  describe('expiry', () => {
    it('forgets a key older than IDEMPOTENCY_TTL_SECONDS: the same or another request is applied anew', async () => {
      const n = await openAccount(t, '0.00');
      const key = newKey();
      const first = await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key);
      await backdateKey(key, 50);
      expect((await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key)).headers['idempotent-replayed']).toBe('true');
      await backdateKey(key, 61);
      const anew = await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key);
      expect(anew.status).toBe(200);
      expect(anew.headers['idempotent-replayed']).toBeUndefined();
      expect(anew.body.transaction_id).not.toBe(first.body.transaction_id);
      await backdateKey(key, 61);
      expect((await post(`/accounts/${n}/deposit`, { amount: '2.00' }, key)).status).toBe(200);
      expect((await post(`/accounts/${n}/deposit`, { amount: '2.00' }, key)).headers['idempotent-replayed']).toBe('true');
      await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 400n, rows: 3 });
    });
  });

  describe('bad keys', () => {
    it.each([
      ['empty', '', 'must not be empty'],
      ['256 characters', 'x'.repeat(256), 'at most 255'],
      ['non-ASCII', 'cl\u00e9', 'visible ASCII'],
      ['a tab inside', 'a\tb', 'visible ASCII'],
      ['an unterminated quote', '"abc', 'quoted string'],
      ['sent twice', [newKey(), newKey()], 'sent once'],
    ])('refuses %s with 400 VALIDATION_FAILED and applies nothing', async (_name, key, message) => {
      const n = await openAccount(t, '0.00');
      const res = await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: KEY, message: expect.stringContaining(message) }]);
      await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 0n, rows: 0 });
    });

    it('accepts 255 visible ASCII characters', async () => {
      const n = await openAccount(t, '0.00');
      const key = `${randomUUID()}!~"`.padEnd(255, 'z');
      expect((await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key)).status).toBe(200);
      expect((await post(`/accounts/${n}/deposit`, { amount: '1.00' }, key)).headers['idempotent-replayed']).toBe('true');
    });
  });

  describe('OpenAPI', () => {
    it('documents the header on every POST, and the 409/422 idempotency codes', async () => {
      const doc = (await t.http().get('/docs-json')).body;
      type Operation = {
        parameters: Array<{ name: string; in: string; required?: boolean }>;
        responses: Record<string, { description: string }>;
      };
      const posts = Object.entries(doc.paths as Record<string, { post?: Operation }>).filter(([, item]) => item.post);
      expect(posts.length).toBeGreaterThanOrEqual(5);
      for (const [path, { post: op }] of posts) {
        const header = op!.parameters.find((p) => p.in === 'header' && p.name === KEY);
        expect({ path, header: header?.required }).toEqual({ path, header: false });
        expect({ path, d: op!.responses['409'].description }).toEqual({ path, d: expect.stringContaining('IDEMPOTENCY_IN_PROGRESS') });
        expect({ path, d: op!.responses['422'].description }).toEqual({ path, d: expect.stringContaining('IDEMPOTENCY_KEY_REUSED') });
      }
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string }> }>>)) {
        for (const method of ['get', 'patch'].filter((m) => item[m])) {
          expect({ path, method, keyed: (item[method].parameters ?? []).some((p) => p.name === KEY) }).toMatchObject({ keyed: false });
        }
      }
    });
  });
});
