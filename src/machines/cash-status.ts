// Low cash (API.md v1.2), written once in TypeScript (views, metrics) and
// once as SQL (the list filter must page in the database); cash-status.spec.ts
// and the machines e2e spec hold the two to the same answers.

export const CASH_STATUSES = ['ok', 'low', 'empty'] as const;
export type CashStatus = (typeof CASH_STATUSES)[number];

export interface CashLevel {
  kind: 'bill' | 'coin';
  count: number;
  lowThreshold: number | null;
}

/** At or below its threshold; a cassette without one is never low. */
export function isLow(cassette: CashLevel): boolean {
  return cassette.lowThreshold !== null && cassette.count <= cassette.lowThreshold;
}

/**
 * `empty` when no note can be handed out (every bill cassette at 0 — a
 * machine without bill cassettes too), else `low` when any cassette is low,
 * else `ok`.
 */
export function cashStatus(cassettes: readonly CashLevel[]): CashStatus {
  if (cassettes.every((c) => c.kind !== 'bill' || c.count === 0)) return 'empty';
  return cassettes.some(isLow) ? 'low' : 'ok';
}

/** The same rule over the cassettes of the machine row `m`, as a scalar subquery. */
export const CASH_STATUS_SQL = `(SELECT CASE
    WHEN SUM(CASE WHEN c.kind = 'bill' AND c.count > 0 THEN 1 ELSE 0 END) = 0 THEN 'empty'
    WHEN SUM(CASE WHEN c.low_threshold IS NOT NULL AND c.count <= c.low_threshold THEN 1 ELSE 0 END) > 0 THEN 'low'
    ELSE 'ok' END
  FROM cassettes c WHERE c.machine_id = m.machine_id)`;
