// Keyed deposits and withdrawals (issue 16): the posting writes the
// Idempotency-Key with the ledger row, and a replay is rebuilt from that row.
// What a client sees must be exactly what the stored-body path gave it.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { makeClient } from './helpers/clients';
import { createTestApp, isPostgres, listeningPort, param, TestApp } from './helpers/test-app';

const KEY = 'Idempotency-Key';

interface KeyRow {
  status: unknown;
  body: string | null;
  ledger_entry_id: unknown;
  created_at: string;
}

describe('Keyed deposits and withdrawals: the key claimed by the posting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await listeningPort(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const keyRow = async (key: string): Promise<KeyRow | undefined> =>
    (
      await t.sql<KeyRow>(`SELECT status, body, ledger_entry_id, created_at FROM idempotency_keys WHERE idempotency_key = ${param(1)}`, [
        key,
      ])
    )[0];

  it('writes the key with its ledger row and no body, and replays byte for byte after the balance moved on', async () => {
    const n = await openAccount(t, '100.00');
    const key = randomUUID();
    const first = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '30.00', reference: 'rent' });
    expect([first.status, first.headers['idempotent-replayed']]).toEqual([200, undefined]);
    expect(first.body).toEqual({ account_number: n, balance: '70.00', amount: '30.00', transaction_id: expect.any(Number) });
    const row = await keyRow(key);
    expect({ status: Number(row?.status), body: row?.body, ledger: Number(row?.ledger_entry_id) }).toEqual({
      status: 200,
      body: null,
      ledger: first.body.transaction_id,
    });

    // The key's life starts when the money moved: the ledger row's own time.
    const ledgerRow = await t.http().get(`/transactions/${first.body.transaction_id}`).expect(200);
    expect(row?.created_at).toBe(ledgerRow.body.created_at);

    await t.http().post(`/accounts/${n}/deposit`).send({ amount: '5.00' }).expect(200);
    const replay = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '30.00', reference: 'rent' });
    expect({
      status: replay.status,
      text: replay.text,
      type: replay.headers['content-type'],
      replayed: replay.headers['idempotent-replayed'],
    }).toEqual({
      status: 200,
      text: first.text,
      type: first.headers['content-type'],
      replayed: 'true',
    });
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 7500n, ledger: 7500n, rows: 3 });
  });

  it('a deposit too', async () => {
    const n = await openAccount(t, '0.00');
    const key = randomUUID();
    const first = await t.http().post(`/accounts/${n}/deposit`).set(KEY, key).send({ amount: '12.34' });
    const again = await t.http().post(`/accounts/${n}/deposit`).set(KEY, key).send({ amount: '12.34' });
    expect([first.status, again.status, again.text, again.headers['idempotent-replayed']]).toEqual([200, 200, first.text, 'true']);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 1234n, ledger: 1234n, rows: 1 });
  });

  it('the same key for another amount, account or route: 422 IDEMPOTENCY_KEY_REUSED, nothing moves', async () => {
    const n = await openAccount(t, '100.00');
    const other = await openAccount(t, '100.00');
    const key = randomUUID();
    await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' }).expect(200);
    const reused = await Promise.all([
      t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '2.00' }),
      t.http().post(`/accounts/${other}/withdraw`).set(KEY, key).send({ amount: '1.00' }),
      t.http().post(`/accounts/${n}/deposit`).set(KEY, key).send({ amount: '1.00' }),
      t.http().post('/transfers').set(KEY, key).send({ from_account: n, to_account: other, amount: '1.00' }),
    ]);
    for (const r of reused) expect([r.status, r.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 9900n, ledger: 9900n, rows: 2 });
    await expect(balanceAndLedger(t, other)).resolves.toEqual({ balance: 10000n, ledger: 10000n, rows: 1 });
  });

  it('a key first used on another route answers that route: KEY_REUSED here', async () => {
    const n = await openAccount(t, '100.00');
    const other = await openAccount(t, '0.00');
    const key = randomUUID();
    await t.http().post('/transfers').set(KEY, key).send({ from_account: n, to_account: other, amount: '1.00' }).expect(201);
    const r = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' });
    expect([r.status, r.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('the same request spelled another way (trailing slash, case, a percent-encoded digit) replays', async () => {
    const n = await openAccount(t, '100.00');
    const key = randomUUID();
    const first = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '3.00' });
    const spelled = [
      `/accounts/${n}/withdraw/`,
      `/ACCOUNTS/${n}/Withdraw`,
      `/accounts/%${n.charCodeAt(0).toString(16)}${n.slice(1)}/withdraw`,
    ];
    for (const path of spelled) {
      const again = await t.http().post(path).set(KEY, key).send({ amount: '3.00' });
      expect({ path, status: again.status, text: again.text, replayed: again.headers['idempotent-replayed'] }).toEqual({
        path,
        status: 200,
        text: first.text,
        replayed: 'true',
      });
    }
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 9700n, ledger: 9700n, rows: 2 });
  });

  it('a refusal is stored and replayed, even once the account could pay', async () => {
    const n = await openAccount(t, '1.00');
    const key = randomUUID();
    const refused = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '2.00' });
    expect([refused.status, refused.body.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    await t.http().post(`/accounts/${n}/deposit`).send({ amount: '5.00' }).expect(200);
    const again = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '2.00' });
    expect([again.status, again.text, again.headers['idempotent-replayed']]).toEqual([422, refused.text, 'true']);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 600n, ledger: 600n, rows: 2 });
    expect(await keyRow(key)).toMatchObject({ ledger_entry_id: null, body: refused.text });
  });

  it('a 404 for an unknown account is stored and replayed', async () => {
    const key = randomUUID();
    const missing = await t.http().post('/accounts/777000777/withdraw').set(KEY, key).send({ amount: '1.00' });
    const again = await t.http().post('/accounts/777000777/withdraw').set(KEY, key).send({ amount: '1.00' });
    expect([missing.status, missing.body.code, again.status, again.text, again.headers['idempotent-replayed']]).toEqual([
      404,
      'ACCOUNT_NOT_FOUND',
      404,
      missing.text,
      'true',
    ]);
  });

  it('an expired key is unknown: the request applies again and the key points at the new row', async () => {
    const n = await openAccount(t, '100.00');
    const key = randomUUID();
    const first = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '10.00' });
    // Two days old: past IDEMPOTENCY_TTL_SECONDS, and not pruned yet.
    await t.sql(`UPDATE idempotency_keys SET created_at = ${param(1)} WHERE idempotency_key = ${param(2)}`, [
      '2000-01-01T00:00:00.000Z',
      key,
    ]);
    const second = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '10.00' });
    expect([second.status, second.headers['idempotent-replayed'], second.body.balance]).toEqual([200, undefined, '80.00']);
    expect(second.body.transaction_id).not.toBe(first.body.transaction_id);
    expect(Number((await keyRow(key))?.ledger_entry_id)).toBe(second.body.transaction_id);
    const third = await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '10.00' });
    expect([third.text, third.headers['idempotent-replayed']]).toEqual([second.text, 'true']);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 8000n, ledger: 8000n, rows: 3 });
  });

  it('keys are per client: two tellers sending the same key make two withdrawals', async () => {
    const n = await openAccount(t, '100.00');
    const [one, two] = [await makeClient(t, 'teller'), await makeClient(t, 'teller')];
    const key = randomUUID();
    const a = await t.http(one.key).post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' });
    const b = await t.http(two.key).post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' });
    expect([a.status, b.status, b.headers['idempotent-replayed']]).toEqual([200, 200, undefined]);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 9800n, ledger: 9800n, rows: 3 });
  });

  it('40 concurrent withdrawals with one key: one effect; every answer the first one', async () => {
    const n = await openAccount(t, '100.00');
    const key = randomUUID();
    const responses: Response[] = await Promise.all(
      Array.from({ length: 40 }, () => t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '7.25' })),
    );
    // The duplicates wait on the account's row (or the key's) and replay: none is refused as in progress.
    for (const r of responses) expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: responses[0].text });
    expect(responses.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 9275n, ledger: 9275n, rows: 2 });
  });

  it('many keys on one account at once: each applied once, the ledger and the keys agree', async () => {
    const n = await openAccount(t, '1000.00');
    const keys = Array.from({ length: 30 }, () => randomUUID());
    const send = () => Promise.all(keys.map((key) => t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' })));
    const [first, second] = [await send(), await send()];
    expect(first.map((r) => r.status)).toEqual(keys.map(() => 200));
    expect(second.map((r) => [r.text, r.headers['idempotent-replayed']])).toEqual(first.map((r) => [r.text, 'true']));
    const ids = new Set(first.map((r) => r.body.transaction_id as number));
    expect(ids.size).toBe(30);
    for (const key of keys) expect(ids.has(Number((await keyRow(key))?.ledger_entry_id))).toBe(true);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 97000n, ledger: 97000n, rows: 31 });
  });

  (isPostgres() ? describe : describe.skip)('on Postgres', () => {
    /** Every statement the app sends while `work` runs (all pg clients share Client.prototype.query). */
    const statements = async (work: () => Promise<unknown>): Promise<string[]> => {
      const spy = jest.spyOn(Client.prototype, 'query');
      try {
        await work();
        return spy.mock.calls.map(([config]: unknown[]) => (typeof config === 'string' ? config : (config as { text: string }).text));
      } finally {
        spy.mockRestore();
      }
    };

    it('a fresh keyed withdrawal is ONE statement: no BEGIN, no COMMIT, nothing after it', async () => {
      const n = await openAccount(t, '100.00');
      // Warm: the key's verification is cached, and the statement is prepared on some connections.
      await t.http().post(`/accounts/${n}/withdraw`).set(KEY, randomUUID()).send({ amount: '1.00' }).expect(200);
      const sent = await statements(() =>
        t.http().post(`/accounts/${n}/withdraw`).set(KEY, randomUUID()).send({ amount: '1.00' }).expect(200),
      );
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^WITH existing AS \(SELECT .* FROM idempotency_keys/s);
      expect(sent[0]).toMatch(/UPDATE accounts SET/);
      expect(sent[0]).toMatch(/INSERT INTO ledger_entries/);
      expect(sent[0]).toMatch(/INSERT INTO idempotency_keys/);
    });

    it('a replay is that statement (which finds the key and moves nothing) and a read of the row', async () => {
      const n = await openAccount(t, '100.00');
      const key = randomUUID();
      await t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' }).expect(200);
      const sent = await statements(() => t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '1.00' }).expect(200));
      expect(sent).toHaveLength(2);
      expect(sent[1]).toMatch(/^SELECT account_number, amount, balance_after FROM ledger_entries WHERE id = /);
      expect(sent.some((s) => /^(BEGIN|COMMIT|START)/i.test(s))).toBe(false);
    });
  });
});
