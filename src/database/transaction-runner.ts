import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppConfig, DbType } from '../config/app-config';
import { isDatabaseUnavailable, isRetryableConflict } from './database-errors';
import { SqliteTransactions } from './sqlite-transactions';
import { markTransaction, releaseOrDiscard } from './typeorm-internals';

const MAX_ATTEMPTS = 5;

interface CompiledStatement {
  /** The SQL as given: a name always goes with one text. */
  sql: string;
  text: string;
  /** Parameter name of each placeholder, in order. */
  order: string[];
}

/** The part of a pg client this runner uses for prepared statements. */
interface PgClient {
  query<T>(config: { name: string; text: string; values: unknown[] } | string): Promise<{ rows: T[] }>;
  release(error?: unknown): void;
}

/**
 * The one way use cases reach the database. A use case runs in exactly one
 * transaction; a nested `run` (the idempotency interceptor around a service)
 * joins the caller's transaction, so an effect and its stored response commit
 * together. Postgres: row locks taken by the services, whole transaction
 * retried on deadlock/serialization failure. SQLite: SqliteTransactions
 * (one FIFO mutex, `BEGIN IMMEDIATE`, use cases committed in groups).
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly ambient = new AsyncLocalStorage<EntityManager>();
  private readonly sqlite: SqliteTransactions;
  private readonly statements = new Map<string, CompiledStatement>();
  readonly dialect: DbType;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.dialect = config.dbType;
    this.sqlite = new SqliteTransactions(dataSource, this.ambient);
  }

  /** Runs `work` in a transaction, joining the caller's when there is one. */
  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const current = this.ambient.getStore();
    if (current) return work(current);
    return this.dialect === 'postgres' ? this.runPostgres(work) : this.sqlite.run(work);
  }

  /**
   * Runs `work` atomically with the fewest round trips. On Postgres outside a
   * transaction `work` gets an autocommit manager and MUST issue exactly one
   * statement (a single statement is its own transaction: no BEGIN/COMMIT, and
   * a row lock it takes lasts only while the statement runs). Inside a
   * caller's transaction it joins it; on SQLite it is `run`.
   */
  async runStatement<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const current = this.ambient.getStore();
    if (current) return work(current);
    if (this.dialect !== 'postgres') return this.sqlite.run(work);
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(this.dataSource.manager);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
        await sleep(Math.random() * 5 * attempt);
      }
    }
  }

  /**
   * Runs one statement with `:named` parameters on `em` (a transaction's
   * manager, or runStatement's autocommit one) and returns its rows. Postgres:
   * a named prepared statement (parsed and planned once per connection);
   * `name` must always go with the same `sql`: another SQL under a used name throws.
   */
  async query<T>(em: EntityManager, name: string, sql: string, params: Record<string, unknown>): Promise<T[]> {
    const statement = this.compile(name, sql);
    const values = statement.order.map((key) => params[key]);
    if (this.dialect !== 'postgres') return this.sqlite.query<T>(name, statement.text, values);
    const config = { name, text: statement.text, values };
    if (em.queryRunner) return (await ((await em.queryRunner.connect()) as PgClient).query<T>(config)).rows;
    const [client, release] = (await (this.dataSource.driver as PostgresDriver).obtainMasterConnection()) as [
      PgClient,
      (error?: unknown) => void,
    ];
    let broken: unknown;
    try {
      return (await client.query<T>(config)).rows;
    } catch (error) {
      // As in runPostgres: a timed-out connection must not go back to the pool.
      if (isDatabaseUnavailable(error)) broken = error;
      throw error;
    } finally {
      release(broken);
    }
  }

  private compile(name: string, sql: string): CompiledStatement {
    let statement = this.statements.get(name);
    if (statement && statement.sql !== sql) {
      // Postgres would run the statement prepared first under this name.
      throw new Error(`statement name ${name} is already used for other SQL`);
    }
    if (!statement) {
      // The driver's own placeholder rewrite, run once on the parameter names themselves.
      const keys = Object.fromEntries([...sql.matchAll(/:(\w+)/g)].map(([, key]) => [key, key]));
      const [text, order] = this.dataSource.driver.escapeQueryWithParameters(sql, keys);
      statement = { sql, text, order: order as string[] };
      this.statements.set(name, statement);
    }
    return statement;
  }

  /** Reads outside a transaction (inside the caller's, if any); serialised on SQLite. */
  read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const current = this.ambient.getStore();
    const manager = current ?? this.dataSource.manager;
    return this.dialect === 'postgres' ? work(manager) : this.sqlite.read(() => work(manager), current !== undefined);
  }

  /**
   * Runs read-only `work` on one consistent snapshot of the whole database
   * (reconciliation: every balance and its ledger sum as of one instant).
   * Postgres: a REPEATABLE READ READ ONLY transaction on a connection of its
   * own, so writers go on meanwhile. SQLite: one read transaction while the
   * mutex holds this process's writers off (WAL keeps other processes'
   * later commits out of it).
   */
  async snapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect !== 'postgres') return this.sqlite.snapshot(() => work(this.dataSource.manager));
    const runner = this.dataSource.createQueryRunner();
    let broken: unknown;
    try {
      const client = (await runner.connect()) as PgClient;
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return await work(runner.manager);
      } finally {
        // Read only: COMMIT and ROLLBACK end it alike.
        await client.query('ROLLBACK').catch((failed: unknown) => (broken = failed));
      }
    } catch (error) {
      if (isDatabaseUnavailable(error)) broken = error;
      throw error;
    } finally {
      await releaseOrDiscard(runner, broken).catch(() => undefined);
    }
  }

  /** Connections in use and callers waiting for one, for the metrics (SQLite: its mutex; see SqliteTransactions). */
  poolStats(): { inUse: number; waiting: number } {
    if (this.dialect !== 'postgres') return this.sqlite.poolStats();
    // pg-pool's own counters (TypeORM keeps the pool as driver.master).
    const pool = (this.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    return pool ? { inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount } : { inUse: 0, waiting: 0 };
  }

  /** `FOR UPDATE` on Postgres; on SQLite the transaction already holds the write lock. */
  forUpdate<T extends object>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.dialect === 'postgres' ? query.setLock('pessimistic_write') : query;
  }

  private async runPostgres<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      let broken: unknown;
      let client: PgClient | undefined;
      try {
        client = (await runner.connect()) as PgClient;
        // BEGIN/COMMIT straight on the connection: TypeORM's start/commit add
        // two event broadcasts and a query wrapper each, per transaction.
        await client.query('BEGIN');
        markTransaction(runner, true);
        const result = await this.ambient.run(runner.manager, () => work(runner.manager));
        await client.query('COMMIT');
        markTransaction(runner, false);
        return result;
      } catch (error) {
        // Timed out or lost: the ROLLBACK would queue behind the stuck statement.
        if (isDatabaseUnavailable(error)) broken = error;
        else if (runner.isTransactionActive) await client?.query('ROLLBACK').catch((failed: unknown) => (broken = failed));
        if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
        this.logger.warn(`transaction conflict (${(error as Error).message}); retry ${attempt}`);
        await sleep(Math.random() * 5 * attempt);
      } finally {
        markTransaction(runner, false);
        await releaseOrDiscard(runner, broken).catch(() => undefined);
      }
    }
  }
}
