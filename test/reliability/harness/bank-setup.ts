// The bank of the Jepsen-style workload: 10 accounts (some with an overdraft)
// and 1–2 machines full of bills, created through the API.
import { LOAD } from './env';
import { HttpStats, sendUntilAnswered } from './http';
import { toText } from './money';

export interface BankAccount {
  number: string;
  initial: bigint;
  overdraft: bigint;
}

export interface BankMachine {
  id: string;
  /** Initial pieces per denomination (minor units). */
  initial: Map<bigint, bigint>;
}

export interface Bank {
  runId: string;
  accounts: BankAccount[];
  machines: BankMachine[];
}

const BILLS: Array<[bigint, bigint]> = [
  [10000n, 400n],
  [5000n, 400n],
  [2000n, 2000n],
  [1000n, 2000n],
  [500n, 2000n],
];

export async function createBank(baseUrl: string, stats: HttpStats, options: { accounts?: number; machines?: number } = {}): Promise<Bank> {
  const runId = `r${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const deadline = Date.now() + 60_000;
  const accounts: BankAccount[] = [];
  for (let i = 0; i < (options.accounts ?? 10); i++) {
    const account = { number: `${runId}a${i}`, initial: 100_000n, overdraft: i < 3 ? 10_000n : 0n };
    const reply = await sendUntilAnswered(
      () => baseUrl,
      {
        method: 'POST',
        path: '/accounts',
        key: `${runId}-open-${i}`,
        body: { account_number: account.number, initial_deposit: toText(account.initial), overdraft_limit: toText(account.overdraft) },
      },
      stats,
      deadline,
    );
    if (reply.status !== 201) throw new Error(`opening ${account.number}: ${reply.status} ${JSON.stringify(reply.body)}`);
    accounts.push(account);
  }
  const machines: BankMachine[] = [];
  for (let i = 0; i < (options.machines ?? LOAD.machines); i++) {
    const machine = { id: `${runId}m${i}`, initial: new Map(BILLS) };
    const cassettes = BILLS.map(([denomination, count]) => ({
      denomination: toText(denomination),
      kind: 'bill',
      count: Number(count),
      capacity: 5000,
    }));
    const reply = await sendUntilAnswered(
      () => baseUrl,
      {
        method: 'POST',
        path: '/machines',
        key: `${runId}-machine-${i}`,
        body: { machine_id: machine.id, name: `ATM ${i}`, cassettes },
      },
      stats,
      deadline,
    );
    if (reply.status !== 201) throw new Error(`creating machine ${machine.id}: ${reply.status} ${JSON.stringify(reply.body)}`);
    machines.push(machine);
  }
  return { runId, accounts, machines };
}
