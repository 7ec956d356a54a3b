// The Postgres run shares one fresh database per `npm test`, created and
// migrated once by the global setup; specs create their own accounts.
process.env.DB_TYPE = 'postgres';
process.env.DATABASE_URL = process.env.ATM_E2E_DATABASE_URL;
process.env.DB_MIGRATIONS_RUN = 'false';
// The concurrency specs queue hundreds of requests on a 16-connection pool;
// on a loaded CI machine the production 3 s wait was seen to run out (a 503).
process.env.DB_ACQUIRE_TIMEOUT_MS = '15000';
process.env.SEED_DEMO_DATA = 'false';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
delete process.env.PRELOAD_ACCOUNTS;
