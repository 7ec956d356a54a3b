// CPU seconds used by processes while a scenario is measured: where the two
// cores went (server, Postgres backends, load driver), read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of a process, plus cutime + cstime (its reaped children): the
 * postmaster thereby carries the CPU of backends that exited meanwhile.
 */
export function cpuSecondsOfStat(stat: string): number {
  // Fields after the parenthesised command name start at field 3 (state); utime is field 14.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

export function cpuSeconds(pid: number, withChildren = true): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (withChildren) return cpuSecondsOfStat(stat);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

const BACKGROUND = /: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher)/;

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * The Postgres processes that work for us: backends connected to the bench
 * database and the shared background writers — not other databases' backends
 * (other people's test runs share this server).
 */
function postgresPids(database: string | undefined): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => commandOf(pid) === 'postgres')
    .filter((pid) => {
      if (database === undefined) return true;
      const cmdline = cmdlineOf(pid);
      return cmdline.includes(` ${database} `) || BACKGROUND.test(cmdline);
    });
}

export interface CpuSnapshot {
  server: number;
  postgres: Map<number, number>;
  driver: number;
  total: number;
}

function totalCpuSeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export function snapshotCpu(serverPids: number[], driverPid: number, database?: string): CpuSnapshot {
  return {
    server: serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    postgres: new Map(postgresPids(database).map((pid) => [pid, cpuSeconds(pid, false)])),
    driver: cpuSeconds(driverPid),
    total: totalCpuSeconds(),
  };
}

export interface CpuUsage {
  /** CPU seconds over the period. */
  server: number;
  postgres: number;
  driver: number;
  /**
   * Everything on the machine, including other people's processes (and their
   * Postgres backends, which `postgres` cannot tell from ours).
   */
  machine: number;
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return { server: after.server - before.server, postgres, driver: after.driver - before.driver, machine: after.total - before.total };
}
