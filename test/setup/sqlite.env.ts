// Each e2e spec file gets its own fresh SQLite file, migrated at boot.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.DB_TYPE = 'sqlite';
process.env.SQLITE_PATH = join(tmpdir(), 'atm-e2e', `${randomUUID()}.sqlite`);
process.env.DB_MIGRATIONS_RUN = 'true';
process.env.SEED_DEMO_DATA = 'false';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
delete process.env.PRELOAD_ACCOUNTS;
