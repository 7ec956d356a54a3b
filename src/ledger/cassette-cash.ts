import { DomainError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { CashMovement } from './ledger-entry.entity';
import { LockedCassette } from './movement';

/**
 * Applies signed cash to the locked cassettes (in memory), with the cassette
 * rules: UNKNOWN_DENOMINATION, then CASSETTE_CAPACITY_EXCEEDED (when the
 * movement type checks capacity). Taking more pieces than a cassette holds
 * is a bug of the caller's plan: it fails the request, it never moves money.
 * Returns the movement largest denomination first, as the ledger lists it.
 */
export function applyCash(cassettes: LockedCassette[], cash: readonly CashMovement[], checkCapacity: boolean): CashMovement[] {
  const targets = cash.map((line) => {
    const cassette = cassettes.find((c) => c.denomination === line.denomination);
    if (!cassette) throw new DomainError('UNKNOWN_DENOMINATION', `The machine has no cassette for ${formatMoney(line.denomination)}`);
    if (!Number.isInteger(line.count) || line.count === 0) throw new Error(`cash line of ${line.count} pieces`);
    return { cassette, line };
  });
  for (const { cassette, line } of targets) {
    if (checkCapacity && line.count > 0 && cassette.count + line.count > cassette.capacity) {
      throw new DomainError(
        'CASSETTE_CAPACITY_EXCEEDED',
        `The ${formatMoney(cassette.denomination)} cassette holds ${cassette.count} of ${cassette.capacity}; ${line.count} more do not fit`,
      );
    }
    if (cassette.count + line.count < 0) {
      throw new Error(`cash plan takes ${-line.count} × ${cassette.denomination} from a cassette holding ${cassette.count}`);
    }
  }
  for (const { cassette, line } of targets) cassette.count += line.count;
  return [...cash].sort((a, b) => (a.denomination === b.denomination ? 0 : a.denomination > b.denomination ? -1 : 1));
}

/** The value of signed cash in minor units (+ into the machine). */
export function cashValue(cash: readonly CashMovement[]): bigint {
  return cash.reduce((sum, line) => sum + line.denomination * BigInt(line.count), 0n);
}

/** JSON of `[{ "denomination": <minor units>, "count": <signed pieces> }]`, as the ledger stores it. */
export function serializeCash(cash: readonly CashMovement[] | null | undefined): string | null {
  if (!cash) return null;
  return JSON.stringify(cash.map((c) => ({ denomination: Number(c.denomination), count: c.count })));
}

export function parseCash(text: string | null): CashMovement[] | null {
  if (text === null) return null;
  const rows = JSON.parse(text) as Array<{ denomination: number; count: number }>;
  return rows.map((r) => ({ denomination: BigInt(r.denomination), count: r.count }));
}
