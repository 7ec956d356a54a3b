// Starts the built server as a real process (test/helpers/server-process.ts)
// and measures its memory through /proc.
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Readiness, spawnServer, stopChild, waitUntilReady } from '../test/helpers/server-process';

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  stop: () => Promise<void>;
}

/** Up to 180 s: migrations and the PRELOAD_ACCOUNTS preload run before /healthz answers. */
const READINESS: Readiness = { path: '/healthz', timeoutMs: 180_000, intervalMs: 250, killOnTimeout: true };
/** SIGTERM, then SIGKILL if the server has not exited after this long. */
const STOP_GRACE_MS = 15_000;

/**
 * Boots `main` with this process's environment plus `env` (which sets PORT),
 * its output into `logFile`, and waits until /healthz answers 200 (migrations and preload done).
 */
export async function startServer(
  main: string,
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const output = openSync(logFile, 'w');
  const child = spawnServer(main, { env: { ...process.env, ...env }, nodeArgs, output });
  closeSync(output); // the child has its own copy
  const baseUrl = `http://127.0.0.1:${env.PORT}`;
  await waitUntilReady(child, baseUrl, READINESS, () => `; see ${logFile}`);
  return {
    pid: child.pid as number,
    baseUrl,
    stop: async () => {
      await stopChild(child, 'SIGTERM', STOP_GRACE_MS);
    },
  };
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
    peakKb = Math.max(
      peakKb,
      processTree(pid).reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0),
    );
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
