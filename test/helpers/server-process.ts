// The server as operators run it, for specs that need a real process
// (signals, stdout, crashes): compiled once into a private directory (not
// dist/, which `nest build` empties) inside node_modules so the compiled
// files resolve the project's packages.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(__dirname, '..', '..');

/** Compiles the server; returns the path of its main.js and a cleanup. */
export function buildServer(): { main: string; remove: () => void } {
  const out = join(ROOT, 'node_modules', '.cache', `atm-e2e-${process.pid}-${randomUUID().slice(0, 8)}`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', out], { stdio: 'pipe' });
  return { main: join(out, 'src', 'main.js'), remove: () => rmSync(out, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

export class ServerProcess {
  private output = '';

  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get logs(): string {
    return this.output;
  }

  static async start(main: string, env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [main], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(`http://127.0.0.1:${port}`, child);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${server.logs}`);
      if (await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false)) return server;
    }
    child.kill('SIGKILL');
    throw new Error(`server not healthy in 30 s:\n${server.logs}`);
  }

  /** Sends the signal and waits for the exit; resolves with the exit code (null when killed by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  }
}
