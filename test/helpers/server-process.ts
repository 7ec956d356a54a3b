// The server as operators run it, in its own process: `node [nodeArgs] main.js`
// with an environment of the caller's choosing, polled until ready, stopped by
// a signal. Used by the e2e specs that need a real process (signals, stdout,
// crashes), by the reliability harness (test/reliability/harness) and by the
// benchmark (bench/); each picks its own readiness check, env and output.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_ADMIN_KEY } from './keys';

export const ROOT = resolve(__dirname, '..', '..');

/**
 * Compiles the server for the e2e specs (not into dist/, which `nest build`
 * empties, but a private directory inside node_modules so the compiled files
 * resolve the project's packages); returns the path of its main.js and a cleanup.
 */
export function buildServer(): { main: string; remove: () => void } {
  const out = join(ROOT, 'node_modules', '.cache', `atm-e2e-${process.pid}-${randomUUID().slice(0, 8)}`);
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', out],
    { stdio: 'pipe' },
  );
  return { main: join(out, 'src', 'main.js'), remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface SpawnOptions {
  /** The child's whole environment: nothing is inherited that is not in it. */
  env: NodeJS.ProcessEnv;
  /** Working directory; the caller's when left out. */
  cwd?: string;
  /** Node options before main (e.g. `-r` a profiler). */
  nodeArgs?: string[];
  /** stdout and stderr: into this file descriptor, or every chunk (utf8) to this callback. */
  output: number | ((chunk: string) => void);
  /** Run as this user (from root): file permissions then apply, as for an operator's service user. */
  user?: { uid: number; gid: number };
}

export function spawnServer(main: string, options: SpawnOptions): ChildProcess {
  const { output } = options;
  const target = typeof output === 'number' ? output : 'pipe';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', target, target],
    ...options.user,
  });
  if (typeof output === 'function') {
    const forward = (chunk: Buffer) => output(chunk.toString('utf8'));
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
  }
  return child;
}

export interface Readiness {
  /** Polled until it answers 2xx: `/healthz` (database up) or `/healthz/live`. */
  path: string;
  timeoutMs: number;
  intervalMs: number;
  /** Abort each poll after this long; no limit when left out. */
  requestTimeoutMs?: number;
  /** SIGKILL the child when the deadline passes (otherwise the caller stops it). */
  killOnTimeout: boolean;
}

/**
 * Resolves once `url + readiness.path` answers 2xx; throws when the child
 * exits (code or signal) first or the deadline passes. `details()` ends the
 * error message: the output so far, or where it is.
 */
export async function waitUntilReady(child: ChildProcess, url: string, readiness: Readiness, details: () => string): Promise<void> {
  for (const deadline = Date.now() + readiness.timeoutMs; Date.now() < deadline; await sleep(readiness.intervalMs)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during boot (${child.exitCode ?? child.signalCode})${details()}`);
    }
    const signal = readiness.requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(readiness.requestTimeoutMs);
    if (
      await fetch(`${url}${readiness.path}`, { signal }).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
  }
  if (readiness.killOnTimeout) child.kill('SIGKILL');
  throw new Error(`server not ready after ${readiness.timeoutMs} ms${details()}`);
}

/**
 * Sends the signal and waits for the exit (SIGKILL after `killAfterMs`, when
 * given); resolves with the exit code (null when ended by a signal). An
 * already ended child is left alone.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', killAfterMs?: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill(signal);
  const escalation = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  try {
    const [code] = await exited;
    return code;
  } finally {
    clearTimeout(escalation);
  }
}

/** Keeps what a process writes, or its last `maxChars` characters. */
export class OutputLog {
  private text = '';

  constructor(private readonly maxChars = Infinity) {}

  readonly append = (chunk: string): void => {
    this.text += chunk;
    if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
  };

  toString(): string {
    return this.text;
  }
}

const E2E_READINESS: Readiness = { path: '/healthz', timeoutMs: 30_000, intervalMs: 100, killOnTimeout: true };

/** One server process of an e2e spec, on a free port, all of its output kept. */
export class ServerProcess {
  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
    private readonly output: OutputLog,
  ) {}

  /** Everything the process wrote to stdout and stderr so far. */
  get logs(): string {
    return this.output.toString();
  }

  /** Boots `main` with only PATH, ADMIN_API_KEY=TEST_ADMIN_KEY and `env` (and PORT), from the repo root; ready once /healthz answers 2xx (30 s). */
  static async start(main: string, env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const output = new OutputLog();
    const child = spawnServer(main, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ADMIN_API_KEY: TEST_ADMIN_KEY, ...env, PORT: String(port) },
      output: output.append,
    });
    const server = new ServerProcess(`http://127.0.0.1:${port}`, child, output);
    await waitUntilReady(child, server.url, E2E_READINESS, () => `:\n${server.logs}`);
    return server;
  }

  /** Sends the signal and waits for the exit; resolves with the exit code (null when killed by a signal). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    return stopChild(this.child, signal);
  }
}
