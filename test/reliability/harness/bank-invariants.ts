// What must hold after the bank workload, however it was disturbed (kills,
// two instances, a database outage): the money adds up, nothing was applied
// twice or lost, and every balance and cassette equals its ledger.
import { Bank } from './bank-setup';
import { Outcome } from './bank-load';
import { Checks } from './checks';
import { AccountRow, LedgerRow } from './ledger-rows';
import { toMinor } from './money';

/** Cassette counts per machine and denomination (minor units), as the inventory endpoint reports them. */
export type Inventory = Map<string, Map<bigint, bigint>>;

interface Body {
  code?: string;
  amount?: string;
  balance?: string;
  transaction_id?: number;
  transfer_id?: string;
  from?: { balance: string };
  dispensed?: Array<{ denomination: string; count: number }>;
  accounts?: Array<{ account_number: string; balance: string }>;
}

const ALLOWED: Record<string, string[]> = {
  deposit: ['200'],
  withdraw: ['200', '422 INSUFFICIENT_FUNDS'],
  transfer: ['201', '422 INSUFFICIENT_FUNDS', '422 SAME_ACCOUNT'],
  atm: ['201', '422 INSUFFICIENT_FUNDS', '422 CANNOT_DISPENSE', '422 TOO_MANY_COINS'],
  // A second reversal of one row, sent while or after the first applied.
  reversal: ['201', '409 ALREADY_REVERSED'],
  // The deposited money may be gone by the time the correction comes.
  correction: ['200', '409 ALREADY_REVERSED', '422 INSUFFICIENT_FUNDS'],
};

const ok = (o: Outcome) => o.reply.status < 300;
const body = (o: Outcome) => (o.reply.body ?? {}) as Body;

export function checkAnswers(bank: Bank, outcomes: Outcome[], checks: Checks): void {
  const overdraft = new Map(bank.accounts.map((a) => [a.number, a.overdraft]));
  for (const o of outcomes) {
    const answer = ok(o) ? String(o.reply.status) : `${o.reply.status} ${body(o).code}`;
    checks.check(
      ALLOWED[o.op.kind].includes(answer),
      () => `${o.op.kind} ${o.op.key}: unexpected answer ${answer} ${JSON.stringify(o.reply.body)}`,
    );
    if (!ok(o)) continue;
    if (o.op.kind === 'correction') {
      const after = body(o).accounts?.[0]?.balance;
      checks.check(
        after !== undefined && toMinor(after) >= -(overdraft.get(o.op.account) ?? 0n),
        () => `${o.op.key}: balance ${after} below the overdraft limit`,
      );
      continue;
    }
    checks.check(
      body(o).amount !== undefined && toMinor(String(body(o).amount)) === o.op.amount,
      () => `${o.op.key}: amount ${body(o).amount} for ${o.op.amount}`,
    );
    const after = o.op.kind === 'transfer' ? body(o).from?.balance : body(o).balance;
    checks.check(
      after !== undefined && toMinor(after) >= -(overdraft.get(o.op.account) ?? 0n),
      () => `${o.op.key}: balance ${after} below the overdraft limit`,
    );
  }
}

/** Expected balance of every bank account from its opening balance and the acknowledged operations. */
function expectedBalances(bank: Bank, outcomes: Outcome[]): Map<string, bigint> {
  const balances = new Map(bank.accounts.map((a) => [a.number, a.initial]));
  const add = (account: string, delta: bigint) => balances.set(account, (balances.get(account) ?? 0n) + delta);
  for (const o of outcomes.filter(ok)) {
    if (o.op.delta !== undefined) add(o.op.account, o.op.delta);
    else if (o.op.kind === 'deposit') add(o.op.account, o.op.amount);
    else add(o.op.account, -o.op.amount);
    if (o.op.kind === 'transfer') add(o.op.to as string, o.op.amount);
  }
  return balances;
}

export function checkAccounts(
  bank: Bank,
  outcomes: Outcome[],
  accounts: Map<string, AccountRow>,
  ledger: LedgerRow[],
  checks: Checks,
): void {
  const expected = expectedBalances(bank, outcomes);
  let total = 0n;
  for (const account of bank.accounts) {
    const row = accounts.get(account.number);
    const balance = row?.balance ?? 0n;
    total += balance;
    const rows = ledger.filter((r) => r.accountNumber === account.number);
    checks.equal(balance, expected.get(account.number), `${account.number} balance vs acknowledged operations`);
    checks.equal(
      balance,
      rows.reduce((sum, r) => sum + (r.amount ?? 0n), 0n),
      `${account.number} balance vs ledger sum`,
    );
    checks.check(balance >= -account.overdraft, () => `${account.number} balance ${balance} below -${account.overdraft}`);
    let running = 0n;
    const broken = rows.find((r) => {
      running += r.amount ?? 0n;
      return r.balanceAfter !== running || running < -account.overdraft;
    });
    checks.check(
      broken === undefined,
      () => `${account.number} ledger chain broken at row ${broken?.id}: balance_after ${broken?.balanceAfter}, running sum ${running}`,
    );
  }
  const acknowledged = outcomes.filter(ok);
  const sum = (kind: string) => acknowledged.filter((o) => o.op.kind === kind).reduce((s, o) => s + (o.op.delta ?? o.op.amount), 0n);
  const initial = bank.accounts.reduce((s, a) => s + a.initial, 0n);
  checks.equal(
    total,
    initial + sum('deposit') - sum('withdraw') - sum('atm') + sum('reversal') + sum('correction'),
    'total money vs initial + deposits - withdrawals + reversals and corrections',
  );
}
