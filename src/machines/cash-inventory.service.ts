import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SqlStatements } from '../database/sql-statements';
import { TransactionRunner } from '../database/transaction-runner';
import { CashMovement } from '../ledger/ledger-entry.entity';
import { LockedCassette, Movement } from '../ledger/movement';
import { machineNotFound, PostingService } from '../ledger/posting.service';
import { MACHINE_CASH_SQL, MachineCassetteRow, toCassette, toMachine } from './cash-inventory.sql';
import { Cassette } from './cassette.entity';
import { RefillDto } from './dto/cash-movement.dto';
import { Machine } from './machine.entity';
import { CashEventView, toInventoryView } from './machine.view';

/** A machine and its cassettes, read (or locked) by one statement. */
export interface MachineCash {
  machine: Machine;
  /** Largest denomination first: the order the rows are locked in. */
  cassettes: Cassette[];
}

/**
 * A machine's cassettes: reads and locks, and the machine-only cash events
 * (refill, maintenance reset), which the ledger's posting core applies.
 */
@Injectable()
export class CashInventoryService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly sql: SqlStatements,
    private readonly posting: PostingService,
    private readonly config: AppConfig,
  ) {}

  /** Locks the machine row, then its cassettes by denomination: the "machine" step of the global lock order. */
  lock(em: EntityManager, machineId: string): Promise<MachineCash> {
    return this.load(em, machineId, 'machine_cash_lock', this.sql.lockingSelect(MACHINE_CASH_SQL));
  }

  /** The machine and its cassettes as one statement saw them (no lock): counts and total agree. */
  read(machineId: string): Promise<MachineCash> {
    return this.runner.read((em) => this.load(em, machineId, 'machine_cash_read', MACHINE_CASH_SQL));
  }

  private async load(em: EntityManager, machineId: string, name: string, sql: string): Promise<MachineCash> {
    const rows = await this.runner.query<MachineCassetteRow>(em, name, sql, { machine: machineId });
    if (rows.length === 0) throw machineNotFound(machineId);
    return { machine: toMachine(rows[0]), cassettes: rows.map(toCassette) };
  }

  /** Adds pieces; allowed out of service (a technician refills a machine that is closed). */
  refill(machineId: string, dto: RefillDto): Promise<CashEventView> {
    const cash = dto.cassettes.map((line) => ({ denomination: line.denomination, count: line.count }));
    return this.event({ type: 'refill', legs: [], machine: { id: machineId, cash } });
  }

  /** Resets every cassette to its initial count; the ledger row lists the signed deltas of those that moved. */
  maintenance(machineId: string): Promise<CashEventView> {
    const reset = (cassettes: readonly LockedCassette[]): CashMovement[] =>
      cassettes.filter((c) => c.count !== c.initialCount).map((c) => ({ denomination: c.denomination, count: c.initialCount - c.count }));
    return this.event({ type: 'maintenance_reset', legs: [], machine: { id: machineId, cash: reset }, reference: 'maintenance reset' });
  }

  /** Posts a machine-only movement and answers with the inventory it left (read in the same transaction). */
  private event(movement: Movement & { machine: { id: string } }): Promise<CashEventView> {
    return this.runner.run(async (em) => {
      const posted = await this.posting.postIn(em, movement);
      const { cassettes } = await this.load(em, movement.machine.id, 'machine_cash_read', MACHINE_CASH_SQL);
      return { ...toInventoryView(movement.machine.id, cassettes, this.config.currency), transaction_id: posted.rows[0].id };
    });
  }
}
