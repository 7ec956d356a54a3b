import { EntityManager } from 'typeorm';
import { DbType } from '../config/app-config';
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

class PostgresStatements extends SqlStatements {
  lockingSelect(select: string): string {
    return `${select} FOR UPDATE`;
  }

  async updateThenInsert<T>(em: EntityManager, name: string, s: UpdateThenInsert, params: Record<string, unknown>): Promise<T | null> {
    const sql = `WITH moved AS (${s.update} RETURNING ${s.returning.join(', ')})
  ${s.insertInto} SELECT ${s.values.join(', ')} FROM moved RETURNING ${s.insertReturning}`;
    const [row] = await this.runner.query<T>(em, name, sql, params);
    return row ?? null;
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
  // Its transaction holds the database's write lock from BEGIN IMMEDIATE on.
  lockingSelect(select: string): string {
    return select;
  }

  async updateThenInsert<T>(em: EntityManager, name: string, s: UpdateThenInsert, params: Record<string, unknown>): Promise<T | null> {
    const [updated] = await this.runner.query<Record<string, unknown>>(
      em,
      `${name}_update`,
      `${s.update} RETURNING ${s.returning.join(', ')}`,
      params,
    );
    if (!updated) return null;
    // The returned columns become parameters of the INSERT's VALUES.
    const values = s.values.map((value) => (s.returning.includes(value) ? `:moved_${value}` : value));
    const moved = Object.fromEntries(s.returning.map((column) => [`moved_${column}`, updated[column]]));
    const sql = `${s.insertInto} VALUES (${values.join(', ')}) RETURNING ${s.insertReturning}`;
    const [inserted] = await this.runner.query<T>(em, `${name}_insert`, sql, { ...params, ...moved });
    return inserted;
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
