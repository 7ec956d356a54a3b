// The statements of the reconciliation check. Only the expansion of the
// ledger's `cash` column (JSON text of [{"denomination": <minor units>,
// "count": <signed pieces>}]) differs by database: SqlStatements writes it.
import type { SqlStatements } from '../database/sql-statements';

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

/** (machine_id, denomination, 0, pieces, 0) of every ledger cash line, in the database's JSON functions. */
function movedCash(sql: SqlStatements): string {
  const element = sql.jsonArrayElements('s.cash', 'e');
  return `SELECT s.machine_id, ${element.integer('denomination')}, 0, ${element.integer('count')} * s.n, 0
  FROM (${sameCash(sql.tableScan('ledger_entries'))}) AS s CROSS JOIN ${element.from}`;
}

export interface ReconciliationStatements {
  reconcile_accounts_checked: string;
  reconcile_accounts: string;
  reconcile_machines_checked: string;
  reconcile_cassettes: string;
}

/** The check's statements, built once at start from the database's SqlStatements. */
export function reconciliationStatements(sql: SqlStatements): ReconciliationStatements {
  return {
    reconcile_accounts_checked: 'SELECT COUNT(*) AS n FROM accounts',
    reconcile_accounts: ACCOUNT_MISMATCHES,
    reconcile_machines_checked: 'SELECT COUNT(*) AS n FROM machines',
    reconcile_cassettes: cassetteMismatches(movedCash(sql)),
  };
}

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
