// The statements of CashInventoryService, with :named parameters (run through
// TransactionRunner.query: prepared once per name on Postgres, so each name is
// unique across the app).
import { driverBigint } from '../database/bigint.transformer';
import { Cassette } from './cassette.entity';
import type { CashKind } from './dispense-plan';
import { Machine, MachineStatus } from './machine.entity';

// The machine row and its cassettes, largest denomination first: one row per
// cassette (a machine is created with at least one). Postgres locks each
// result row's machine and cassette rows as it returns them, in that order,
// so the machine row is always taken first, as every path that locks
// cassettes does.
const LOCK_SELECT = `SELECT m.machine_id, m.name, m.location, m.status, m.created_at, m.updated_at,
  c.denomination, c.kind, c.count, c.capacity, c.initial_count, c.low_threshold
  FROM machines m JOIN cassettes c ON c.machine_id = m.machine_id
  WHERE m.machine_id = :machine ORDER BY c.denomination DESC`;

export const CASH_INVENTORY_SQL = {
  machineExists: `SELECT 1 AS found FROM machines WHERE machine_id = :machine`,
  // Reads, and SQLite's lock: its transaction already holds the write lock.
  machineSelect: LOCK_SELECT,
  machinePgLock: `${LOCK_SELECT} FOR UPDATE`,
  // Every moved cassette's new count in one statement.
  cassettesPgSaveCounts: `UPDATE cassettes AS c SET count = v.count
  FROM unnest(CAST(:denominations AS bigint[]), CAST(:counts AS integer[])) AS v(denomination, count)
  WHERE c.machine_id = :machine AND c.denomination = v.denomination`,
  cassetteSqliteSaveCount: `UPDATE cassettes SET count = :count WHERE machine_id = :machine AND denomination = :denomination`,
} as const;

export type CashInventoryStatement = keyof typeof CASH_INVENTORY_SQL;

/** A row of the lock statement: integers as the driver gives them (pg: int8 as text; SQLite: bigint). */
export interface MachineCassetteRow {
  machine_id: string;
  name: string | null;
  location: string | null;
  status: MachineStatus;
  created_at: string;
  updated_at: string;
  denomination: unknown;
  kind: CashKind;
  count: unknown;
  capacity: unknown;
  initial_count: unknown;
  low_threshold: unknown;
}

export function toMachine(row: MachineCassetteRow): Machine {
  return Object.assign(new Machine(), {
    machineId: row.machine_id,
    name: row.name,
    location: row.location,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export function toCassette(row: MachineCassetteRow): Cassette {
  return Object.assign(new Cassette(), {
    machineId: row.machine_id,
    denomination: driverBigint(row.denomination),
    kind: row.kind,
    count: Number(row.count),
    capacity: Number(row.capacity),
    initialCount: Number(row.initial_count),
    lowThreshold: row.low_threshold === null ? null : Number(row.low_threshold),
  });
}
