// The server as operators run it: `node dist/src/main.js` in its own process,
// so SIGKILL, restarts and two instances on one database are real.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, SERVER_ENTRY } from './env';

const BOOT_TIMEOUT_MS = 60_000;
const LOG_TAIL_BYTES = 16 * 1024;

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private logTail = '';
  starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the server wrote (warn level and above): for failure messages. */
  get logs(): string {
    return this.logTail;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        SEED_DEMO_DATA: 'false',
        PORT: String(this.port),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    const keep = (chunk: Buffer) => {
      this.logTail = (this.logTail + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await this.waitUntilLive(child);
  }

  private async waitUntilLive(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server exited during boot (${child.exitCode ?? child.signalCode}):\n${this.logTail}`);
      }
      try {
        const res = await fetch(`${this.url}/healthz/live`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server not live after ${BOOT_TIMEOUT_MS} ms:\n${this.logTail}`);
  }

  /** SIGKILL: no shutdown hook runs, in-flight transactions die with the process. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: graceful shutdown, in-flight requests finish. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}
