import { Clock } from '../src/common/clock';
import { PostingService } from '../src/ledger/posting.service';
import { balanceAndLedger } from './helpers/bank';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

/** A clock the test moves by hand. */
class FixedClock extends Clock {
  at = '2026-03-01T23:59:59.000Z';
  override now(): Date {
    return new Date(this.at);
  }
}

// The daily limit counts withdrawals of the UTC calendar day: a new day
// starts at 00:00:00.000Z with the whole limit again.
describe('daily withdrawal limit at UTC midnight', () => {
  const clock = new FixedClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, (builder) => builder.overrideProvider(Clock).useValue(clock));
  });

  afterAll(async () => {
    await t?.close();
  });

  const open = async () => {
    const account = uniqueAccountNumber('dl');
    const res = await t
      .http()
      .post('/accounts')
      .send({ account_number: account, initial_deposit: '1000.00', daily_withdrawal_limit: '100.00' });
    expect(res.status).toBe(201);
    return account;
  };
  const withdraw = (account: string, amount: string) => t.http().post(`/accounts/${account}/withdraw`).send({ amount });
  const atm = (machine: string, account: string, amount: string) =>
    t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount });
  const atmId = async (machine: string, account: string, amount: string) => {
    const res = await atm(machine, account, amount);
    expect(res.status).toBe(201);
    return res.body.transaction_id as number;
  };

  it('refuses past the limit until 23:59:59.999, and gives the whole limit back at 00:00:00.000', async () => {
    clock.at = '2026-03-01T23:59:59.000Z';
    const account = await open();
    const machine = await createMachine(t, [bill('20.00', 50)]);
    await expect(withdraw(account, '60.00')).resolves.toMatchObject({ status: 200 });
    await expect(atm(machine, account, '40.00')).resolves.toMatchObject({ status: 201 });
    clock.at = '2026-03-01T23:59:59.999Z';
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    clock.at = '2026-03-02T00:00:00.000Z';
    await expect(atm(machine, account, '100.00')).resolves.toMatchObject({ status: 201 });
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    const history = await t.http().get(`/accounts/${account}/transactions`).expect(200);
    expect(history.body.items.map((row: { created_at: string }) => row.created_at)).toEqual([
      '2026-03-02T00:00:00.000Z',
      '2026-03-01T23:59:59.000Z',
      '2026-03-01T23:59:59.000Z',
      '2026-03-01T23:59:59.000Z',
    ]);
    await expect(balanceAndLedger(t, account)).resolves.toMatchObject({ balance: 80000n, ledger: 80000n });
  });

  it('an ATM reversal gives back room of its own day only', async () => {
    clock.at = '2026-03-03T23:00:00.000Z';
    const account = await open();
    const machine = await createMachine(t, [bill('20.00', 50)]);
    const yesterday = await atmId(machine, account, '40.00');
    clock.at = '2026-03-04T10:00:00.000Z';
    const today = await atmId(machine, account, '100.00');
    const posting = t.app.get(PostingService);
    const reverse = (id: number, amount: bigint, pieces: number, day: string) =>
      posting.post({
        type: 'atm_reversal',
        legs: [{ account, amount, reverses: id, limitDay: day }],
        machine: { id: machine, cash: [{ denomination: 2000n, count: pieces }] },
      });
    // Yesterday's withdrawal given back today: money back, today's room unchanged.
    await reverse(yesterday, 4000n, 2, '2026-03-03');
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    // Part of today's given back: that much room again, and no more.
    await reverse(today, 6000n, 3, '2026-03-04');
    await expect(withdraw(account, '60.00')).resolves.toMatchObject({ status: 200 });
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    // A row is reversed at most once: a second reversal is refused and changes nothing.
    await expect(t.http().post(`/machines/${machine}/withdrawals/${today}/reversal`).send({})).resolves.toMatchObject({
      status: 409,
      body: { code: 'ALREADY_REVERSED' },
    });
    const row = await t.http().get(`/transactions/${today}`).expect(200);
    expect(row.body.reversed_by).toEqual(expect.any(Number));
    await expect(balanceAndLedger(t, account)).resolves.toMatchObject({ balance: 90000n, ledger: 90000n });
  });

  it("a correction of a teller withdrawal gives back its own day's room; a correction of a deposit uses none", async () => {
    clock.at = '2026-03-05T22:00:00.000Z';
    const account = await open();
    const correct = (id: number) => t.http().post(`/transactions/${id}/reversal`).send({ reason: 'keyed in twice' });
    const yesterday = (await withdraw(account, '30.00').expect(200)).body.transaction_id as number;
    clock.at = '2026-03-06T09:00:00.000Z';
    const today = (await withdraw(account, '100.00').expect(200)).body.transaction_id as number;
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    // Yesterday's withdrawal undone today: the money comes back, today's room does not grow.
    await expect(correct(yesterday)).resolves.toMatchObject({ status: 200 });
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    // Today's undone: its 100.00 of room is back, and no more.
    await expect(correct(today)).resolves.toMatchObject({ status: 200 });
    await expect(withdraw(account, '100.00')).resolves.toMatchObject({ status: 200 });
    await expect(withdraw(account, '0.01')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
    // Undoing a deposit is a debit, but not a withdrawal: allowed with the day's room used up.
    const deposit = (await t.http().post(`/accounts/${account}/deposit`).send({ amount: '5.00' }).expect(200)).body
      .transaction_id as number;
    await expect(correct(deposit)).resolves.toMatchObject({ status: 200 });
    await expect(balanceAndLedger(t, account)).resolves.toMatchObject({ balance: 90000n, ledger: 90000n });
  });
});
