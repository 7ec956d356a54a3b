// The statements of the reconciliation check, per database: only the
// expansion of the ledger's `cash` column (JSON text of
// [{"denomination": <minor units>, "count": <signed pieces>}]) differs.
import type { DbType } from '../config/app-config';

/** Mismatches listed at most; the count of all of them comes with the list. */
export const MAX_LISTED = 1000;

// Each side in full: an account without ledger rows must hold 0, and ledger
// rows naming an account that does not exist are a mismatch too (present 0).
// One GROUP BY over a UNION ALL rather than a join of two aggregates: SQLite
// re-ran the aggregate per account (15 s on a 20,000-row ledger).
const ACCOUNT_MISMATCHES = `SELECT account_number, MAX(present) AS present, SUM(balance) AS balance,
    SUM(amount) AS ledger_sum, COUNT(*) OVER () AS mismatched
  FROM (SELECT account_number, balance, 0 AS amount, 1 AS present FROM accounts
    UNION ALL SELECT account_number, 0, amount, 0 FROM ledger_entries WHERE account_number IS NOT NULL) AS u
  GROUP BY account_number
  HAVING MAX(present) = 0 OR SUM(balance) <> SUM(amount)
  ORDER BY account_number LIMIT ${MAX_LISTED}`;

/** `moved`: (machine_id, denomination, pieces) of every ledger cash line. */
const cassetteMismatches = (moved: string) => `SELECT machine_id, denomination, MAX(present) AS present, SUM(count) AS count,
    SUM(pieces) AS ledger_count, COUNT(*) OVER () AS mismatched
  FROM (SELECT machine_id, denomination, count, 0 AS pieces, 1 AS present FROM cassettes
    UNION ALL ${moved}) AS u
  GROUP BY machine_id, denomination
  HAVING MAX(present) = 0 OR SUM(count) <> SUM(pieces)
  ORDER BY machine_id, denomination LIMIT ${MAX_LISTED}`;

// Rows with the same cash text are counted first and each distinct text is
// parsed once: an ATM's dispenses repeat a few hundred combinations, so this
// parses a few thousand JSON texts instead of one per ledger row (SQLite spent
// 4 s of a 1,000,000-row check in json_each before).
const sameCash = (ledger: string) => `SELECT machine_id, cash, COUNT(*) AS n FROM ${ledger}
  WHERE machine_id IS NOT NULL AND cash IS NOT NULL GROUP BY machine_id, cash`;

// json, not jsonb: each text is parsed once and thrown away.
const PG_MOVED = `SELECT s.machine_id, CAST(e.value ->> 'denomination' AS bigint), 0, CAST(e.value ->> 'count' AS bigint) * s.n, 0
  FROM (${sameCash('ledger_entries')}) AS s CROSS JOIN LATERAL json_array_elements(CAST(s.cash AS json)) AS e(value)`;

// NOT INDEXED: SQLite otherwise walks idx_ledger_machine and fetches every
// other row by rowid, twice as slow as one scan of the table.
const SQLITE_MOVED = `SELECT s.machine_id, json_extract(e.value, '$.denomination'), 0, json_extract(e.value, '$.count') * s.n, 0
  FROM (${sameCash('ledger_entries NOT INDEXED')}) AS s, json_each(s.cash) AS e`;

export interface ReconciliationStatements {
  reconcile_accounts_checked: string;
  reconcile_accounts: string;
  reconcile_machines_checked: string;
  reconcile_cassettes: string;
}

const COMMON = {
  reconcile_accounts_checked: 'SELECT COUNT(*) AS n FROM accounts',
  reconcile_accounts: ACCOUNT_MISMATCHES,
  reconcile_machines_checked: 'SELECT COUNT(*) AS n FROM machines',
};

export const RECONCILIATION_SQL: Record<DbType, ReconciliationStatements> = {
  postgres: { ...COMMON, reconcile_cassettes: cassetteMismatches(PG_MOVED) },
  sqlite: { ...COMMON, reconcile_cassettes: cassetteMismatches(SQLITE_MOVED) },
};

/** Rows as the drivers give them (pg: int8 and numeric as text; SQLite: bigint). */
export interface AccountMismatchRow {
  account_number: string;
  /** 0 when no account row exists. */
  present: unknown;
  balance: unknown;
  ledger_sum: unknown;
  mismatched: unknown;
}

export interface CassetteMismatchRow {
  machine_id: string;
  denomination: unknown;
  present: unknown;
  count: unknown;
  ledger_count: unknown;
  mismatched: unknown;
}
