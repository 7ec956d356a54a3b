import { createTestApp, TestApp } from './helpers/test-app';
import { balanceAndLedger, openAccount } from './helpers/bank';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  it('opens, deposits, withdraws', async () => {
    const n = await openAccount(t, '100.00');
    const dep = await t.http().post(`/accounts/${n}/deposit`).send({ amount: '10.50' });
    expect(dep.status).toBe(200);
    expect(dep.body).toMatchObject({ account_number: n, balance: '110.50', amount: '10.50' });
    const wd = await t.http().post(`/accounts/${n}/withdraw`).send({ amount: 200 });
    expect(wd.status).toBe(422);
    expect(wd.body.code).toBe('INSUFFICIENT_FUNDS');
    const hist = await t.http().get(`/accounts/${n}/transactions`);
    expect(hist.status).toBe(200);
    expect(hist.body.items).toHaveLength(2);
    const tx = await t.http().get(`/transactions/${dep.body.transaction_id}`);
    expect(tx.body).toMatchObject({ type: 'deposit', amount: '10.50', balance_after: '110.50' });
    await expect(balanceAndLedger(t, n)).resolves.toMatchObject({ balance: 11050n, ledger: 11050n });
    const bad = await t.http().post(`/accounts/${n}/deposit`).set('content-type', 'application/json').send('{"amount":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MALFORMED_JSON');
    const nf = await t.http().get('/nope');
    expect(nf.status).toBe(404);
    expect(nf.headers['content-type']).toMatch(/problem\+json/);
    const h = await t.http().get('/healthz');
    expect(h.status).toBe(200);
  });
});
