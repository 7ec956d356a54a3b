import { setTimeout as sleep } from 'node:timers/promises';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { bill, cassetteCounts, coin, createMachine, expectCassettesMatchLedger, snapshot } from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

describe('reversals: ATM dispense failures', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const withdraw = async (machine: string, account_number: string, amount: string): Promise<number> => {
    const res = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number, amount });
    if (res.status !== 201) throw new Error(`withdrawal failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.transaction_id as number;
  };
  const reverse = (machine: string, id: number | string, body: object = {}) =>
    t.http().post(`/machines/${machine}/withdrawals/${id}/reversal`).send(body);

  async function expectConsistent(machine: string, accounts: string[]): Promise<void> {
    await expectCassettesMatchLedger(t, machine);
    for (const account of accounts) {
      const { balance, ledger } = await balanceAndLedger(t, account);
      expect(balance).toBe(ledger);
    }
  }

  /** A machine with one cassette of each note and a coin, and an account with 500.00. */
  async function setup(): Promise<{ machine: string; account: string }> {
    const machine = await createMachine(t, [
      bill('100.00', 5),
      bill('50.00', 5),
      bill('20.00', 10),
      bill('10.00', 10),
      bill('5.00', 10),
      coin('1.00', 20),
    ]);
    return { machine, account: await openAccount(t, '500.00') };
  }

  it('nothing dispensed: credits the whole amount and puts every piece back, in one atm_reversal row linked both ways', async () => {
    const { machine, account } = await setup();
    const before = await cassetteCounts(t, machine);
    const id = await withdraw(machine, account, '60.00');
    const res = await reverse(machine, id, { reason: 'notes retracted' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      transaction_id: expect.any(Number),
      reverses: id,
      account_number: account,
      balance: '500.00',
      amount: '60.00',
      returned: [
        { denomination: '50.00', kind: 'bill', count: 1 },
        { denomination: '10.00', kind: 'bill', count: 1 },
      ],
    });
    expect(await cassetteCounts(t, machine)).toEqual(before);
    const row = await t.http().get(`/transactions/${res.body.transaction_id}`);
    expect(row.body).toMatchObject({
      type: 'atm_reversal',
      account_number: account,
      machine_id: machine,
      amount: '60.00',
      balance_after: '500.00',
      cash: [
        { denomination: '50.00', count: 1 },
        { denomination: '10.00', count: 1 },
      ],
      reverses: id,
      reversed_by: null,
    });
    await expect(t.http().get(`/transactions/${id}`)).resolves.toMatchObject({
      body: { reversed_by: res.body.transaction_id, reverses: null },
    });
    const history = await t.http().get(`/machines/${machine}/transactions`);
    expect(history.body.items[0]).toMatchObject({ id: res.body.transaction_id, type: 'atm_reversal' });
    await expectConsistent(machine, [account]);
  });

  it('a partial dispense across several denominations credits the rest and returns only the pieces that stayed', async () => {
    const { machine, account } = await setup();
    const before = await cassetteCounts(t, machine);
    const id = await withdraw(machine, account, '186.00'); // 100 + 50 + 20 + 10 + 5 + 1
    const res = await reverse(machine, id, {
      dispensed: [
        { denomination: '100.00', count: 1 },
        { denomination: 20, count: 1 },
        { denomination: '1.00', count: 1 },
        { denomination: '5.00', count: 0 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      balance: '379.00',
      amount: '65.00',
      returned: [
        { denomination: '50.00', kind: 'bill', count: 1 },
        { denomination: '10.00', kind: 'bill', count: 1 },
        { denomination: '5.00', kind: 'bill', count: 1 },
      ],
    });
    const after = await cassetteCounts(t, machine);
    expect(Object.fromEntries(after)).toEqual({ ...Object.fromEntries(before), 10000: 4, 2000: 9, 100: 19 });
    // Conservation: what the customer holds (account + cash in hand) is what they had.
    expect((await balanceAndLedger(t, account)).balance + 12100n).toBe(50000n);
    await expectConsistent(machine, [account]);
  });

  describe('refusals change nothing', () => {
    it.each([
      ['a count above what was dispensed', [{ denomination: '20.00', count: 2 }]],
      ['a denomination the withdrawal did not dispense', [{ denomination: '100.00', count: 1 }]],
      [
        'the whole withdrawal',
        [
          { denomination: '50.00', count: 1 },
          { denomination: '10.00', count: 1 },
        ],
      ],
    ])('422 INVALID_REVERSAL for %s', async (_name, dispensed) => {
      const { machine, account } = await setup();
      const id = await withdraw(machine, account, '60.00');
      const before = await snapshot(t, machine, [account]);
      const res = await reverse(machine, id, { dispensed });
      expect([res.status, res.body.code]).toEqual([422, 'INVALID_REVERSAL']);
      expect(await snapshot(t, machine, [account])).toEqual(before);
      await expect(t.http().get(`/transactions/${id}`)).resolves.toMatchObject({ body: { reversed_by: null } });
    });

    it('409 ALREADY_REVERSED for a second reversal', async () => {
      const { machine, account } = await setup();
      const id = await withdraw(machine, account, '60.00');
      expect((await reverse(machine, id, { dispensed: [{ denomination: '50.00', count: 1 }] })).status).toBe(201);
      const before = await snapshot(t, machine, [account]);
      const again = await reverse(machine, id);
      expect([again.status, again.body.code]).toEqual([409, 'ALREADY_REVERSED']);
      expect(await snapshot(t, machine, [account])).toEqual(before);
    });

    it("422 NOT_REVERSIBLE for another machine's withdrawal, a deposit, a refill and a reversal row", async () => {
      const { machine, account } = await setup();
      const other = await createMachine(t, [bill('20.00', 10)]);
      const id = await withdraw(other, account, '20.00');
      const deposit = await t
        .http()
        .post(`/machines/${machine}/deposits`)
        .send({ account_number: account, cash: [{ denomination: '20.00', count: 1 }] });
      const refill = await t
        .http()
        .post(`/machines/${machine}/refill`)
        .send({ cassettes: [{ denomination: '20.00', count: 1 }] });
      const own = await withdraw(machine, account, '20.00');
      const reversal = await reverse(machine, own);
      const before = await snapshot(t, machine, [account]);
      for (const target of [id, deposit.body.transaction_id, refill.body.transaction_id, reversal.body.transaction_id]) {
        const res = await reverse(machine, target as number);
        expect([target, res.status, res.body.code]).toEqual([target, 422, 'NOT_REVERSIBLE']);
      }
      expect(await snapshot(t, machine, [account])).toEqual(before);
    });

    it('404 TRANSACTION_NOT_FOUND and MACHINE_NOT_FOUND; 400 for a bad id', async () => {
      const { machine, account } = await setup();
      const id = await withdraw(machine, account, '20.00');
      await expect(reverse(machine, 2_000_000_000)).resolves.toMatchObject({ status: 404, body: { code: 'TRANSACTION_NOT_FOUND' } });
      await expect(reverse('no-such-atm', id)).resolves.toMatchObject({ status: 404, body: { code: 'MACHINE_NOT_FOUND' } });
      await expect(reverse(machine, 'abc')).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      await expect(reverse(machine, '1e3')).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it.each([
      ['an unknown field', { amount: '5.00' }],
      ['a negative count', { dispensed: [{ denomination: '20.00', count: -1 }] }],
      ['a fractional count', { dispensed: [{ denomination: '20.00', count: 1.5 }] }],
      ['a bad denomination', { dispensed: [{ denomination: '1e3', count: 1 }] }],
      [
        'the same denomination twice',
        {
          dispensed: [
            { denomination: '20.00', count: 1 },
            { denomination: 20, count: 0 },
          ],
        },
      ],
      ['dispensed that is not a list', { dispensed: { denomination: '20.00', count: 1 } }],
      ['an empty reason', { reason: '' }],
      ['a reason of 201 characters', { reason: 'x'.repeat(201) }],
      ['a reason with a control character', { reason: 'jam\u0000' }],
    ])('400 VALIDATION_FAILED for %s, changing nothing', async (_name, body) => {
      const { machine, account } = await setup();
      const id = await withdraw(machine, account, '20.00');
      const before = await snapshot(t, machine, [account]);
      const res = await reverse(machine, id, body);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(await snapshot(t, machine, [account])).toEqual(before);
    });
  });

  it('a reason counts code points: 200 emoji are accepted', async () => {
    const { machine, account } = await setup();
    const id = await withdraw(machine, account, '20.00');
    const res = await reverse(machine, id, { reason: '💶'.repeat(200) });
    expect(res.status).toBe(201);
    await expect(t.http().get(`/transactions/${res.body.transaction_id}`)).resolves.toMatchObject({
      body: { reference: '💶'.repeat(200) },
    });
  });

  it("is accepted whatever the account and machine status, and returns pieces even past a cassette's capacity", async () => {
    const machine = await createMachine(t, [bill('20.00', 10, 10)]);
    const account = await openAccount(t, '100.00');
    const id = await withdraw(machine, account, '40.00');
    await t
      .http()
      .post(`/machines/${machine}/refill`)
      .send({ cassettes: [{ denomination: '20.00', count: 2 }] });
    await t.http().patch(`/machines/${machine}`).send({ status: 'out_of_service' });
    await t.http().patch(`/accounts/${account}`).send({ status: 'frozen' });
    const res = await reverse(machine, id, { dispensed: [{ denomination: '20.00', count: 0 }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ balance: '100.00', amount: '40.00' });
    expect(Object.fromEntries(await cassetteCounts(t, machine))).toEqual({ 2000: 12 });
    await expectConsistent(machine, [account]);
  });

  it("the amount given back no longer counts toward the day's withdrawals", async () => {
    const machine = await createMachine(t, [bill('20.00', 50)]);
    const account = await openAccount(t, '500.00', { daily_withdrawal_limit: '100.00' });
    const id = await withdraw(machine, account, '100.00');
    const refused = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '20.00' });
    expect(refused.body.code).toBe('DAILY_LIMIT_EXCEEDED');
    expect((await reverse(machine, id, { dispensed: [{ denomination: '20.00', count: 2 }] })).status).toBe(201);
    // 40.00 was handed out: 60.00 of room again, and no more.
    await expect(withdraw(machine, account, '60.00')).resolves.toEqual(expect.any(Number));
    const over = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '20.00' });
    expect([over.status, over.body.code]).toEqual([422, 'DAILY_LIMIT_EXCEEDED']);
    await expectConsistent(machine, [account]);
  });

  it('with the same Idempotency-Key a retry replays the reversal instead of refusing it', async () => {
    const { machine, account } = await setup();
    const id = await withdraw(machine, account, '60.00');
    const key = `rev-${id}-${Date.now()}`;
    const first = await t.http().post(`/machines/${machine}/withdrawals/${id}/reversal`).set('Idempotency-Key', key).send({});
    const retry = await t.http().post(`/machines/${machine}/withdrawals/${id}/reversal`).set('Idempotency-Key', key).send({});
    expect(first.status).toBe(201);
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([201, 'true', first.body]);
    const other = await t.http().post(`/machines/${machine}/withdrawals/${id}/reversal`).set('Idempotency-Key', `${key}-2`).send({});
    expect([other.status, other.body.code]).toEqual([409, 'ALREADY_REVERSED']);
    await expectConsistent(machine, [account]);
  });
});

describe('reversals: the window', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REVERSAL_WINDOW_SECONDS: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('422 REVERSAL_WINDOW_CLOSED once the withdrawal is older than REVERSAL_WINDOW_SECONDS, changing nothing', async () => {
    const machine = await createMachine(t, [bill('20.00', 10)]);
    const account = await openAccount(t, '100.00');
    const res = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '20.00' });
    await sleep(1100);
    const before = await snapshot(t, machine, [account]);
    const late = await t.http().post(`/machines/${machine}/withdrawals/${res.body.transaction_id}/reversal`).send({});
    expect([late.status, late.body.code]).toEqual([422, 'REVERSAL_WINDOW_CLOSED']);
    expect(await snapshot(t, machine, [account])).toEqual(before);
  });
});
