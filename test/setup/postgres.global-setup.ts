// One fresh, migrated database per `npm test` run on the Postgres server at
// TEST_DATABASE_URL; dropped again by the global teardown.
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/migrations';

export default async function setup(): Promise<void> {
  const base = process.env.TEST_DATABASE_URL as string;
  const name = `atm_e2e_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), migrations: MIGRATIONS });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  process.env.ATM_E2E_DATABASE_URL = url.toString();
  process.env.ATM_E2E_DATABASE_NAME = name;
}
