import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';
import { BootError } from '../common/boot-error';
import { AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from './database-errors';

// Postgres answers these at once and a retry cannot change them: no such
// database, a wrong password, no permission.
const FATAL_CODES = new Set(['3D000', '28P01', '28000', '42501', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_NOTADB']);
const MAX_DELAY_MS = 5000;

const codeOf = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
};
const describe = (error: unknown): string => {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = code === '3D000' ? ': create it first (createdb), the server creates only its tables' : '';
  return `${code && !message.includes(code) ? `${code} ${message}` : message}${hint}`;
};

/** Where the server connects, without credentials. */
export function databaseTarget(config: AppConfig): string {
  if (config.dbType === 'sqlite') return `sqlite ${config.sqlitePath}`;
  try {
    const url = new URL(config.databaseUrl ?? '');
    return `postgres ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}

const isTransient = (error: unknown) => isDatabaseUnavailable(error) && !FATAL_CODES.has(codeOf(error) ?? '');
const variableOf = (config: AppConfig) => (config.dbType === 'postgres' ? 'DATABASE_URL' : 'SQLITE_PATH');

/**
 * Runs `attempt` until it succeeds, retrying while the database is only
 * unavailable (refused, starting up, busy), with growing pauses, for at most
 * DB_CONNECT_TIMEOUT_MS since `startedAt`. Each retry is logged as it
 * happens; giving up is a BootError naming the variable to check. Any other
 * error is the caller's, unchanged.
 */
export async function retryWhileUnavailable<T>(
  config: AppConfig,
  what: string,
  attempt: () => Promise<T>,
  startedAt = Date.now(),
): Promise<T> {
  const logger = new Logger('Database');
  for (let tries = 1, delay = 250; ; tries++, delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const waited = Date.now() - startedAt;
      if (waited + delay > config.dbConnectTimeoutMs) {
        const bound = `gave up after ${tries} attempts in ${waited} ms, DB_CONNECT_TIMEOUT_MS=${config.dbConnectTimeoutMs}`;
        throw new BootError(`${what} failed: ${describe(error)} (${bound})`, variableOf(config), { cause: error });
      }
      logger.warn(`${what}: database unavailable (${describe(error)}); attempt ${tries + 1} in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const MAX_MIGRATION_RACES = 10;
/** pg_advisory_lock key of the boot migration ('atm-migr' as 8 bytes); advisory locks are per database. */
const MIGRATION_LOCK_KEY = '7022357760854026098';
const LOCK_POLL_MS = 250;
const LOCK_LOG_EVERY_MS = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Postgres: one instance migrates at a time. Instances booting together (a
 * rolling deploy, replicas scaled up on an empty database) would otherwise
 * run the same CREATE TABLE at once, and the loser fails on pg_type's unique
 * index (23505), not with "already exists". The lock is held by a session of
 * its own, so it goes with that session if the holder dies; it is polled
 * (pg_try_advisory_lock) because a blocking wait would hit statement_timeout
 * on a long migration. Returns the release, or null on SQLite, whose writer
 * lock already serialises the migrations' transactions.
 */
async function lockMigrations(dataSource: DataSource): Promise<(() => Promise<void>) | null> {
  if (dataSource.options.type !== 'postgres') return null;
  const logger = new Logger('Database');
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    for (let waited = 0; ; waited += LOCK_POLL_MS) {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY])) as Array<{
        locked: boolean;
      }>;
      if (locked) break;
      if (waited % LOCK_LOG_EVERY_MS === 0) logger.log('migrating: waiting for another instance to finish its migrations');
      await sleep(LOCK_POLL_MS);
    }
  } catch (error) {
    await runner.release();
    throw error;
  }
  return async () => {
    // A lost session has already released the lock: nothing left to undo.
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  };
}

/**
 * Before the app's data source opens: wait for the database (bounded,
 * logged) and apply pending migrations, each step logged as it starts, on a
 * connection of its own that is closed afterwards. The app's data source
 * then opens on a database known to answer, with migrationsRun off.
 */
async function migrate(dataSource: DataSource, config: AppConfig, startedAt: number): Promise<void> {
  const logger = new Logger('Database');
  const unlock = await retryWhileUnavailable(config, 'taking the migration lock', () => lockMigrations(dataSource), startedAt);
  try {
    const pending = await retryWhileUnavailable(config, 'reading migrations', () => dataSource.showMigrations(), startedAt);
    if (!pending) return logger.log('schema up to date: no pending migration');
    logger.log('migrating: applying pending migrations');
    const applied = await retryWhileUnavailable(config, 'migrating', () => dataSource.runMigrations({ transaction: 'each' }), startedAt);
    logger.log(`migrated: ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    await unlock?.();
  }
}

export async function prepareDatabase(options: DataSourceOptions, config: AppConfig): Promise<void> {
  const logger = new Logger('Database');
  const startedAt = Date.now();
  logger.log(`connecting to ${databaseTarget(config)}`);
  const dataSource = await retryWhileUnavailable(
    config,
    'connecting to the database',
    () => new DataSource(options).initialize(),
    startedAt,
  );
  try {
    if (!config.migrationsRun) return;
    for (let race = 1; ; race++) {
      try {
        return await migrate(dataSource, config, startedAt);
      } catch (error) {
        // SQLite: another process booting at the same time created the table
        // first (its migration committed), so read what is pending again.
        // (Postgres instances take turns: see lockMigrations.)
        if (race >= MAX_MIGRATION_RACES || !/already exists/i.test(describe(error))) throw error;
        logger.warn(`migrating: another instance is migrating (${describe(error)}); reading migrations again`);
        await sleep(200 * race);
      }
    }
  } finally {
    await dataSource.destroy();
  }
}
