import { balanceAndLedger, openAccount } from './helpers/bank';
import { bill, cassetteCounts, coin, createMachine, expectCassettesMatchLedger } from './helpers/machines';
import { createTestApp, param, TestApp } from './helpers/test-app';

describe('reversals: exactly once under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const reversalsOf = async (id: number) => {
    const [row] = await t.sql<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ledger_entries WHERE reverses = ${param(1)}`, [id]);
    return Number(row.n);
  };

  it('20 concurrent reversals of one withdrawal: exactly one applies, the others are 409 ALREADY_REVERSED', async () => {
    const machine = await createMachine(t, [bill('50.00', 10), bill('20.00', 10), coin('1.00', 20)]);
    const account = await openAccount(t, '500.00');
    const before = await cassetteCounts(t, machine);
    const w = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '91.00' });
    expect(w.status).toBe(201);
    const id = w.body.transaction_id as number;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/machines/${machine}/withdrawals/${id}/reversal`)
          // Some report a partial dispense, some none: whichever wins, only it applies.
          .send(i % 2 ? { dispensed: [{ denomination: '20.00', count: 2 }] } : {}),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body.code).toBe('ALREADY_REVERSED');
    const winner = responses.find((r) => r.status === 201)!;
    expect(await reversalsOf(id)).toBe(1);
    const handedOut = winner.body.amount === '91.00' ? 0n : 4000n;
    const { balance, ledger } = await balanceAndLedger(t, account);
    expect([balance, ledger]).toEqual([50000n - handedOut, 50000n - handedOut]);
    const after = await cassetteCounts(t, machine);
    expect(after.get(2000n)).toBe((before.get(2000n) as number) - (handedOut ? 2 : 0));
    await expectCassettesMatchLedger(t, machine);
  });

  it('20 concurrent corrections of one transfer, given either leg: both legs are undone once', async () => {
    const a = await openAccount(t, '100.00');
    const b = await openAccount(t, '0.00');
    const res = await t.http().post('/transfers').send({ from_account: a, to_account: b, amount: '60.00' });
    const legs = await t.sql<{ id: unknown }>(`SELECT id FROM ledger_entries WHERE transfer_id = ${param(1)} ORDER BY id`, [
      res.body.transfer_id,
    ]);
    const ids = legs.map((l) => Number(l.id));
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/transactions/${ids[i % 2]}/reversal`)
          .send({ reason: `race ${i}` }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array<number>(19).fill(409)]);
    expect([await reversalsOf(ids[0]), await reversalsOf(ids[1])]).toEqual([1, 1]);
    for (const account of [a, b]) {
      const { balance, ledger } = await balanceAndLedger(t, account);
      expect(balance).toBe(ledger);
    }
    expect((await balanceAndLedger(t, a)).balance).toBe(10000n);
    expect((await balanceAndLedger(t, b)).balance).toBe(0n);
  });

  it('reversals of different withdrawals of one account and machine run side by side with new withdrawals', async () => {
    const machine = await createMachine(t, [bill('20.00', 100), bill('10.00', 100)]);
    const account = await openAccount(t, '1000.00');
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const w = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '30.00' });
      ids.push(w.body.transaction_id as number);
    }
    const reversals = ids.map((id) => t.http().post(`/machines/${machine}/withdrawals/${id}/reversal`).send({}));
    const withdrawals = ids.map(() => t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '10.00' }));
    const results = await Promise.all([...reversals, ...withdrawals]);
    expect(results.map((r) => r.status)).toEqual([...Array<number>(10).fill(201), ...Array<number>(10).fill(201)]);
    const { balance, ledger } = await balanceAndLedger(t, account);
    expect([balance, ledger]).toEqual([90000n, 90000n]);
    await expectCassettesMatchLedger(t, machine);
  });
});
