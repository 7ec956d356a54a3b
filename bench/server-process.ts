// Starts the built server as a real process and measures its memory.
import { ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  stop: () => Promise<void>;
}

/** Boots `main` with `env` and waits until /healthz answers 200 (migrations and preload done). */
export async function startServer(main: string, env: Record<string, string>, logFile: string, nodeArgs: string[] = []): Promise<ServerProcess> {
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const baseUrl = `http://127.0.0.1:${env.PORT}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitHealthy(baseUrl, child, logFile);
  return { pid: child.pid as number, baseUrl, stop: () => stopProcess(child, exited) };
}

async function waitHealthy(baseUrl: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${logFile}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy; see ${logFile}`);
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
  if (timedOut) child.kill('SIGKILL');
}

/** The process and all its descendants (a cluster's workers count too). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${all[i]}/task`)) {
        const children = readFileSync(`/proc/${all[i]}/task/${task}/children`, 'utf8').trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process has just exited
    }
  }
  return all;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak resident memory over a period: VmRSS polled every 50 ms (summed over
 * the process tree) and the kernel's own high-water mark VmHWM, reset at the
 * start through /proc/<pid>/clear_refs; the larger of the two is reported.
 */
export function sampleRss(pid: number): () => number {
  const pids = processTree(pid);
  for (const p of pids) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      // not permitted: VmHWM is then the lifetime peak, the poll still counts
    }
  }
  let peakKb = 0;
  const poll = () => {
    peakKb = Math.max(peakKb, processTree(pid).reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0));
  };
  poll();
  const timer = setInterval(poll, 50);
  return () => {
    clearInterval(timer);
    poll();
    const hwmKb = processTree(pid).reduce((sum, p) => sum + statusKb(p, 'VmHWM'), 0);
    return Math.round(Math.max(peakKb, hwmKb) / 1024);
  };
}

/** RSS right now, in MB. */
export function currentRssMb(pid: number): number {
  return Math.round(processTree(pid).reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0) / 1024);
}
