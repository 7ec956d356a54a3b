import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

describe('transfers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves money with two ledger legs sharing a transfer id', async () => {
    const from = await openAccount(t, '100.00');
    const to = await openAccount(t, '1.00');
    const res = await t.http().post('/transfers').send({ from_account: from, to_account: to, amount: '25.50', reference: 'rent' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      transfer_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      amount: '25.50',
      from: { account_number: from, balance: '74.50' },
      to: { account_number: to, balance: '26.50' },
    });
    const [out] = (await t.http().get(`/accounts/${from}/transactions?limit=1`)).body.items;
    const [into] = (await t.http().get(`/accounts/${to}/transactions?limit=1`)).body.items;
    expect(out).toMatchObject({
      type: 'transfer_out',
      amount: '-25.50',
      counterparty_account: to,
      transfer_id: res.body.transfer_id,
      reference: 'rent',
    });
    expect(into).toMatchObject({ type: 'transfer_in', amount: '25.50', counterparty_account: from, transfer_id: res.body.transfer_id });
    await expect(balanceAndLedger(t, from)).resolves.toMatchObject({ balance: 7450n, ledger: 7450n });
    await expect(balanceAndLedger(t, to)).resolves.toMatchObject({ balance: 2650n, ledger: 2650n });
  });

  it('refuses in the contract order: 404, then 409, then 422 SAME_ACCOUNT, then funds', async () => {
    const a = await openAccount(t, '10.00');
    const frozen = await openAccount(t, '10.00');
    await t.http().patch(`/accounts/${frozen}`).send({ status: 'frozen' });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ from_account: uniqueAccountNumber(), to_account: uniqueAccountNumber(), amount: '1.00' }, 404, 'ACCOUNT_NOT_FOUND'],
      [{ from_account: a, to_account: uniqueAccountNumber(), amount: '1.00' }, 404, 'ACCOUNT_NOT_FOUND'],
      [{ from_account: frozen, to_account: frozen, amount: '1.00' }, 409, 'ACCOUNT_NOT_ACTIVE'],
      [{ from_account: a, to_account: a, amount: '100.00' }, 422, 'SAME_ACCOUNT'],
      [{ from_account: a, to_account: frozen, amount: '1.00' }, 409, 'ACCOUNT_NOT_ACTIVE'],
      [{ from_account: frozen, to_account: a, amount: '100.00' }, 409, 'ACCOUNT_NOT_ACTIVE'],
      [{ from_account: a, to_account: uniqueAccountNumber(), amount: '-1' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.http().post('/transfers').send(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
    }
    const poor = await openAccount(t, '10.00');
    const res = await t.http().post('/transfers').send({ from_account: poor, to_account: a, amount: '10.01' });
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    await expect(balanceAndLedger(t, a)).resolves.toEqual({ balance: 1000n, ledger: 1000n, rows: 1 });
    await expect(balanceAndLedger(t, poor)).resolves.toEqual({ balance: 1000n, ledger: 1000n, rows: 1 });
  });

  it('requires both accounts and an amount', async () => {
    const res = await t.http().post('/transfers').send({ from_account: '1' });
    expect(res.status).toBe(400);
    expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['amount', 'to_account']);
  });
});
