import { balanceAndLedger, openAccount } from './helpers/bank';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, param, TestApp } from './helpers/test-app';

describe('reversals: teller corrections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const correct = (id: number | string, body: object = { reason: 'keyed twice' }) =>
    t.http().post(`/transactions/${id}/reversal`).send(body);
  const move = async (account: string, kind: 'deposit' | 'withdraw', amount: string): Promise<number> => {
    const res = await t.http().post(`/accounts/${account}/${kind}`).send({ amount });
    if (res.status !== 200) throw new Error(`${kind} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.transaction_id as number;
  };
  const transfer = async (from_account: string, to_account: string, amount: string) => {
    const res = await t.http().post('/transfers').send({ from_account, to_account, amount });
    if (res.status !== 201) throw new Error(`transfer failed: ${res.status} ${JSON.stringify(res.body)}`);
    const rows = await t.sql<{ id: unknown; type: string }>(
      `SELECT id, type FROM ledger_entries WHERE transfer_id = ${param(1)} ORDER BY id`,
      [res.body.transfer_id],
    );
    const id = (type: string) => Number(rows.find((r) => r.type === type)?.id);
    return { out: id('transfer_out'), in: id('transfer_in') };
  };
  /** Balances and ledger row counts of the accounts: what a refusal must leave alone. */
  const state = async (accounts: string[]) => Promise.all(accounts.map((a) => balanceAndLedger(t, a)));
  async function expectConsistent(accounts: string[]): Promise<void> {
    for (const { balance, ledger } of await state(accounts)) expect(balance).toBe(ledger);
  }

  it('undoes a teller deposit with one compensating reversal row', async () => {
    const account = await openAccount(t, '100.00');
    const id = await move(account, 'deposit', '25.00');
    const res = await correct(id, { reason: 'deposit keyed twice' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      transaction_ids: [expect.any(Number)],
      reverses: id,
      accounts: [{ account_number: account, balance: '100.00' }],
    });
    const row = await t.http().get(`/transactions/${res.body.transaction_ids[0]}`);
    expect(row.body).toMatchObject({
      type: 'reversal',
      account_number: account,
      machine_id: null,
      amount: '-25.00',
      balance_after: '100.00',
      reverses: id,
      reference: 'deposit keyed twice',
      cash: null,
    });
    await expect(t.http().get(`/transactions/${id}`)).resolves.toMatchObject({ body: { type: 'deposit', reversed_by: row.body.id } });
    await expectConsistent([account]);
  });

  it('undoes a teller withdrawal', async () => {
    const account = await openAccount(t, '100.00');
    const id = await move(account, 'withdraw', '30.00');
    const res = await correct(id);
    expect(res.body).toMatchObject({ reverses: id, accounts: [{ account_number: account, balance: '100.00' }] });
    await expectConsistent([account]);
  });

  it.each(['out', 'in'] as const)('undoes both legs of a transfer given its %s leg', async (leg) => {
    const a = await openAccount(t, '100.00');
    const b = await openAccount(t, '10.00');
    const legs = await transfer(a, b, '40.00');
    const res = await correct(legs[leg]);
    expect(res.status).toBe(200);
    expect(res.body.reverses).toBe(legs[leg]);
    expect(res.body.transaction_ids).toHaveLength(2);
    expect(res.body.accounts).toEqual(
      expect.arrayContaining([
        { account_number: a, balance: '100.00' },
        { account_number: b, balance: '10.00' },
      ]),
    );
    const rows = await Promise.all((res.body.transaction_ids as number[]).map((id) => t.http().get(`/transactions/${id}`)));
    expect(rows.map((r) => [r.body.type, r.body.reverses, r.body.amount]).sort()).toEqual(
      [
        ['reversal', legs.out, '40.00'],
        ['reversal', legs.in, '-40.00'],
      ].sort(),
    );
    const other = leg === 'out' ? legs.in : legs.out;
    await expect(correct(other)).resolves.toMatchObject({ status: 409, body: { code: 'ALREADY_REVERSED' } });
    await expectConsistent([a, b]);
  });

  it('applies whatever the account status (a frozen account)', async () => {
    const account = await openAccount(t, '100.00');
    const id = await move(account, 'deposit', '25.00');
    await t.http().patch(`/accounts/${account}`).send({ status: 'frozen' });
    await expect(correct(id)).resolves.toMatchObject({ status: 200, body: { accounts: [{ balance: '100.00' }] } });
    await expectConsistent([account]);
  });

  describe('refusals change nothing', () => {
    it('422 INSUFFICIENT_FUNDS when the money deposited is gone (below -overdraft_limit)', async () => {
      const account = await openAccount(t, '0.00', { overdraft_limit: '10.00' });
      const id = await move(account, 'deposit', '100.00');
      await move(account, 'withdraw', '95.00');
      const before = await state([account]);
      await expect(correct(id)).resolves.toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
      expect(await state([account])).toEqual(before);
      // Within the overdraft it applies: 5.00 − 100.00 would be −95.00; after 90.00 back, −5.00 is allowed.
      await move(account, 'deposit', '90.00');
      await expect(correct(id)).resolves.toMatchObject({ status: 200, body: { accounts: [{ balance: '-5.00' }] } });
    });

    it("422 INSUFFICIENT_FUNDS when the transfer's receiver spent the money", async () => {
      const a = await openAccount(t, '100.00');
      const b = await openAccount(t, '0.00');
      const legs = await transfer(a, b, '40.00');
      await move(b, 'withdraw', '30.00');
      const before = await state([a, b]);
      await expect(correct(legs.out)).resolves.toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
      expect(await state([a, b])).toEqual(before);
    });

    it('409 ALREADY_REVERSED for a second correction', async () => {
      const account = await openAccount(t, '100.00');
      const id = await move(account, 'deposit', '25.00');
      expect((await correct(id)).status).toBe(200);
      const before = await state([account]);
      await expect(correct(id)).resolves.toMatchObject({ status: 409, body: { code: 'ALREADY_REVERSED' } });
      expect(await state([account])).toEqual(before);
    });

    it('422 NOT_REVERSIBLE for ATM, refill, reset and reversal rows', async () => {
      const machine = await createMachine(t, [bill('20.00', 10)]);
      const account = await openAccount(t, '100.00');
      const atm = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '20.00' });
      const atmDeposit = await t
        .http()
        .post(`/machines/${machine}/deposits`)
        .send({ account_number: account, cash: [{ denomination: '20.00', count: 1 }] });
      const refill = await t
        .http()
        .post(`/machines/${machine}/refill`)
        .send({ cassettes: [{ denomination: '20.00', count: 1 }] });
      const reset = await t.http().post(`/machines/${machine}/maintenance`).send({});
      const atmReversal = await t.http().post(`/machines/${machine}/withdrawals/${atm.body.transaction_id}/reversal`).send({});
      const deposit = await move(account, 'deposit', '5.00');
      const correction = await correct(deposit);
      const before = await state([account]);
      const ids = [atmDeposit, refill, reset, atmReversal].map((r) => r.body.transaction_id as number);
      for (const id of [...ids, correction.body.transaction_ids[0] as number]) {
        const res = await correct(id);
        expect([id, res.status, res.body.code]).toEqual([id, 422, 'NOT_REVERSIBLE']);
      }
      // The ATM withdrawal itself was reversed by the ATM: already undone wins (409 before 422).
      await expect(correct(atm.body.transaction_id)).resolves.toMatchObject({ status: 409, body: { code: 'ALREADY_REVERSED' } });
      expect(await state([account])).toEqual(before);
    });

    it('404 TRANSACTION_NOT_FOUND; 400 for a bad id or reason', async () => {
      const account = await openAccount(t, '100.00');
      const id = await move(account, 'deposit', '25.00');
      const before = await state([account]);
      await expect(correct(2_000_000_000)).resolves.toMatchObject({ status: 404, body: { code: 'TRANSACTION_NOT_FOUND' } });
      await expect(correct('0')).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(201) }, { reason: 5 }, { reason: 'ok', amount: '1.00' }]) {
        const res = await correct(id, body);
        expect([JSON.stringify(body).slice(0, 40), res.status, res.body.code]).toEqual([
          JSON.stringify(body).slice(0, 40),
          400,
          'VALIDATION_FAILED',
        ]);
      }
      expect(await state([account])).toEqual(before);
      await expect(correct(id, { reason: 'é'.repeat(200) })).resolves.toMatchObject({ status: 200 });
    });
  });

  it('with the same Idempotency-Key a retry replays the correction (same body, Idempotent-Replayed) instead of refusing it', async () => {
    const [from, to] = [await openAccount(t, '80.00'), await openAccount(t, '0.00')];
    const legs = await transfer(from, to, '30.00');
    const key = `corr-${Date.now()}`;
    const send = (id: number, k: string) =>
      t.http().post(`/transactions/${id}/reversal`).set('Idempotency-Key', k).send({ reason: 'wrong payee' });
    const first = await send(legs.in, key);
    expect(first.status).toBe(200);
    const retry = await send(legs.in, key);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // Another key is another request: the transfer is already undone.
    await expect(send(legs.out, `${key}-2`)).resolves.toMatchObject({ status: 409, body: { code: 'ALREADY_REVERSED' } });
    await expect(state([from, to])).resolves.toEqual([
      // The opening deposit, the transfer's leg and one reversal row; no opening row for 0.00.
      { balance: 8000n, ledger: 8000n, rows: 3 },
      { balance: 0n, ledger: 0n, rows: 2 },
    ]);
  });
});
