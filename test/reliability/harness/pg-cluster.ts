// A throwaway Postgres cluster of the test's own (initdb under /tmp, its own
// port), so the failover scenarios can terminate every connection, stop the
// server with `-m immediate` and freeze backends without touching the shared
// cluster other suites and databases use. Needs initdb/pg_ctl on PATH (or
// PG_BIN); as root they run as the `postgres` user, which Postgres insists on.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './server-process';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PG_BIN, else pg_ctl on PATH, else Debian's /usr/lib/postgresql/<newest>/bin. */
function pgBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  try {
    execFileSync('pg_ctl', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
    return versions.length ? join('/usr/lib/postgresql', versions[0], 'bin') : undefined;
  }
}
const PG_BIN = pgBinDir();

function pgTool(tool: string, args: string[]): string {
  const bin = PG_BIN ? join(PG_BIN, tool) : tool;
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();
}

/** Whether a throwaway cluster can be made here (the binaries exist, and a postgres user when root). */
export function canMakeCluster(): boolean {
  try {
    pgTool('pg_ctl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** initdb + start; fsync off: nothing here must survive a power loss, and it is quicker. */
  static async create(): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'atm-pg-'));
    if (isRoot()) execFileSync('chown', ['postgres', dir]);
    const cluster = new PgCluster(dir, await freePort());
    pgTool('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    pgTool('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /** `-m immediate`: every backend killed at once, no checkpoint — a crash, as a failover sees it. */
  stopImmediate(): void {
    pgTool('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  async sql<T = Record<string, unknown>>(database: string, text: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.urlOf(database), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Backend pids of `database`'s client connections (the app's), not ours. */
  async backendsOf(database: string): Promise<number[]> {
    const rows = await this.sql<{ pid: number }>(
      'postgres',
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
      [database],
    );
    return rows.map((row) => row.pid);
  }

  async terminateBackendsOf(database: string): Promise<number> {
    const rows = await this.sql(
      'postgres',
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return rows.length;
  }

  remove(): void {
    try {
      if (existsSync(join(this.dataDir, 'postmaster.pid'))) this.stopImmediate();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
