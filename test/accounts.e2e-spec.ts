import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

describe('accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /accounts', () => {
    it('opens an account with the contract shape and an opening ledger row', async () => {
      const account_number = uniqueAccountNumber();
      const res = await t.http().post('/accounts').send({ account_number, holder_name: 'Ada', initial_deposit: '100.25' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        account_number,
        holder_name: 'Ada',
        balance: '100.25',
        available_balance: '100.25',
        overdraft_limit: '0.00',
        daily_withdrawal_limit: null,
        status: 'active',
        currency: 'USD',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updated_at: res.body.created_at,
      });
      await expect(balanceAndLedger(t, account_number)).resolves.toEqual({ balance: 10025n, ledger: 10025n, rows: 1 });
    });

    it('generates a number when none is given and writes no ledger row for a zero balance', async () => {
      const res = await t.http().post('/accounts').send({});
      expect(res.status).toBe(201);
      expect(res.body.account_number).toMatch(/^\d{10}$/);
      expect(res.body.balance).toBe('0.00');
      await expect(balanceAndLedger(t, res.body.account_number)).resolves.toEqual({ balance: 0n, ledger: 0n, rows: 0 });
    });

    it('takes overdraft and daily limits as strings or numbers', async () => {
      const res = await t.http().post('/accounts').send({ overdraft_limit: 50, daily_withdrawal_limit: '300.5' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ overdraft_limit: '50.00', daily_withdrawal_limit: '300.50', available_balance: '50.00' });
    });

    it('refuses an existing number with 409 ACCOUNT_EXISTS and changes nothing', async () => {
      const number = await openAccount(t, '10.00');
      const res = await t.http().post('/accounts').send({ account_number: number, initial_deposit: '99.00' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ACCOUNT_EXISTS');
      await expect(balanceAndLedger(t, number)).resolves.toEqual({ balance: 1000n, ledger: 1000n, rows: 1 });
    });
  });

  describe('GET /accounts/{n} and /balance', () => {
    it('reads an account and its balance', async () => {
      const number = await openAccount(t, '12.34', { overdraft_limit: '5.00' });
      const account = await t.http().get(`/accounts/${number}`);
      expect(account.status).toBe(200);
      expect(account.body).toMatchObject({ account_number: number, balance: '12.34', available_balance: '17.34' });
      const balance = await t.http().get(`/accounts/${number}/balance`);
      expect(balance.body).toEqual({ account_number: number, balance: '12.34', available_balance: '17.34', currency: 'USD' });
    });

    it('answers 404 ACCOUNT_NOT_FOUND for an unknown account', async () => {
      for (const path of ['/accounts/nobody-here', '/accounts/nobody-here/balance', '/accounts/nobody-here/transactions']) {
        const res = await t.http().get(path);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
      }
    });
  });

  describe('deposit and withdraw', () => {
    it('moves money and answers amount, balance and transaction id', async () => {
      const number = await openAccount(t, '100.00');
      const deposit = await t.http().post(`/accounts/${number}/deposit`).send({ amount: '0.10', reference: 'till 1' });
      expect(deposit.status).toBe(200);
      expect(deposit.body).toEqual({ account_number: number, balance: '100.10', amount: '0.10', transaction_id: expect.any(Number) });
      const withdrawal = await t.http().post(`/accounts/${number}/withdraw`).send({ amount: 60 });
      expect(withdrawal.body).toMatchObject({ balance: '40.10', amount: '60.00' });
      const row = await t.http().get(`/transactions/${withdrawal.body.transaction_id}`);
      expect(row.body).toMatchObject({ type: 'withdrawal', account_number: number, amount: '-60.00', balance_after: '40.10', cash: null });
      const depositRow = await t.http().get(`/transactions/${deposit.body.transaction_id}`);
      expect(depositRow.body).toMatchObject({ type: 'deposit', amount: '0.10', reference: 'till 1', machine_id: null });
      await expect(balanceAndLedger(t, number)).resolves.toEqual({ balance: 4010n, ledger: 4010n, rows: 3 });
    });

    it('allows the overdraft and no further', async () => {
      const number = await openAccount(t, '10.00', { overdraft_limit: '20.00' });
      const ok = await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '30.00' });
      expect(ok.body.balance).toBe('-20.00');
      const refused = await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '0.01' });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');
      const account = await t.http().get(`/accounts/${number}`);
      expect(account.body).toMatchObject({ balance: '-20.00', available_balance: '0.00' });
      await expect(balanceAndLedger(t, number)).resolves.toEqual({ balance: -2000n, ledger: -2000n, rows: 2 });
    });

    it('uses DEFAULT_OVERDRAFT_LIMIT for new accounts', async () => {
      const other = await createTestApp({ DEFAULT_OVERDRAFT_LIMIT: '25.00' });
      try {
        const res = await other.http().post('/accounts').send({});
        expect(res.body.overdraft_limit).toBe('25.00');
        const withdrawal = await other.http().post(`/accounts/${res.body.account_number}/withdraw`).send({ amount: '25.00' });
        expect(withdrawal.body.balance).toBe('-25.00');
      } finally {
        await other.close();
      }
    });

    it('enforces the daily withdrawal limit across withdrawals but not deposits or transfers', async () => {
      const number = await openAccount(t, '500.00', { daily_withdrawal_limit: '100.00' });
      const other = await openAccount(t, '0.00');
      expect((await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '60.00' })).status).toBe(200);
      expect((await t.http().post('/transfers').send({ from_account: number, to_account: other, amount: '200.00' })).status).toBe(201);
      expect((await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '40.00' })).status).toBe(200);
      const refused = await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '0.01' });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('DAILY_LIMIT_EXCEEDED');
      await expect(balanceAndLedger(t, number)).resolves.toEqual({ balance: 20000n, ledger: 20000n, rows: 4 });
    });

    it('reports INSUFFICIENT_FUNDS before DAILY_LIMIT_EXCEEDED', async () => {
      const number = await openAccount(t, '5.00', { daily_withdrawal_limit: '1.00' });
      const res = await t.http().post(`/accounts/${number}/withdraw`).send({ amount: '10.00' });
      expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    });

    it('refuses money movement on an unknown account with 404 and never creates it', async () => {
      const number = uniqueAccountNumber();
      const res = await t.http().post(`/accounts/${number}/deposit`).send({ amount: '5.00' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
      expect((await t.http().get(`/accounts/${number}`)).status).toBe(404);
    });

    it('adds 1,000 deposits of 0.01 exactly', async () => {
      const number = await openAccount(t);
      for (let batch = 0; batch < 20; batch++) {
        const responses = await Promise.all(
          Array.from({ length: 50 }, () => t.http().post(`/accounts/${number}/deposit`).send({ amount: '0.01' })),
        );
        expect(responses.every((r) => r.status === 200)).toBe(true);
      }
      expect((await t.http().get(`/accounts/${number}/balance`)).body.balance).toBe('10.00');
      await expect(balanceAndLedger(t, number)).resolves.toEqual({ balance: 1000n, ledger: 1000n, rows: 1000 });
    });
  });
});
