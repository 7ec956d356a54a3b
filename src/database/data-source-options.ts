import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MIGRATIONS } from '../../migrations/migrations';
import { GuardedPgClient } from './pg-client-guard';
import { useRowIdType } from './row-id.column';

/** pg gives up on a statement after this long: the request gets 503. */
export const PG_QUERY_TIMEOUT_MS = 15_000;
/**
 * Postgres cancels a statement, and ends a session idle inside a transaction,
 * before the client gives up on it: a request answered 503 for a timeout has
 * then been rolled back by the server too, not committed later. (A frozen
 * backend is terminated instead: see GuardedPgClient.) Migrations run under
 * the same limit: one that needs longer says `SET LOCAL statement_timeout = 0`.
 */
export const PG_STATEMENT_TIMEOUT_MS = 12_000;

/**
 * Connection options for both drivers, shared by the app and the migration
 * CLI (ormconfig.ts). Schema changes only through migrations: synchronize is
 * never on here.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  useRowIdType(config.dbType);
  const common = {
    migrations: MIGRATIONS,
    migrationsRun: config.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.dbType === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      extra: {
        max: config.dbPoolSize,
        // Fail fast instead of hanging when the database is unreachable:
        // requests get 503 and the health probe turns red within seconds.
        connectionTimeoutMillis: config.dbAcquireTimeoutMs,
        query_timeout: PG_QUERY_TIMEOUT_MS,
        statement_timeout: PG_STATEMENT_TIMEOUT_MS,
        keepAlive: true,
        // A session whose client vanished (host down, partition) must not
        // hold row locks until TCP keepalive notices: Postgres ends it.
        idle_in_transaction_session_timeout: PG_STATEMENT_TIMEOUT_MS,
        // Every pooled connection listens for 'error' and ends a backend it gave up on.
        Client: GuardedPgClient,
      },
    };
  }
  const file = config.sqlitePath === ':memory:' ? ':memory:' : resolve(config.sqlitePath);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: file,
    // busy_timeout: a second process holding the write lock is waited for, not an error.
    timeout: 10000,
    prepareDatabase: (db: Database.Database) => {
      // WAL survives a killed process; FULL also survives power loss (NORMAL
      // may lose the last commits on power loss, never on a process crash).
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${config.sqliteSynchronous}`);
      // Integers come back as bigint: no precision lost above 2^53.
      db.defaultSafeIntegers(true);
      readPragmasAsNumbers(db);
    },
  };
}

/**
 * `db.pragma()` results (flags, column numbers) as plain numbers. TypeORM
 * reads the schema through it (PRAGMA table_xinfo & co.) and compares with
 * numbers (`notnull === 0`): as bigints every nullable column looked NOT NULL,
 * so `migration:generate` proposed rebuilding every table, and a migration
 * using TypeORM's SQLite column changes would rebuild a table from that
 * misread schema. Every other statement keeps safe integers.
 */
export function readPragmasAsNumbers(db: Database.Database): void {
  const pragma = db.pragma.bind(db);
  db.pragma = (source: string, options?: Database.PragmaOptions) => {
    db.defaultSafeIntegers(false);
    try {
      return pragma(source, options);
    } finally {
      db.defaultSafeIntegers(true);
    }
  };
}
