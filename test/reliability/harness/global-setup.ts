// Once per run: build the server the scenarios start as a process, make sure
// Postgres answers when it is selected, and open a fresh figures file.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL, REPO_ROOT, selectedDatabases, SERVER_ENTRY } from './env';

export default async function globalSetup(): Promise<void> {
  process.env.RELIABILITY_STARTED_AT = new Date().toISOString();
  const figures = join(tmpdir(), `atm-reliability-${process.pid}.jsonl`);
  rmSync(figures, { force: true });
  process.env.RELIABILITY_FIGURES_FILE = figures;
  if (process.env.RELIABILITY_SKIP_BUILD !== 'true') {
    execFileSync('npx', ['nest', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} missing: the build did not produce the server`);
  if (selectedDatabases().includes('postgres')) {
    const client = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.end();
    } catch (error) {
      throw new Error(
        `Postgres at ${PG_ADMIN_URL} is unreachable (${(error as Error).message}); set RELIABILITY_PG_URL, or RELIABILITY_DB=sqlite to run SQLite only`,
      );
    }
  }
}
