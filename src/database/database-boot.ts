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

/**
 * Before the app's data source opens: wait for the database (bounded,
 * logged) and apply pending migrations, each step logged as it starts, on a
 * connection of its own that is closed afterwards. The app's data source
 * then opens on a database known to answer, with migrationsRun off.
 */
const MAX_MIGRATION_RACES = 10;

async function migrate(dataSource: DataSource, config: AppConfig, startedAt: number): Promise<void> {
  const logger = new Logger('Database');
  const pending = await retryWhileUnavailable(config, 'reading migrations', () => dataSource.showMigrations(), startedAt);
  if (!pending) return logger.log('schema up to date: no pending migration');
  logger.log('migrating: applying pending migrations');
  const applied = await retryWhileUnavailable(config, 'migrating', () => dataSource.runMigrations({ transaction: 'each' }), startedAt);
  logger.log(`migrated: ${applied.map((m) => m.name).join(', ')}`);
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
        // Another instance booting at the same time (a rolling deploy) created
        // the table first: its migration committed, so read what is pending again.
        if (race >= MAX_MIGRATION_RACES || !/already exists/i.test(describe(error))) throw error;
        logger.warn(`migrating: another instance is migrating (${describe(error)}); reading migrations again`);
        await new Promise((resolve) => setTimeout(resolve, 200 * race));
      }
    }
  } finally {
    await dataSource.destroy();
  }
}
