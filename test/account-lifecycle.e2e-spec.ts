import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, TestApp } from './helpers/test-app';

describe('account lifecycle and history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('changes holder name and limits; null removes the daily limit', async () => {
    const number = await openAccount(t, '1.00', { daily_withdrawal_limit: '10.00' });
    const res = await t
      .http()
      .patch(`/accounts/${number}`)
      .send({ holder_name: 'Grace', overdraft_limit: '15.5', daily_withdrawal_limit: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      holder_name: 'Grace',
      overdraft_limit: '15.50',
      daily_withdrawal_limit: null,
      available_balance: '16.50',
    });
    expect(res.body.updated_at >= res.body.created_at).toBe(true);
  });

  it('a frozen account refuses money movement with 409 ACCOUNT_NOT_ACTIVE, and thaws', async () => {
    const number = await openAccount(t, '50.00');
    const other = await openAccount(t, '50.00');
    expect((await t.http().patch(`/accounts/${number}`).send({ status: 'frozen' })).body.status).toBe('frozen');
    const attempts = [
      t.http().post(`/accounts/${number}/deposit`).send({ amount: '1.00' }),
      t.http().post(`/accounts/${number}/withdraw`).send({ amount: '1.00' }),
      t.http().post('/transfers').send({ from_account: number, to_account: other, amount: '1.00' }),
      t.http().post('/transfers').send({ from_account: other, to_account: number, amount: '1.00' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ACCOUNT_NOT_ACTIVE');
    }
    await expect(balanceAndLedger(t, number)).resolves.toEqual({ balance: 5000n, ledger: 5000n, rows: 1 });
    await expect(balanceAndLedger(t, other)).resolves.toEqual({ balance: 5000n, ledger: 5000n, rows: 1 });
    expect((await t.http().patch(`/accounts/${number}`).send({ status: 'active' })).body.status).toBe('active');
    expect((await t.http().post(`/accounts/${number}/deposit`).send({ amount: '1.00' })).status).toBe(200);
  });

  it('closing needs a zero balance, and a closed account takes no status change', async () => {
    const number = await openAccount(t, '5.00');
    const notEmpty = await t.http().patch(`/accounts/${number}`).send({ status: 'closed' });
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.body.code).toBe('ACCOUNT_NOT_EMPTY');
    expect((await t.http().get(`/accounts/${number}`)).body.status).toBe('active');
    await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '5.00' });
    expect((await t.http().patch(`/accounts/${number}`).send({ status: 'closed' })).body.status).toBe('closed');
    for (const status of ['active', 'frozen', 'closed']) {
      const res = await t.http().patch(`/accounts/${number}`).send({ status });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ACCOUNT_NOT_ACTIVE');
    }
    const deposit = await t.http().post(`/accounts/${number}/deposit`).send({ amount: '1.00' });
    expect(deposit.body.code).toBe('ACCOUNT_NOT_ACTIVE');
  });

  it('refuses a negative-balance account closing too', async () => {
    const number = await openAccount(t, '0.00', { overdraft_limit: '10.00' });
    await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '3.00' });
    const res = await t.http().patch(`/accounts/${number}`).send({ status: 'closed' });
    expect(res.body.code).toBe('ACCOUNT_NOT_EMPTY');
  });

  it('PATCH of an unknown account is 404; a bad status is 400', async () => {
    expect((await t.http().patch('/accounts/ghost-account').send({ holder_name: 'x' })).body.code).toBe('ACCOUNT_NOT_FOUND');
    const number = await openAccount(t);
    const bad = await t.http().patch(`/accounts/${number}`).send({ status: 'dormant' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('status');
  });

  it('pages history newest first with a stable opaque cursor', async () => {
    const number = await openAccount(t, '1.00');
    for (let i = 2; i <= 7; i++)
      await t
        .http()
        .post(`/accounts/${number}/deposit`)
        .send({ amount: `${i}.00` });
    const first = await t.http().get(`/accounts/${number}/transactions?limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { amount: string }) => r.amount)).toEqual(['7.00', '6.00', '5.00']);
    expect(typeof first.body.next_cursor).toBe('string');
    // A movement arriving between pages does not shift the next page.
    await t.http().post(`/accounts/${number}/deposit`).send({ amount: '8.00' });
    const second = await t.http().get(`/accounts/${number}/transactions?limit=3&cursor=${first.body.next_cursor}`);
    expect(second.body.items.map((r: { amount: string }) => r.amount)).toEqual(['4.00', '3.00', '2.00']);
    const third = await t.http().get(`/accounts/${number}/transactions?limit=3&cursor=${second.body.next_cursor}`);
    expect(third.body).toEqual({ items: [expect.objectContaining({ amount: '1.00', balance_after: '1.00' })], next_cursor: null });
    const all = await t.http().get(`/accounts/${number}/transactions`);
    expect(all.body.items).toHaveLength(8);
  });

  it('a cursor past every id (even past the id column) pages from the newest row', async () => {
    const number = await openAccount(t);
    await t.http().post(`/accounts/${number}/deposit`).send({ amount: '1.00' }).expect(200);
    const first = await t.http().get(`/accounts/${number}/transactions`).expect(200);
    for (const key of ['2147483647', '2147483648', '999999999999999']) {
      const cursor = Buffer.from(`v1:${key}`).toString('base64url');
      const res = await t.http().get(`/accounts/${number}/transactions?cursor=${cursor}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(first.body);
    }
  });

  it('validates paging parameters', async () => {
    const number = await openAccount(t);
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'cursor=%20', 'cursor=bm9wZQ', 'foo=1']) {
      const res = await t.http().get(`/accounts/${number}/transactions?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('GET /transactions/{id}: 404 unknown, 400 malformed', async () => {
    // Past Postgres's 32-bit id column too: unknown, not a 500 (the parameter is out of its range).
    for (const id of ['999999999', '2147483648', '999999999999999']) {
      const res = await t.http().get(`/transactions/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('TRANSACTION_NOT_FOUND');
    }
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const res = await t.http().get(`/transactions/${id}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
