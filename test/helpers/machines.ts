import { param, TestApp } from './test-app';

export type CassetteSpec = { denomination: string; kind: 'bill' | 'coin'; count: number; capacity: number; low_threshold?: number | null };

let counter = 0;
/** A machine id no other spec or test uses. */
export function uniqueMachineId(prefix = 'm'): string {
  counter += 1;
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${counter}`;
}

export const bill = (denomination: string, count: number, capacity = 2000): CassetteSpec => ({
  denomination,
  kind: 'bill',
  count,
  capacity,
});
export const coin = (denomination: string, count: number, capacity = 2000): CassetteSpec => ({
  denomination,
  kind: 'coin',
  count,
  capacity,
});

/** Creates a machine through the API and returns its id. */
export async function createMachine(t: TestApp, cassettes: CassetteSpec[], extra: Record<string, unknown> = {}): Promise<string> {
  const machine_id = uniqueMachineId();
  const res = await t
    .http()
    .post('/machines')
    .send({ machine_id, cassettes, ...extra });
  if (res.status !== 201) throw new Error(`create machine failed: ${res.status} ${JSON.stringify(res.body)}`);
  return machine_id;
}

/** Cassette counts straight from the table, by denomination in minor units. */
export async function cassetteCounts(t: TestApp, machineId: string): Promise<Map<bigint, number>> {
  const rows = await t.sql<{ denomination: unknown; count: unknown }>(
    `SELECT denomination, count FROM cassettes WHERE machine_id = ${param(1)}`,
    [machineId],
  );
  return new Map(rows.map((r) => [BigInt(r.denomination as string), Number(r.count)]));
}

/** Sum of the machine's ledger cash movements per denomination, and its ledger row count. */
export async function ledgerCash(t: TestApp, machineId: string): Promise<{ sums: Map<bigint, number>; rows: number }> {
  const rows = await t.sql<{ cash: string | null }>(`SELECT cash FROM ledger_entries WHERE machine_id = ${param(1)}`, [machineId]);
  const sums = new Map<bigint, number>();
  for (const row of rows) {
    for (const line of JSON.parse(row.cash ?? '[]') as Array<{ denomination: number; count: number }>) {
      const key = BigInt(line.denomination);
      sums.set(key, (sums.get(key) ?? 0) + line.count);
    }
  }
  return { sums, rows: rows.length };
}

/** The machine invariant: every cassette count equals the sum of its ledger cash movements. */
export async function expectCassettesMatchLedger(t: TestApp, machineId: string): Promise<void> {
  const counts = await cassetteCounts(t, machineId);
  const { sums } = await ledgerCash(t, machineId);
  for (const [denomination, count] of counts) expect([denomination, sums.get(denomination) ?? 0]).toEqual([denomination, count]);
  for (const denomination of sums.keys()) expect(counts.has(denomination)).toBe(true);
}

/** Everything a refusal must leave unchanged: balances, cassette counts, ledger row count. */
export async function snapshot(t: TestApp, machineId: string, accounts: string[] = []): Promise<unknown> {
  // Only this machine's and these accounts' rows: other spec files share the Postgres database.
  const owners = accounts.map((_, i) => param(i + 2)).join(', ');
  const [ledger] = await t.sql<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM ledger_entries WHERE machine_id = ${param(1)}${owners ? ` OR account_number IN (${owners})` : ''}`,
    [machineId, ...accounts],
  );
  const balances: Record<string, string> = {};
  for (const n of accounts) {
    const [row] = await t.sql<{ balance: unknown; withdrawn_today: unknown }>(
      `SELECT balance, withdrawn_today FROM accounts WHERE account_number = ${param(1)}`,
      [n],
    );
    balances[n] = `${String(row.balance)}/${String(row.withdrawn_today)}`;
  }
  const counts = Object.fromEntries([...(await cassetteCounts(t, machineId))].map(([d, c]) => [String(d), c]));
  return { ledgerRows: Number(ledger.n), balances, counts };
}
