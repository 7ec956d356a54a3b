import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, listeningPort, param, TestApp } from './helpers/test-app';

const KEY = 'Idempotency-Key';

/** Every response is the first one (replayed), or 409 IDEMPOTENCY_IN_PROGRESS with Retry-After. */
function expectOneAnswer(responses: Response[]): Response[] {
  const answered = responses.filter((r) => r.body.code !== 'IDEMPOTENCY_IN_PROGRESS');
  for (const busy of responses.filter((r) => r.body.code === 'IDEMPOTENCY_IN_PROGRESS')) {
    expect([busy.status, busy.headers['retry-after']]).toEqual([409, expect.any(String)]);
  }
  expect(answered.length).toBeGreaterThan(0);
  for (const r of answered) expect({ status: r.status, text: r.text }).toEqual({ status: answered[0].status, text: answered[0].text });
  expect(answered.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
  return answered;
}

describe('Idempotency-Key under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await listeningPort(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const fire = (count: number, send: (i: number) => Promise<Response>) => Promise.all(Array.from({ length: count }, (_, i) => send(i)));

  it('40 concurrent teller withdrawals with one key: one effect, one answer', async () => {
    const n = await openAccount(t, '100.00');
    const key = randomUUID();
    const responses = await fire(40, () => t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '7.25' }));
    const [first] = expectOneAnswer(responses);
    expect(first.status).toBe(200);
    expect(first.body.balance).toBe('92.75');
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 9275n, ledger: 9275n, rows: 2 });
  });

  it('30 concurrent ATM withdrawals with one key: the account and the cassettes move once', async () => {
    const n = await openAccount(t, '500.00');
    const machine = `idem-${randomUUID().slice(0, 8)}`;
    const created = await t
      .http()
      .post('/machines')
      .send({ machine_id: machine, cassettes: [{ denomination: '20.00', kind: 'bill', count: 100, capacity: 2000 }] });
    expect(created.status).toBe(201);
    const key = randomUUID();
    const responses = await fire(30, () =>
      t.http().post(`/machines/${machine}/withdrawals`).set(KEY, key).send({ account_number: n, amount: '60.00' }),
    );
    const [first] = expectOneAnswer(responses);
    expect(first.status).toBe(201);
    expect(first.body.dispensed).toEqual([expect.objectContaining({ denomination: '20.00', count: 3 })]);
    await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 44000n, ledger: 44000n, rows: 2 });
    const [cassette] = await t.sql<{ count: unknown }>(`SELECT count FROM cassettes WHERE machine_id = ${param(1)}`, [machine]);
    expect(Number(cassette.count)).toBe(97);
  });

  it('30 concurrent refused withdrawals with one key: one stored refusal, replayed to all', async () => {
    const n = await openAccount(t, '1.00');
    const key = randomUUID();
    const responses = await fire(30, () => t.http().post(`/accounts/${n}/withdraw`).set(KEY, key).send({ amount: '2.00' }));
    const [first] = expectOneAnswer(responses);
    expect([first.status, first.body.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 100n, rows: 1 });
  });

  it('one key racing with two different bodies: one effect; the other body is KEY_REUSED', async () => {
    const n = await openAccount(t, '0.00');
    const key = randomUUID();
    const responses = await fire(24, (i) =>
      t
        .http()
        .post(`/accounts/${n}/deposit`)
        .set(KEY, key)
        .send({ amount: i % 2 ? '1.00' : '2.00' }),
    );
    const winners = responses.filter((r) => r.status === 200);
    const losers = responses.filter((r) => r.status !== 200);
    expect(new Set(winners.map((r) => r.text)).size).toBe(1);
    expect(winners).toHaveLength(12);
    expect(losers.map((r) => r.body.code)).toEqual(Array(12).fill('IDEMPOTENCY_KEY_REUSED'));
    const { balance, ledger, rows } = await balanceAndLedger(t, n);
    expect({ ledger, rows }).toEqual({ ledger: balance, rows: 1 });
    expect(winners[0].body.amount).toBe(balance === 100n ? '1.00' : '2.00');
  });

  it('many keys at once: each applied exactly once, balances equal the ledger', async () => {
    const accounts = await Promise.all([openAccount(t, '50.00'), openAccount(t, '50.00')]);
    const keys = Array.from({ length: 20 }, () => randomUUID());
    const send = (i: number) =>
      t
        .http()
        .post(`/accounts/${accounts[i % 2]}/${i % 4 < 2 ? 'deposit' : 'withdraw'}`)
        .set(KEY, keys[i % 20])
        .send({ amount: '1.00' });
    const responses = await fire(60, send);
    expect(responses.filter((r) => r.status !== 200)).toEqual([]);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(20);
    for (const n of accounts) await expect(balanceAndLedger(t, n)).resolves.toEqual({ balance: 5000n, ledger: 5000n, rows: 11 });
  });
});
