import { balanceAndLedger, openAccount } from './helpers/bank';
import { bill, cassetteCounts, coin, createMachine, expectCassettesMatchLedger, ledgerCash } from './helpers/machines';
import { createTestApp, param, TestApp } from './helpers/test-app';

const cents = (money: string): bigint => {
  const [whole, fraction = ''] = money.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
};

type Piece = { denomination: string; kind: string; count: number };

describe('machines: concurrent cash movements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('50 concurrent ATM withdrawals never over-dispense: dispensed = inventory drop = account debits = ledger', async () => {
    // 525.00 in the machine, 5 × 150.00 in the accounts, ~2600.00 asked for: the cash runs out first.
    const machine = await createMachine(t, [bill('50.00', 4), bill('20.00', 10), bill('10.00', 10), coin('1.00', 20), coin('0.25', 20)]);
    const accounts = await Promise.all(Array.from({ length: 5 }, () => openAccount(t, '150.00')));
    const before = await cassetteCounts(t, machine);
    const amounts = ['60.00', '30.00', '70.00', '15.50', '110.00', '40.25', '5.00', '95.00', '0.75', '20.00'];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t
          .http()
          .post(`/machines/${machine}/withdrawals`)
          .send({ account_number: accounts[i % 5], amount: amounts[i % amounts.length] }),
      ),
    );

    const paid = responses.filter((r) => r.status === 201);
    for (const r of responses.filter((x) => x.status !== 201)) {
      expect([r.status, ['INSUFFICIENT_FUNDS', 'CANNOT_DISPENSE', 'TOO_MANY_COINS'].includes(r.body.code)]).toEqual([422, true]);
    }
    expect(paid.length).toBeGreaterThan(5);
    expect(paid.length).toBeLessThan(50);

    // Each response pays exactly its amount; their sum per denomination is what left the cassettes.
    const dispensed = new Map<bigint, number>();
    let total = 0n;
    for (const r of paid) {
      const value = (r.body.dispensed as Piece[]).reduce((sum, p) => sum + cents(p.denomination) * BigInt(p.count), 0n);
      expect(value).toBe(cents(r.body.amount));
      total += value;
      for (const p of r.body.dispensed as Piece[])
        dispensed.set(cents(p.denomination), (dispensed.get(cents(p.denomination)) ?? 0) + p.count);
    }
    const after = await cassetteCounts(t, machine);
    for (const [denomination, count] of before) {
      expect([denomination, count - (after.get(denomination) as number)]).toEqual([denomination, dispensed.get(denomination) ?? 0]);
      expect(after.get(denomination)).toBeGreaterThanOrEqual(0);
    }

    let debited = 0n;
    for (const account of accounts) {
      const { balance, ledger } = await balanceAndLedger(t, account);
      expect(balance).toBe(ledger);
      expect(balance).toBeGreaterThanOrEqual(0n);
      debited += 15000n - balance;
    }
    expect(debited).toBe(total);

    const rows = await t.sql<{ amount: unknown }>(
      `SELECT amount FROM ledger_entries WHERE machine_id = ${param(1)} AND type = 'atm_withdrawal'`,
      [machine],
    );
    expect(rows).toHaveLength(paid.length);
    expect(rows.reduce((sum, r) => sum - BigInt(r.amount as string), 0n)).toBe(total);
    const { sums } = await ledgerCash(t, machine);
    for (const [denomination, count] of after) expect([denomination, sums.get(denomination)]).toEqual([denomination, count]);
    await expectCassettesMatchLedger(t, machine);
  });

  it('mixed concurrent withdrawals, deposits, refills, maintenance and transfers keep every invariant', async () => {
    const stock = [bill('50.00', 10, 40), bill('20.00', 20, 60), bill('10.00', 10, 40), coin('0.25', 40, 200)];
    const machines = [await createMachine(t, stock), await createMachine(t, stock)];
    const accounts = await Promise.all(Array.from({ length: 4 }, () => openAccount(t, '300.00')));
    const ops = Array.from({ length: 48 }, (_, i) => {
      const machine = machines[i % 2];
      const account = accounts[i % 4];
      switch (i % 6) {
        case 0:
        case 1:
          return t
            .http()
            .post(`/machines/${machine}/withdrawals`)
            .send({ account_number: account, amount: i % 4 === 0 ? '80.00' : '30.25' });
        case 2:
          return t
            .http()
            .post(`/machines/${machine}/deposits`)
            .send({
              account_number: account,
              cash: [
                { denomination: '20.00', count: 2 },
                { denomination: '0.25', count: 3 },
              ],
            });
        case 3:
          return t
            .http()
            .post(`/machines/${machine}/refill`)
            .send({ cassettes: [{ denomination: '10.00', count: 2 }] });
        case 4:
          return t
            .http()
            .post('/transfers')
            .send({ from_account: account, to_account: accounts[(i + 1) % 4], amount: '12.34' });
        default:
          return i % 12 === 5 ? t.http().post(`/machines/${machine}/maintenance`) : t.http().get(`/machines/${machine}/inventory`);
      }
    });
    const responses = await Promise.all(ops);
    // Business refusals (funds, dispensing, capacity) are fine; anything else, a 5xx above all, is not.
    expect(responses.filter((r) => r.status >= 300 && r.status !== 422).map((r) => [r.status, r.body])).toEqual([]);
    expect(responses.filter((r, i) => i % 6 < 2 && r.status === 201).length).toBeGreaterThan(0);
    expect(responses.filter((r, i) => i % 6 === 2 && r.status === 201).length).toBeGreaterThan(0);
    for (const machine of machines) await expectCassettesMatchLedger(t, machine);
    let sum = 0n;
    for (const account of accounts) {
      const { balance, ledger } = await balanceAndLedger(t, account);
      expect(balance).toBe(ledger);
      sum += balance;
    }
    // Money only enters or leaves the four accounts through the machines.
    const [atm] = await t.sql<{ total: unknown }>(
      `SELECT COALESCE(SUM(amount), 0) AS total FROM ledger_entries WHERE machine_id IN (${param(1)}, ${param(2)}) AND account_number IS NOT NULL`,
      machines,
    );
    expect(sum).toBe(120000n + BigInt(atm.total as string));
  });
});
