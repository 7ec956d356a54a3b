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

type Pieces = Array<{ denomination: string; count: number }>;
type Body = { transaction_id?: number; transaction_ids?: number[]; transfer_id?: string; dispensed?: Pieces; returned?: Pieces };

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
  } else if (o.op.kind === 'reversal' || o.op.kind === 'correction') {
    matchReversal(o, rows, checks);
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

/** One `atm_reversal` (cash back, worth the credit) or `reversal` row, carrying the key as its reason, linked to its target. */
function matchReversal(o: Outcome, rows: LedgerRow[], checks: Checks): void {
  const body = (o.reply.body ?? {}) as Body;
  const id = o.op.kind === 'reversal' ? body.transaction_id : body.transaction_ids?.[0];
  const type = o.op.kind === 'reversal' ? 'atm_reversal' : 'reversal';
  const row = rows[0];
  const cash = row ? row.cash.reduce((s, c) => s + c.denomination * c.count, 0n) : -1n;
  checks.check(
    rows.length === 1 &&
      row.id === id &&
      row.type === type &&
      row.reverses === o.op.target &&
      row.accountNumber === o.op.account &&
      row.amount === o.op.delta &&
      (o.op.kind === 'correction' ? row.cash.length === 0 : row.machineId === o.op.machine && cash === o.op.delta),
    () => `${o.op.key}: expected one ${type} row #${id} of ${o.op.delta} reversing #${o.op.target}, found ${JSON.stringify(rows, jsonBig)}`,
  );
}

/** No row is undone twice, and a row is undone exactly when an acknowledged reversal or correction says so. */
function checkUndoneOnce(outcomes: Outcome[], ledger: LedgerRow[], checks: Checks): void {
  const undone = new Map<number, number>();
  for (const r of ledger) if (r.reverses !== null) undone.set(r.reverses, (undone.get(r.reverses) ?? 0) + 1);
  checks.check(
    [...undone.values()].every((n) => n === 1),
    () =>
      `rows undone more than once: ${[...undone]
        .filter(([, n]) => n > 1)
        .map(([id]) => id)
        .join(', ')}`,
  );
  for (const o of outcomes.filter((x) => x.op.target !== undefined)) {
    const applied = o.reply.status < 300;
    if (applied || (o.reply.body as { code?: string }).code === 'ALREADY_REVERSED') {
      checks.check(undone.has(o.op.target as number), () => `${o.op.key}: #${o.op.target} answered ${o.reply.status} yet not undone`);
    }
  }
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
  checkUndoneOnce(outcomes, mine, checks);
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
    const move = (pieces: Pieces, sign: bigint) => {
      for (const d of pieces) {
        const denomination = toMinor(d.denomination);
        expected.set(denomination, (expected.get(denomination) ?? 0n) + sign * BigInt(d.count));
      }
    };
    let handedOut = 0n;
    for (const o of outcomes.filter((x) => x.reply.status < 300 && x.op.machine === machine.id)) {
      move((o.reply.body as Body).dispensed ?? [], -1n);
      move((o.reply.body as Body).returned ?? [], 1n);
      handedOut += o.op.kind === 'reversal' ? -(o.op.delta as bigint) : o.op.amount;
    }
    // Conservation: the cash the machine lost is what its customers' accounts paid for what they kept.
    const value = (counts: Map<bigint, bigint> | undefined) => [...(counts ?? [])].reduce((s, [d, c]) => s + d * c, 0n);
    checks.equal(
      value(machine.initial) - value(inventory.get(machine.id)),
      handedOut,
      `${machine.id} cash handed out vs ATM debits less reversals`,
    );
    for (const [denomination, initial] of machine.initial) {
      const counted = inventory.get(machine.id)?.get(denomination);
      checks.equal(counted, fromLedger.get(denomination), `${machine.id} cassette ${denomination} vs ledger cash (initial ${initial})`);
      checks.equal(counted, expected.get(denomination), `${machine.id} cassette ${denomination} vs acknowledged dispenses`);
    }
  }
}

export const jsonBig = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);
