// The DataSource the TypeORM migration CLI uses (npm run migration:*). It
// reads the same environment variables as the server (DB_TYPE, DATABASE_URL,
// SQLITE_PATH), validated the same way, and a .env file when one exists.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { Account } from './src/accounts/account.entity';
import { AppConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';
import { IdempotencyKey } from './src/idempotency/idempotency-key.entity';
import { Cassette } from './src/machines/cassette.entity';
import { Machine } from './src/machines/machine.entity';
import { LedgerEntry } from './src/ledger/ledger-entry.entity';

if (existsSync('.env')) process.loadEnvFile('.env');

export default new DataSource({
  ...dataSourceOptions(AppConfig.fromEnv()),
  migrationsRun: false,
  entities: [Account, LedgerEntry, Machine, Cassette, IdempotencyKey],
});
