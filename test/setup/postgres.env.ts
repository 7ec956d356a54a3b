// The Postgres run shares one fresh database per `npm test`, created and
// migrated once by the global setup; specs create their own accounts.
process.env.DB_TYPE = 'postgres';
process.env.DATABASE_URL = process.env.ATM_E2E_DATABASE_URL;
process.env.DB_MIGRATIONS_RUN = 'false';
process.env.SEED_DEMO_DATA = 'false';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
delete process.env.PRELOAD_ACCOUNTS;
