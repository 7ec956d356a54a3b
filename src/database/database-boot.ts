import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions, MigrationExecutor, QueryRunner } from 'typeorm';
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
/** Longest wait for another instance's migrations before this boot gives up (an orchestrator restarts it). */
export const MIGRATION_LOCK_WAIT_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Who holds the migration lock, for the log: the session's pid, client address and what it runs. */
async function lockHolder(runner: QueryRunner): Promise<string> {
  const rows = (await runner.query(
    `SELECT a.pid, a.client_addr, a.state, a.query_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND (CAST(l.classid AS bigint) << 32) + CAST(l.objid AS bigint) = CAST($1 AS bigint)`,
    [MIGRATION_LOCK_KEY],
  )) as Array<{ pid: number; client_addr: string | null; state: string | null; query_start: Date | null }>;
  const [holder] = rows;
  return holder ? `pid ${holder.pid} from ${holder.client_addr ?? 'local'}, ${holder.state ?? 'unknown state'}` : 'a session just ending';
}

/**
 * Postgres: one instance migrates at a time, on the session that holds the
 * lock. Instances booting together (a rolling deploy, replicas scaled up on
 * an empty database) would otherwise run the same CREATE TABLE at once, and
 * the loser fails on pg_type's unique index (23505), not with "already
 * exists". Polled (pg_try_advisory_lock): a blocking wait would hit
 * statement_timeout behind a long migration. Because the migrations run on
 * the lock's own session, losing that session ends both: the lock is never
 * gone while this instance still migrates.
 */
async function takeMigrationLock(runner: QueryRunner): Promise<void> {
  const logger = new Logger('Database');
  for (let waited = 0; ; waited += LOCK_POLL_MS) {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY])) as Array<{
      locked: boolean;
    }>;
    if (locked) return;
    if (waited >= MIGRATION_LOCK_WAIT_MS) {
      throw new BootError(
        `migrating: another instance held the migration lock for over ${MIGRATION_LOCK_WAIT_MS / 1000} s (${await lockHolder(runner)})`,
        'DB_MIGRATIONS_RUN',
      );
    }
    if (waited % LOCK_LOG_EVERY_MS === 0) {
      logger.log(`migrating: waiting for another instance to finish its migrations (${await lockHolder(runner)})`);
    }
    await sleep(LOCK_POLL_MS);
  }
}

/** One attempt: lock (Postgres), read what is pending and apply it, all on one connection. */
async function migrateOnce(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Database');
  const postgres = dataSource.options.type === 'postgres';
  const runner = dataSource.createQueryRunner();
  try {
    if (postgres) await takeMigrationLock(runner);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const pending = await executor.getPendingMigrations();
    if (pending.length === 0) return logger.log('schema up to date: no pending migration');
    logger.log(`migrating: applying ${pending.map((m) => m.name).join(', ')}`);
    const applied = await executor.executePendingMigrations();
    logger.log(`migrated: ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    // A lost session has already released the lock: nothing left to undo.
    if (postgres) await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * Before the app's data source opens: wait for the database (bounded,
 * logged) and apply pending migrations, each step logged as it starts, on a
 * connection of its own that is closed afterwards. The app's data source
 * then opens on a database known to answer, with migrationsRun off. A
 * database that blinks meanwhile restarts the whole lock-read-apply cycle,
 * within DB_CONNECT_TIMEOUT_MS from the start of migrating (waiting for
 * another instance's lock does not use that time up).
 */
async function migrate(dataSource: DataSource, config: AppConfig): Promise<void> {
  await retryWhileUnavailable(config, 'migrating', () => migrateOnce(dataSource), Date.now());
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
        return await migrate(dataSource, config);
      } catch (error) {
        // SQLite: another process booting at the same time created the table
        // first (its migration committed), so read what is pending again.
        // (Postgres instances take turns: see takeMigrationLock.)
        if (race >= MAX_MIGRATION_RACES || !/already exists/i.test(describe(error))) throw error;
        logger.warn(`migrating: another instance is migrating (${describe(error)}); reading migrations again`);
        await sleep(200 * race);
      }
    }
  } finally {
    await dataSource.destroy();
  }
}
