import { EntityManager } from 'typeorm';
import { DbType } from '../config/app-config';
import { isUniqueViolationOn } from './database-errors';
import { TransactionRunner } from './transaction-runner';

/** A conditional `UPDATE … RETURNING` and the `INSERT` to run for the row it returns. */
export interface UpdateThenInsert {
  /** `UPDATE … SET … WHERE …`, without RETURNING. */
  update: string;
  /** Columns the UPDATE returns; the INSERT's values may name them bare. */
  returning: readonly string[];
  /** `INSERT INTO t (columns)`. */
  insertInto: string;
  /** One SQL expression per inserted column: `:param`, or a returned column's bare name. */
  values: readonly string[];
  /** What the INSERT returns. */
  insertReturning: string;
}

/**
 * Makes an UpdateThenInsert happen at most once per key (an Idempotency-Key):
 * it is skipped while `existing` finds the key's live row, and writes the
 * key's row for the row its INSERT wrote.
 */
export interface OncePerKey {
  /** The table of the key rows (a unique violation on it means: another run wrote the key first). */
  table: string;
  /** SELECT of the key's live row; its column names differ from the INSERT's RETURNING names. */
  existing: string;
  /** `INSERT INTO key_table (columns)`. */
  insertInto: string;
  /** One expression per column: `:param`, or a column the UpdateThenInsert's INSERT returns, bare. */
  values: readonly string[];
  /** DELETE of the key's expired row, which still holds the unique key. */
  clearExpired: string;
}

/** What updateThenInsertOnce did: wrote (the INSERT's row), found the key live (its row), or nothing (the UPDATE matched nothing). */
export type OnceResult<T, K> = { written: T } | { existing: K } | null;

/** A key row that conflicts this many times in a row is not an expired row being replaced: a bug. */
const MAX_KEY_ATTEMPTS = 3;

/**
 * What differs between the databases, chosen once at start (SqlStatements.for):
 * feature code writes dialect-neutral SQL and asks the dialect to lock,
 * combine or batch it. A third database is a third implementation here.
 */
export abstract class SqlStatements {
  constructor(protected readonly runner: TransactionRunner) {}

  static for(dbType: DbType, runner: TransactionRunner): SqlStatements {
    return dbType === 'postgres' ? new PostgresStatements(runner) : new SqliteStatements(runner);
  }

  /** A SELECT that locks the rows it returns until the transaction ends. */
  abstract lockingSelect(select: string): string;

  /**
   * Runs `statement.update`; when it changed a row, runs the INSERT for it and
   * returns what the INSERT returns (put returned columns in its values to see
   * them); null when the UPDATE
   * matched nothing (then nothing was written). Postgres: ONE statement (a
   * data-modifying CTE), so in autocommit its row lock lasts one statement.
   */
  abstract updateThenInsert<T>(
    em: EntityManager,
    name: string,
    statement: UpdateThenInsert,
    params: Record<string, unknown>,
  ): Promise<T | null>;

  /**
   * updateThenInsert at most once per key (OncePerKey): when the key is live
   * nothing is written and its row is returned; otherwise the UPDATE, the
   * INSERT and the key's row are written together. Postgres: ONE statement,
   * atomic even in autocommit (a duplicate that commits first makes it fail on
   * the key and change nothing; it is then run again and finds the key).
   * SQLite: the statements in turn, inside the caller's transaction, which
   * holds the write lock. `update` must end with its WHERE clause.
   */
  abstract updateThenInsertOnce<T, K>(
    em: EntityManager,
    name: string,
    statement: UpdateThenInsert,
    once: OncePerKey,
    params: Record<string, unknown>,
  ): Promise<OnceResult<T, K>>;

  /** `UPDATE table SET column = v WHERE <keys> = k` for each of `rows`, fixed keys in `where`. */
  abstract updateEach(
    em: EntityManager,
    name: string,
    spec: UpdateEach,
    rows: ReadonlyArray<{ key: bigint; value: number }>,
  ): Promise<void>;

  /**
   * A FROM-list item that expands the JSON array text in `column` into one row
   * per element, named `alias`, and how to read an integer field of it.
   */
  abstract jsonArrayElements(column: string, alias: string): { from: string; integer(field: string): string };

  /** `table` read by one scan of the table rather than through an index. */
  abstract tableScan(table: string): string;
}

/** Which rows of `table` get which `column` value: `where` (`:params`) and one bigint key column per row. */
export interface UpdateEach {
  table: string;
  column: string;
  keyColumn: string;
  where: string;
  params: Record<string, unknown>;
}

