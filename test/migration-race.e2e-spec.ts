// Instances that boot together on an empty database (a rolling deploy,
// replicas scaled up) all run the boot migration: each must come up, and
// every migration must be applied exactly once. On Postgres concurrent
// CREATE TABLEs used to collide in pg_type's unique index (23505), which
// failed the boot of all but one instance.
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/migrations';
import { AppConfig } from '../src/config/app-config';
import { prepareDatabase } from '../src/database/database-boot';
import { dataSourceOptions } from '../src/database/data-source-options';
import { freshDatabase } from './helpers/fresh-database';
import { isPostgres } from './helpers/test-app';

const INSTANCES = 4;
const ROUNDS = 3;

describe('instances booting together on an empty database', () => {
  // A pool of one: the lock and the migrations share the instance's only connection.
  it.each([4, 1])(`${INSTANCES} boots at once, pools of %i, migrate the schema once, ${ROUNDS} rounds`, async (poolSize) => {
    for (let round = 0; round < ROUNDS; round++) {
      const db = await freshDatabase();
      try {
        const config = {
          dbType: isPostgres() ? 'postgres' : 'sqlite',
          databaseUrl: db.env.DATABASE_URL,
          sqlitePath: db.env.SQLITE_PATH,
          sqliteSynchronous: 'NORMAL',
          migrationsRun: true,
          dbPoolSize: poolSize,
          dbAcquireTimeoutMs: 5000,
          dbConnectTimeoutMs: 30000,
        } as AppConfig;
        const options = { ...dataSourceOptions(config), migrationsRun: false };
        const boots = await Promise.allSettled(Array.from({ length: INSTANCES }, () => prepareDatabase(options, config)));
        expect(boots.filter((b) => b.status === 'rejected')).toEqual([]);

        const check = new DataSource(options);
        await check.initialize();
        try {
          const rows = await check.query<Array<{ name: string }>>('SELECT name FROM migrations');
          // Each migration once (the table's order is by timestamp, not the array's).
          expect(rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
          expect(await check.showMigrations()).toBe(false);
        } finally {
          await check.destroy();
        }
      } finally {
        await db.drop();
      }
    }
  });
});
