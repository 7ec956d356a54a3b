import { param, TestApp, uniqueAccountNumber } from './test-app';

/** Opens an account through the API and returns its number. */
export async function openAccount(t: TestApp, initial = '0.00', extra: Record<string, unknown> = {}): Promise<string> {
  const account_number = uniqueAccountNumber();
  const res = await t
    .http()
    .post('/accounts')
    .send({ account_number, initial_deposit: initial, ...extra });
  if (res.status !== 201) throw new Error(`open account failed: ${res.status} ${JSON.stringify(res.body)}`);
  return account_number;
}

export async function balanceOf(t: TestApp, accountNumber: string): Promise<string> {
  const res = await t.http().get(`/accounts/${accountNumber}/balance`);
  return res.body.balance as string;
}

/** The account's balance and the sum of its ledger amounts, both in minor units. */
export async function balanceAndLedger(t: TestApp, accountNumber: string): Promise<{ balance: bigint; ledger: bigint; rows: number }> {
  const [account] = await t.sql<{ balance: unknown }>(`SELECT balance FROM accounts WHERE account_number = ${param(1)}`, [accountNumber]);
  const [sum] = await t.sql<{ total: unknown; n: unknown }>(
    `SELECT COALESCE(SUM(amount), 0) AS total, COUNT(*) AS n FROM ledger_entries WHERE account_number = ${param(1)}`,
    [accountNumber],
  );
  return { balance: BigInt(account.balance as string), ledger: BigInt(sum.total as string), rows: Number(sum.n) };
}
