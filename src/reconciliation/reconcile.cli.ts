// `npm run reconcile` (ts-node, from source) and `npm run reconcile:dist`
// (compiled, in the production image): the check of GET /reconciliation for
// cron. Prints the report as one JSON line on stdout; exit status 0 when
// everything matched, 1 on any mismatch, 2 when the check could not run
// (configuration, database unreachable). Reads the server's environment
// (DB_TYPE, DATABASE_URL, SQLITE_PATH) and a .env file when one exists.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { reconciliationService } from './reconciliation.service';

export async function reconcile(env: Record<string, unknown>): Promise<number> {
  const config = AppConfig.fromEnv(env);
  // Opening a missing file would create it (and its directory): an empty
  // database that then "could not be checked", left behind by a typo.
  if (config.dbType === 'sqlite' && config.sqlitePath !== ':memory:' && !existsSync(config.sqlitePath)) {
    throw new Error(`no SQLite database at ${config.sqlitePath}`);
  }
  // Never migrates: a check must not change the schema it checks.
  const dataSource = new DataSource({ ...dataSourceOptions(config), migrationsRun: false, entities: [] });
  await dataSource.initialize();
  try {
    const report = await reconciliationService(dataSource, config).check();
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  reconcile(process.env).then(
    (status) => (process.exitCode = status),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'reconciliation could not run', error: message })}\n`);
      process.exitCode = 2;
    },
  );
}