/**
 * The value cached under `key`, built on first use. SQL is built once per
 * statement (posting.sql.ts: per shape) and combined once per parts object
 * (here: the parts are those constants): a request neither rebuilds the text
 * nor hands the runner a new string to compare with the prepared one.
 */
export function memo<K, V>(cache: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, build: () => V): V {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = build()));
  return value;
}
/** memo over two parts objects. */
function memo2<A extends object, B extends object>(cache: WeakMap<A, WeakMap<B, string>>, a: A, b: B, build: () => string): string {
  return memo(
    memo(cache, a, () => new WeakMap<B, string>()),
    b,
    build,
  );
}

const returnedColumns = new WeakMap<UpdateThenInsert, string[]>();
/** The columns an UpdateThenInsert's INSERT returns, by name. */
function insertReturned(s: UpdateThenInsert): string[] {
  return memo(returnedColumns, s, () => s.insertReturning.split(',').map((column) => column.trim()));
}

/**
 * A VALUES list whose bare `columns` come from a row an earlier statement
 * returned (SQLite runs the statements a Postgres CTE chains): each becomes a
 * `:prefix_column` parameter, bound by returnedParams.
 */
function valuesBinding(values: readonly string[], columns: readonly string[], prefix: string): string {
  return values.map((value) => (columns.includes(value) ? `:${prefix}_${value}` : value)).join(', ');
}

/** valuesBinding's parameters: the returned row's values. */
function returnedParams(columns: readonly string[], row: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const column of columns) params[`${prefix}_${column}`] = row[column];
  return params;
}

class PostgresStatements extends SqlStatements {
  private readonly cteSql = new WeakMap<UpdateThenInsert, string>();
  private readonly onceSql = new WeakMap<UpdateThenInsert, WeakMap<OncePerKey, string>>();

  lockingSelect(select: string): string {
    return `${select} FOR UPDATE`;
  }

  async updateThenInsert<T>(em: EntityManager, name: string, s: UpdateThenInsert, params: Record<string, unknown>): Promise<T | null> {
    const sql = memo(
      this.cteSql,
      s,
      () => `WITH moved AS (${s.update} RETURNING ${s.returning.join(', ')})
  ${s.insertInto} SELECT ${s.values.join(', ')} FROM moved RETURNING ${s.insertReturning}`,
    );
    const [row] = await this.runner.query<T>(em, name, sql, params);
    return row ?? null;
  }

  async updateThenInsertOnce<T, K>(
    em: EntityManager,
    name: string,
    s: UpdateThenInsert,
    once: OncePerKey,
    params: Record<string, unknown>,
  ): Promise<OnceResult<T, K>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T, K>(em, name, s, once, params);
      } catch (error) {
        // The statement failed whole. The key's row is there but was not
        // live: a duplicate committed meanwhile (the next run finds it), or
        // the row expired and is not pruned yet (cleared, then the next run
        // writes). In a transaction the error has aborted it: not retried here.
        if (attempt >= MAX_KEY_ATTEMPTS || !isUniqueViolationOn(error, once.table) || em.queryRunner?.isTransactionActive) throw error;
        await this.runner.query(em, `${name}_clear_expired`, once.clearExpired, params);
      }
    }
  }

  private async once<T, K>(
    em: EntityManager,
    name: string,
    s: UpdateThenInsert,
    once: OncePerKey,
    params: Record<string, unknown>,
  ): Promise<OnceResult<T, K>> {
    // The key's row is inserted without ON CONFLICT: a duplicate that
    // committed after this statement's snapshot (unseen by `existing`) makes
    // the insert fail, and with it the whole statement.
    const sql = memo2(
      this.onceSql,
      s,
      once,
      () => `WITH existing AS (${once.existing}),
  moved AS (${s.update} AND NOT EXISTS (SELECT 1 FROM existing) RETURNING ${s.returning.join(', ')}),
  written AS (${s.insertInto} SELECT ${s.values.join(', ')} FROM moved RETURNING ${s.insertReturning}),
  claimed AS (${once.insertInto} SELECT ${once.values.join(', ')} FROM written)
  SELECT written.*, existing.* FROM (SELECT 1) AS one LEFT JOIN written ON true LEFT JOIN existing ON true`,
    );
    const [row] = await this.runner.query<Record<string, unknown>>(em, name, sql, params);
    const [first] = insertReturned(s);
    if (row[first] !== null && row[first] !== undefined) return { written: row as T };
    return Object.values(row).some((value) => value !== null) ? { existing: row as K } : null;
  }

  async updateEach(em: EntityManager, name: string, spec: UpdateEach, rows: ReadonlyArray<{ key: bigint; value: number }>): Promise<void> {
    if (rows.length === 0) return;
    // One statement (one round trip while the rows are locked) for all of them.
    const sql = `UPDATE ${spec.table} AS t SET ${spec.column} = v.value
  FROM unnest(CAST(:keys AS bigint[]), CAST(:values AS integer[])) AS v(key, value)
  WHERE ${spec.where} AND t.${spec.keyColumn} = v.key`;
    const keys = rows.map((row) => String(row.key));
    await this.runner.query(em, name, sql, { ...spec.params, keys, values: rows.map((row) => row.value) });
  }

  // json, not jsonb: each text is parsed once and thrown away.
  jsonArrayElements(column: string, alias: string): { from: string; integer(field: string): string } {
    return {
      from: `LATERAL json_array_elements(CAST(${column} AS json)) AS ${alias}(value)`,
      integer: (field) => `CAST(${alias}.value ->> '${field}' AS bigint)`,
    };
  }

  tableScan(table: string): string {
    return table;
  }
}

