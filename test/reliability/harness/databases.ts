// One fresh database per scenario: a Postgres database created and dropped
// with `pg`, or an SQLite file in its own temp dir. The suite reads it
// directly (not through the server) to check the invariants.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DbKind, PG_ADMIN_URL } from './env';

export interface TestDatabase {
  kind: DbKind;
  name: string;
  /** Environment that points a server at this database. */
  serverEnv: Record<string, string>;
  /** Runs one read-only query directly on the database; integers come back as bigint or string. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** SQLite `PRAGMA integrity_check`; Postgres has nothing equivalent to check here. */
  integrity(): Promise<string>;
  drop(): Promise<void>;
}

let sequence = 0;

export async function createDatabase(kind: DbKind, scenario: string): Promise<TestDatabase> {
  sequence += 1;
  const name = `atm_rel_${Date.now()}_${process.pid}_${sequence}_${scenario.replace(/\W+/g, '_')}`;
  return kind === 'postgres' ? createPostgres(name) : createSqlite(name);
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function createPostgres(name: string): Promise<TestDatabase> {
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    name,
    serverEnv: { DB_TYPE: 'postgres', DATABASE_URL: url.toString() },
    query,
    integrity: () => Promise.resolve('ok'),
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

function createSqlite(name: string): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'atm-rel-'));
  const file = join(dir, `${name}.sqlite`);
  const withFile = <T>(work: (db: Database.Database) => T): T => {
    // Read-write open so a WAL left by a killed server is recovered, exactly
    // as the next server start would do; the suite itself writes nothing.
    const db = new Database(file, { fileMustExist: true });
    db.defaultSafeIntegers(true);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    kind: 'sqlite',
    name,
    serverEnv: { DB_TYPE: 'sqlite', SQLITE_PATH: file },
    query: <T>(sql: string) => later(() => withFile((db) => db.prepare(sql).all() as T[])),
    integrity: () => later(() => withFile((db) => String(db.pragma('integrity_check', { simple: true })))),
    drop: () => later(() => rmSync(dir, { recursive: true, force: true })),
  };
}

/** Runs synchronous work as a promise: a throw becomes a rejection, as callers of the async interface expect. */
function later<T>(work: () => T): Promise<T> {
  return Promise.resolve().then(work);
}
