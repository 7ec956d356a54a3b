import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { formatMoney, toMinorUnits } from '../common/money';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { CashMovement } from '../ledger/ledger-entry.entity';
import { LedgerService } from '../ledger/ledger.service';
import { CASH_INVENTORY_SQL, CashInventoryStatement, MachineCassetteRow, toCassette, toMachine } from './cash-inventory.sql';
import { Cassette } from './cassette.entity';
import type { DispensedPiece } from './dispense-plan';
import { RefillDto } from './dto/cash-movement.dto';
import { Machine } from './machine.entity';
import { CashEventView, toInventoryView } from './machine.view';

/** A machine and its cassettes, read (or locked) by one statement. */
export interface MachineCash {
  machine: Machine;
  /** Largest denomination first: the order the rows are locked in. */
  cassettes: Cassette[];
}

/** A validated cash line of a request: distinct denominations, count > 0. */
export type CashLine = CashMovement;

export function toCashLines(lines: ReadonlyArray<{ denomination: string | number; count: number }>): CashLine[] {
  return lines.map((line) => ({ denomination: toMinorUnits(line.denomination), count: line.count }));
}

export function machineNotFound(machineId: string): DomainError {
  return new DomainError('MACHINE_NOT_FOUND', `No machine ${machineId}`);
}

/**
 * A machine's cassettes inside the caller's transaction: lock, change counts,
 * and the machine-only ledger events (refill, maintenance reset). Every count
 * change is written together with a ledger row carrying the same signed cash,
 * so each cassette count stays the sum of its ledger movements.
 */
