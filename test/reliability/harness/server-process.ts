// The server as operators run it: `node dist/src/main.js` in its own process,
// so SIGKILL, restarts and two instances on one database are real. The
// spawning, polling and stopping are test/helpers/server-process.ts; this
// adds the suite's defaults, restarts on one port and a bounded log tail.
import { ChildProcess } from 'node:child_process';
import { OutputLog, Readiness, spawnServer, stopChild, waitUntilReady } from '../../helpers/server-process';
import { TEST_ADMIN_KEY } from '../../helpers/keys';
import { REPO_ROOT, SERVER_ENTRY } from './env';

export { freePort } from '../../helpers/server-process';

/** Liveness only (an outage test boots against a database that may be down); left running on timeout, stop() ends it. */
const READINESS: Readiness = { path: '/healthz/live', timeoutMs: 60_000, intervalMs: 100, requestTimeoutMs: 1000, killOnTimeout: false };
const LOG_TAIL_BYTES = 16 * 1024;

export class ServerProcess {
  private child: ChildProcess | null = null;
  /** Kept across restarts. */
  private readonly logTail = new OutputLog(LOG_TAIL_BYTES);
  starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly user?: { uid: number; gid: number },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the server wrote (warn level and above): for failure messages. */
  get logs(): string {
    return this.logTail.toString();
  }

  async start(): Promise<void> {
    const child = spawnServer(SERVER_ENTRY, {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        SEED_DEMO_DATA: 'false',
        ADMIN_API_KEY: TEST_ADMIN_KEY,
        PORT: String(this.port),
        ...this.env,
      },
      output: this.logTail.append,
      user: this.user,
    });
    this.child = child;
    this.starts += 1;
    await waitUntilReady(child, this.url, READINESS, () => `:\n${this.logs}`);
  }

  /** SIGKILL: no shutdown hook runs, in-flight transactions die with the process. */
  async kill(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  /** SIGTERM: graceful shutdown, in-flight requests finish. */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM');
  }
}
