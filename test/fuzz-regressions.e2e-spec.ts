// Regressions found by the reliability fuzzer (test/reliability/hostile-input):
// each case used to answer 500.
import { createTestApp, param, TestApp, uniqueAccountNumber } from './helpers/test-app';

describe('fuzzer findings stay fixed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['initial_deposit', 'overdraft_limit'])('POST /accounts with %s: null → 400 VALIDATION_FAILED, no account', async (field) => {
    const account_number = uniqueAccountNumber();
    const res = await t
      .http()
      .post('/accounts')
      .send({ account_number, [field]: null });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field })] });
    await expect(t.sql(`SELECT 1 FROM accounts WHERE account_number = ${param(1)}`, [account_number])).resolves.toEqual([]);
  });

  it('POST /accounts with daily_withdrawal_limit: null still means "no limit"', async () => {
    const res = await t.http().post('/accounts').send({ account_number: uniqueAccountNumber(), daily_withdrawal_limit: null });
    expect(res.status).toBe(201);
    expect(res.body.daily_withdrawal_limit).toBeNull();
  });
});