@Injectable()
export class CashInventoryService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** 404 without taking a lock (machines are never deleted), so a caller can report it before locking accounts. */
  async assertExists(em: EntityManager, machineId: string): Promise<void> {
    if ((await this.run(em, 'machineExists', { machine: machineId })).length === 0) throw machineNotFound(machineId);
  }

  /** Locks the machine row, then its cassettes by denomination: the "machine" step of the global lock order. */
  lock(em: EntityManager, machineId: string): Promise<MachineCash> {
    return this.load(em, machineId, this.runner.dialect === 'postgres' ? 'machinePgLock' : 'machineSelect');
  }

  /** The machine and its cassettes as one statement saw them (no lock): counts and total agree. */
  read(machineId: string): Promise<MachineCash> {
    return this.runner.read((em) => this.load(em, machineId, 'machineSelect'));
  }

  private async load(em: EntityManager, machineId: string, statement: 'machinePgLock' | 'machineSelect'): Promise<MachineCash> {
    const rows = await this.run<MachineCassetteRow>(em, statement, { machine: machineId });
    if (rows.length === 0) throw machineNotFound(machineId);
    return { machine: toMachine(rows[0]), cassettes: rows.map(toCassette) };
  }

  assertInService(machine: Machine): void {
    if (machine.status !== 'in_service') {
      throw new DomainError('MACHINE_OUT_OF_SERVICE', `Machine ${machine.machineId} is out of service`);
    }
  }

  /** Adds pieces to the locked cassettes (in memory): UNKNOWN_DENOMINATION, then CASSETTE_CAPACITY_EXCEEDED. */
  addCash(cassettes: Cassette[], lines: readonly CashLine[]): CashMovement[] {
    const targets = lines.map((line) => {
      const cassette = cassettes.find((c) => c.denomination === line.denomination);
      if (!cassette) {
        throw new DomainError('UNKNOWN_DENOMINATION', `The machine has no cassette for ${formatMoney(line.denomination)}`);
      }
      return { cassette, line };
    });
    for (const { cassette, line } of targets) {
      if (cassette.count + line.count > cassette.capacity) {
        throw new DomainError(
          'CASSETTE_CAPACITY_EXCEEDED',
          `The ${formatMoney(cassette.denomination)} cassette holds ${cassette.count} of ${cassette.capacity}; ${line.count} more do not fit`,
        );
      }
    }
    for (const { cassette, line } of targets) cassette.count += line.count;
    return sortMovements(lines.map((l) => ({ denomination: l.denomination, count: l.count })));
  }

  /**
   * Takes a dispense plan's pieces out of the locked cassettes (in memory). The plan is checked
   * against the stock and the amount once more: a planner bug must fail the request, never move money.
   */
  takeCash(cassettes: Cassette[], pieces: readonly DispensedPiece[], amount: bigint): CashMovement[] {
    let paid = 0n;
    for (const piece of pieces) {
      const cassette = cassettes.find((c) => c.denomination === piece.denomination && c.kind === piece.kind);
      if (!cassette || !Number.isInteger(piece.count) || piece.count <= 0 || piece.count > cassette.count) {
        throw new Error(`dispense plan takes ${piece.count} × ${piece.denomination} that the machine does not hold`);
      }
      paid += piece.denomination * BigInt(piece.count);
    }
    if (paid !== amount) throw new Error(`dispense plan pays ${paid}, not ${amount}`);
    for (const piece of pieces) {
      (cassettes.find((c) => c.denomination === piece.denomination) as Cassette).count -= piece.count;
    }
    return sortMovements(pieces.map((p) => ({ denomination: p.denomination, count: -p.count })));
  }

  /** Writes the new counts of the cassettes a movement touched. */
  async saveCounts(em: EntityManager, machineId: string, cassettes: readonly Cassette[], moved: readonly CashMovement[]): Promise<void> {
    if (moved.length === 0) return;
    const counts = moved.map(({ denomination }) => (cassettes.find((c) => c.denomination === denomination) as Cassette).count);
    if (this.runner.dialect === 'postgres') {
      // One statement (one round trip while the machine is locked) for all of them.
      const denominations = moved.map(({ denomination }) => String(denomination));
      await this.run(em, 'cassettesPgSaveCounts', { machine: machineId, denominations, counts });
      return;
    }
    for (const [index, { denomination }] of moved.entries()) {
      await this.run(em, 'cassetteSqliteSaveCount', { machine: machineId, denomination, count: counts[index] });
    }
  }

  /** Adds pieces; allowed out of service (a technician refills a machine that is closed). */
  refill(machineId: string, dto: RefillDto): Promise<CashEventView> {
    const lines = toCashLines(dto.cassettes);
    return this.runner.run(async (em) => {
      const { cassettes } = await this.lock(em, machineId);
      const moved = this.addCash(cassettes, lines);
      await this.saveCounts(em, machineId, cassettes, moved);
      const transactionId = await this.ledger.append(em, { type: 'refill', machineId, cash: moved });
      return { ...toInventoryView(machineId, cassettes, this.config.currency), transaction_id: transactionId };
    });
  }

  /** Resets every cassette to its initial count; the ledger row lists the signed deltas of those that moved. */
  maintenance(machineId: string): Promise<CashEventView> {
    return this.runner.run(async (em) => {
      const { cassettes } = await this.lock(em, machineId);
      const moved: CashMovement[] = [];
      for (const cassette of cassettes) {
        const delta = cassette.initialCount - cassette.count;
        if (delta === 0) continue;
        moved.push({ denomination: cassette.denomination, count: delta });
        cassette.count = cassette.initialCount;
      }
      await this.saveCounts(em, machineId, cassettes, moved);
      const transactionId = await this.ledger.append(em, {
        type: 'maintenance_reset',
        machineId,
        cash: moved,
        reference: 'maintenance reset',
      });
      return { ...toInventoryView(machineId, cassettes, this.config.currency), transaction_id: transactionId };
    });
  }

  private run<T>(em: EntityManager, statement: CashInventoryStatement, params: Record<string, unknown>): Promise<T[]> {
    return this.runner.query<T>(em, statement, CASH_INVENTORY_SQL[statement], params);
  }
}

/** Ledger cash lists largest denomination first, like the inventory. */
function sortMovements(moved: CashMovement[]): CashMovement[] {
  return moved.sort((a, b) => (a.denomination === b.denomination ? 0 : a.denomination > b.denomination ? -1 : 1));
}
