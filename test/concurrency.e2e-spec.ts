import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, TestApp } from './helpers/test-app';

type Response = { status: number; body: { code?: string } };

function countBy(responses: Response[]): Record<string, number> {
  return responses.reduce<Record<string, number>>((acc, r) => {
    const key = r.status < 300 ? String(r.status) : `${r.status} ${r.body.code}`;
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});
}

describe('concurrency: balances always equal the ledger, never below the overdraft limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('120 concurrent withdrawals on 3 accounts take exactly what is there', async () => {
    const accounts = await Promise.all([
      openAccount(t, '300.00'),
      openAccount(t, '300.00'),
      openAccount(t, '300.00', { overdraft_limit: '50.00' }),
    ]);
    const requests = accounts.flatMap((n) =>
      Array.from({ length: 40 }, () => t.http().post(`/accounts/${n}/withdraw`).send({ amount: '10.00' })),
    );
    const responses: Response[] = await Promise.all(requests);
    // 30 + 30 + 35 succeed; every other request is a clean refusal.
    expect(countBy(responses)).toEqual({ '200': 95, '422 INSUFFICIENT_FUNDS': 25 });
    const final = await Promise.all(accounts.map((n) => balanceAndLedger(t, n)));
    expect(final).toEqual([
      { balance: 0n, ledger: 0n, rows: 31 },
      { balance: 0n, ledger: 0n, rows: 31 },
      { balance: -5000n, ledger: -5000n, rows: 36 },
    ]);
  });

  it('150 concurrent transfers in both directions never deadlock into a 5xx and conserve money', async () => {
    const accounts = await Promise.all(Array.from({ length: 4 }, () => openAccount(t, '100.00', { overdraft_limit: '20.00' })));
    const requests = Array.from({ length: 150 }, (_, i) => {
      const from = accounts[i % 4];
      const to = accounts[(i + 1 + (i % 3)) % 4];
      return t
        .http()
        .post('/transfers')
        .send({ from_account: from, to_account: to, amount: `${(i % 7) + 1}.25` });
    });
    const responses: Response[] = await Promise.all(requests);
    const outcomes = countBy(responses);
    expect(Object.keys(outcomes).filter((k) => k !== '201' && k !== '422 INSUFFICIENT_FUNDS')).toEqual([]);
    const final = await Promise.all(accounts.map((n) => balanceAndLedger(t, n)));
    for (const { balance, ledger } of final) {
      expect(balance).toBe(ledger);
      expect(balance).toBeGreaterThanOrEqual(-2000n);
    }
    expect(final.reduce((sum, f) => sum + f.balance, 0n)).toBe(40000n);
  });

  it('a storm of mixed deposits, withdrawals and transfers keeps every invariant', async () => {
    const accounts = await Promise.all(Array.from({ length: 3 }, () => openAccount(t, '20.00', { overdraft_limit: '10.00' })));
    const requests = Array.from({ length: 150 }, (_, i) => {
      const n = accounts[i % 3];
      if (i % 3 === 0) return t.http().post(`/accounts/${n}/deposit`).send({ amount: '1.10' });
      if (i % 3 === 1) return t.http().post(`/accounts/${n}/withdraw`).send({ amount: '3.30' });
      return t
        .http()
        .post('/transfers')
        .send({ from_account: n, to_account: accounts[(i + 1) % 3], amount: '2.20' });
    });
    const responses: Response[] = await Promise.all(requests);
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    const withdrawn = responses.filter((r, i) => i % 3 === 1 && r.status === 200).length;
    const final = await Promise.all(accounts.map((n) => balanceAndLedger(t, n)));
    for (const { balance, ledger } of final) {
      expect(balance).toBe(ledger);
      expect(balance).toBeGreaterThanOrEqual(-1000n);
    }
    const total = final.reduce((sum, f) => sum + f.balance, 0n);
    expect(total).toBe(6000n + 50n * 110n - BigInt(withdrawn) * 330n);
  });
});