class SqliteStatements extends SqlStatements {
  private readonly updateSql = new WeakMap<UpdateThenInsert, string>();
  private readonly insertSql = new WeakMap<UpdateThenInsert, string>();
  private readonly claimSql = new WeakMap<UpdateThenInsert, WeakMap<OncePerKey, string>>();

  // Its transaction holds the database's write lock from BEGIN IMMEDIATE on.
  lockingSelect(select: string): string {
    return select;
  }

  async updateThenInsert<T>(em: EntityManager, name: string, s: UpdateThenInsert, params: Record<string, unknown>): Promise<T | null> {
    const update = memo(this.updateSql, s, () => `${s.update} RETURNING ${s.returning.join(', ')}`);
    const [updated] = await this.runner.query<Record<string, unknown>>(em, `${name}_update`, update, params);
    if (!updated) return null;
    const insert = memo(
      this.insertSql,
      s,
      () => `${s.insertInto} VALUES (${valuesBinding(s.values, s.returning, 'moved')}) RETURNING ${s.insertReturning}`,
    );
    const [inserted] = await this.runner.query<T>(em, `${name}_insert`, insert, {
      ...params,
      ...returnedParams(s.returning, updated, 'moved'),
    });
    return inserted;
  }

  async updateThenInsertOnce<T, K>(
    em: EntityManager,
    name: string,
    s: UpdateThenInsert,
    once: OncePerKey,
    params: Record<string, unknown>,
  ): Promise<OnceResult<T, K>> {
    const [existing] = await this.runner.query<K>(em, `${name}_existing`, once.existing, params);
    if (existing) return { existing };
    const written = await this.updateThenInsert<T>(em, name, s, params);
    if (!written) return null;
    const returned = insertReturned(s);
    const sql = memo2(this.claimSql, s, once, () => `${once.insertInto} VALUES (${valuesBinding(once.values, returned, 'written')})`);
    const claimParams = { ...params, ...returnedParams(returned, written, 'written') };
    const claim = () => this.runner.query(em, `${name}_claim`, sql, claimParams);
    try {
      await claim();
    } catch (error) {
      // An expired row still holds the key. The write lock is ours since
      // `existing` looked, so nothing else wrote it meanwhile: replace it.
      if (!isUniqueViolationOn(error, once.table)) throw error;
      await this.runner.query(em, `${name}_clear_expired`, once.clearExpired, params);
      await claim();
    }
    return { written };
  }

  async updateEach(em: EntityManager, name: string, spec: UpdateEach, rows: ReadonlyArray<{ key: bigint; value: number }>): Promise<void> {
    const sql = `UPDATE ${spec.table} SET ${spec.column} = :value WHERE ${spec.where} AND ${spec.keyColumn} = :key`;
    for (const row of rows) await this.runner.query(em, name, sql, { ...spec.params, key: row.key, value: row.value });
  }

  jsonArrayElements(column: string, alias: string): { from: string; integer(field: string): string } {
    return { from: `json_each(${column}) AS ${alias}`, integer: (field) => `json_extract(${alias}.value, '$.${field}')` };
  }

  // NOT INDEXED: SQLite otherwise may walk an index and fetch every row by
  // rowid, twice as slow as one scan of the table.
  tableScan(table: string): string {
    return `${table} NOT INDEXED`;
  }
}
