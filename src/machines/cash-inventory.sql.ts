// The machine-and-cassettes read of CashInventoryService, with :named
// parameters (run through TransactionRunner.query: a prepared statement on
// Postgres). Cash moves only through the ledger's posting core.
import { driverBigint } from '../database/bigint.transformer';
import { Cassette } from './cassette.entity';
import type { CashKind } from './dispense-plan';
import { Machine, MachineStatus } from './machine.entity';

// The machine row and its cassettes, largest denomination first: one row per
// cassette (a machine is created with at least one). Postgres locks each
// result row's machine and cassette rows as it returns them, in that order,
// so the machine row is always taken first, as every path that locks
// cassettes does.
export const MACHINE_CASH_SQL = `SELECT m.machine_id, m.name, m.location, m.status, m.created_at, m.updated_at,
  c.denomination, c.kind, c.count, c.capacity, c.initial_count, c.low_threshold
  FROM machines m JOIN cassettes c ON c.machine_id = m.machine_id
  WHERE m.machine_id = :machine ORDER BY c.denomination DESC`;

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
