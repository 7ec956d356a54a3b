// Exactly once, row by row: every acknowledged operation has exactly its
// ledger rows (found by the key it carried as `reference`, or by the
// transaction id it was answered with), every refused one has none, and no
// ledger row of the bank exists that no acknowledged operation explains.
import { Bank } from './bank-setup';
import { Outcome } from './bank-load';
import { Inventory } from './bank-invariants';
import { Checks } from './checks';
import { LedgerRow } from './ledger-rows';
import { toMinor } from './money';

type Body = { transaction_id?: number; transfer_id?: string; dispensed?: Array<{ denomination: string; count: number }> };

function matchOutcome(
  o: Outcome,
  byReference: Map<string, LedgerRow[]>,
  byId: Map<number, LedgerRow>,
  used: Set<number>,
  checks: Checks,
): void {
  const body = (o.reply.body ?? {}) as Body;
  const rows = byReference.get(o.op.key) ?? [];
  const key = o.op.key;
  if (o.reply.status >= 300) {
    checks.check(rows.length === 0, () => `${key}: refused (${o.reply.status}) yet ${rows.length} ledger rows`);
    return;
  }
  if (o.op.kind === 'deposit' || o.op.kind === 'withdraw') {
    const signed = o.op.kind === 'deposit' ? o.op.amount : -o.op.amount;
    const type = o.op.kind === 'deposit' ? 'deposit' : 'withdrawal';
    checks.check(
      rows.length === 1 &&
        rows[0].id === body.transaction_id &&
        rows[0].type === type &&
        rows[0].amount === signed &&
        rows[0].accountNumber === o.op.account,
      () => `${key}: expected one ${o.op.kind} row #${body.transaction_id} of ${signed}, found ${JSON.stringify(rows, jsonBig)}`,
    );
  } else if (o.op.kind === 'transfer') {
    const out = rows.find((r) => r.type === 'transfer_out' && r.accountNumber === o.op.account && r.amount === -o.op.amount);
    const into = rows.find((r) => r.type === 'transfer_in' && r.accountNumber === o.op.to && r.amount === o.op.amount);
    checks.check(
      rows.length === 2 && !!out && !!into && rows.every((r) => r.transferId === body.transfer_id),
      () => `${key}: expected the two legs of transfer ${body.transfer_id}, found ${JSON.stringify(rows, jsonBig)}`,
    );
  } else {
    const row = byId.get(body.transaction_id ?? -1);
    const cash = row ? row.cash.reduce((s, c) => s - c.denomination * c.count, 0n) : -1n;
    checks.check(
      !!row &&
        row.type === 'atm_withdrawal' &&
        row.accountNumber === o.op.account &&
        row.machineId === o.op.machine &&
        row.amount === -o.op.amount &&
        cash === o.op.amount,
      () => `${key}: ATM withdrawal #${body.transaction_id} of ${o.op.amount} at ${o.op.machine}: found ${JSON.stringify(row, jsonBig)}`,
    );
    const dispensed = (body.dispensed ?? []).reduce((s, d) => s + toMinor(d.denomination) * BigInt(d.count), 0n);
    checks.equal(dispensed, o.op.amount, `${key}: dispensed notes vs amount`);
  }
  for (const r of o.op.kind === 'atm' ? [byId.get(body.transaction_id ?? -1)] : rows) if (r) used.add(r.id);
}

export function checkExactlyOnce(bank: Bank, outcomes: Outcome[], ledger: LedgerRow[], checks: Checks): void {
  const accounts = new Set(bank.accounts.map((a) => a.number));
  const machines = new Set(bank.machines.map((m) => m.id));
  const mine = ledger.filter(
    (r) => (r.accountNumber !== null && accounts.has(r.accountNumber)) || (r.machineId !== null && machines.has(r.machineId)),
  );
  const byReference = new Map<string, LedgerRow[]>();
  for (const r of mine) if (r.reference !== null) byReference.set(r.reference, [...(byReference.get(r.reference) ?? []), r]);
  const byId = new Map(mine.map((r) => [r.id, r]));
  const used = new Set<number>();
  for (const o of outcomes) matchOutcome(o, byReference, byId, used, checks);
  const setup = (r: LedgerRow) => (r.type === 'deposit' && r.reference === 'initial deposit') || (r.type === 'refill' && r.amount === null);
  const orphans = mine.filter((r) => !used.has(r.id) && !setup(r));
  checks.check(
    orphans.length === 0,
    () => `${orphans.length} ledger rows no acknowledged operation explains: ${JSON.stringify(orphans.slice(0, 5), jsonBig)}`,
  );
}

/** Every cassette: inventory == sum of its ledger cash movements == initial − acknowledged dispenses. */
export function checkCassettes(bank: Bank, outcomes: Outcome[], ledger: LedgerRow[], inventory: Inventory, checks: Checks): void {
  for (const machine of bank.machines) {
    const fromLedger = new Map<bigint, bigint>();
    for (const r of ledger.filter((row) => row.machineId === machine.id)) {
      for (const c of r.cash) fromLedger.set(c.denomination, (fromLedger.get(c.denomination) ?? 0n) + c.count);
    }
    const expected = new Map(machine.initial);
    for (const o of outcomes.filter((x) => x.reply.status < 300 && x.op.machine === machine.id)) {
      for (const d of (o.reply.body as Body).dispensed ?? []) {
        const denomination = toMinor(d.denomination);
        expected.set(denomination, (expected.get(denomination) ?? 0n) - BigInt(d.count));
      }
    }
    for (const [denomination, initial] of machine.initial) {
      const counted = inventory.get(machine.id)?.get(denomination);
      checks.equal(counted, fromLedger.get(denomination), `${machine.id} cassette ${denomination} vs ledger cash (initial ${initial})`);
      checks.equal(counted, expected.get(denomination), `${machine.id} cassette ${denomination} vs acknowledged dispenses`);
    }
  }
}

export const jsonBig = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);
