import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { isPostgres } from './test-app';

export interface FreshDatabase {
  env: Record<string, string>;
  drop: () => Promise<void>;
}

/** An empty database of the current dialect, migrated by the app at boot: for seeding tests. */
export async function freshDatabase(): Promise<FreshDatabase> {
  if (!isPostgres()) {
    return {
      env: { SQLITE_PATH: join(tmpdir(), 'atm-e2e', `fresh-${randomUUID()}.sqlite`), DB_MIGRATIONS_RUN: 'true' },
      drop: () => Promise.resolve(),
    };
  }
  const base = process.env.TEST_DATABASE_URL as string;
  const name = `atm_fresh_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), DB_MIGRATIONS_RUN: 'true' },
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
