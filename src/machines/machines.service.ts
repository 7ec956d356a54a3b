import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { formatMoney, toMinorUnits } from '../common/money';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerEntryView } from '../ledger/ledger-entry.view';
import { CashInventoryService, machineNotFound } from './cash-inventory.service';
import { Cassette } from './cassette.entity';
import type { CashKind } from './dispense-plan';
import { CreateMachineDto } from './dto/create-machine.dto';
import { UpdateMachineDto } from './dto/update-machine.dto';
import { Machine } from './machine.entity';
import { InventoryView, MachineView, toInventoryView, toMachineView, TotalView, totalOf } from './machine.view';

export interface NewMachine {
  machineId: string;
  name?: string | null;
  location?: string | null;
  cassettes: Array<{ denomination: bigint; kind: CashKind; count: number; capacity: number }>;
}

/** Creating, listing, reading and changing machines, and reading their cash. */
@Injectable()
export class MachinesService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly cash: CashInventoryService,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateMachineDto): Promise<MachineView> {
    const spec: NewMachine = {
      machineId: dto.machine_id,
      name: dto.name,
      location: dto.location,
      cassettes: dto.cassettes.map((c) => ({ ...c, denomination: toMinorUnits(c.denomination) })),
    };
    try {
      return toMachineView(await this.runner.run((em) => this.insert(em, spec)));
    } catch (error) {
      // Two requests racing for the same id: the loser's insert fails.
      if (isUniqueViolation(error)) throw machineExists(spec.machineId);
      throw error;
    }
  }

  /** Inserts a machine, its cassettes, and the `refill` ledger row of the initial counts. */
  async insert(em: EntityManager, spec: NewMachine): Promise<Machine> {
    if (await em.existsBy(Machine, { machineId: spec.machineId })) throw machineExists(spec.machineId);
    const now = nowIso();
    const machine: Machine = {
      machineId: spec.machineId,
      name: spec.name ?? null,
      location: spec.location ?? null,
      status: 'in_service',
      createdAt: now,
      updatedAt: now,
    };
    // Plain copies: TypeORM writes RETURNING defaults back untransformed.
    await em.insert(Machine, { ...machine });
    const cassettes = spec.cassettes.map((c) => ({ machineId: spec.machineId, ...c, initialCount: c.count }));
    await em.insert(
      Cassette,
      cassettes.map((c) => ({ ...c })),
    );
    const cash = [...spec.cassettes]
      .sort((a, b) => (a.denomination > b.denomination ? -1 : 1))
      .filter((c) => c.count > 0)
      .map((c) => ({ denomination: c.denomination, count: c.count }));
    await this.ledger.append(em, { type: 'refill', machineId: spec.machineId, cash, reference: 'initial load', createdAt: now });
    return machine;
  }

  /** Newest first (API.md, "Pagination"), keyset on (created_at, machine_id): stable under concurrent inserts. */
  async list(limit: number, cursor?: string): Promise<Page<MachineView>> {
    const after = decodeMachineCursor(cursor);
    const rows = await this.runner.read((em) => {
      const query = em
        .createQueryBuilder(Machine, 'm')
        .orderBy('m.created_at', 'DESC')
        .addOrderBy('m.machine_id', 'DESC')
        .limit(limit + 1);
      if (after) query.where('(m.created_at < :createdAt OR (m.created_at = :createdAt AND m.machine_id < :machineId))', after);
      return query.getMany();
    });
    return toPage(rows, limit, toMachineView, (row) => `${row.createdAt}|${row.machineId}`);
  }

  async get(machineId: string): Promise<MachineView> {
    return toMachineView(await this.find(machineId));
  }

  update(machineId: string, dto: UpdateMachineDto): Promise<MachineView> {
    return this.runner.run(async (em) => {
      const machine = await this.runner
        .forUpdate(em.createQueryBuilder(Machine, 'm').where('m.machine_id = :machineId', { machineId }))
        .getOne();
      if (!machine) throw machineNotFound(machineId);
      const changes: Partial<Machine> = { updatedAt: nowIso() };
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.location !== undefined) changes.location = dto.location;
      if (dto.status !== undefined) changes.status = dto.status;
      await em.update(Machine, { machineId }, changes);
      return toMachineView(Object.assign(machine, changes));
    });
  }

  async inventory(machineId: string): Promise<InventoryView> {
    return toInventoryView(machineId, await this.cassettesOf(machineId), this.config.currency);
  }

  async total(machineId: string): Promise<TotalView> {
    const cassettes = await this.cassettesOf(machineId);
    return { machine_id: machineId, currency: this.config.currency, total: formatMoney(totalOf(cassettes)) };
  }

  async history(machineId: string, limit: number, cursor?: string): Promise<Page<LedgerEntryView>> {
    await this.find(machineId);
    return this.ledger.pageForMachine(machineId, limit, cursor);
  }

  private async find(machineId: string): Promise<Machine> {
    const machine = await this.runner.read((em) => em.findOneBy(Machine, { machineId }));
    if (!machine) throw machineNotFound(machineId);
    return machine;
  }

  /** 404 for an unknown machine; the counts come from one statement, so the total is consistent. */
  private async cassettesOf(machineId: string): Promise<Cassette[]> {
    return (await this.cash.read(machineId)).cassettes;
  }
}

function machineExists(machineId: string): DomainError {
  return new DomainError('MACHINE_EXISTS', `Machine ${machineId} already exists`);
}

const MACHINE_CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|([A-Za-z0-9_-]{1,64})$/;

function decodeMachineCursor(cursor: string | undefined): { createdAt: string; machineId: string } | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const match = MACHINE_CURSOR.exec(key);
  if (!match) throw validationError('cursor', 'is not a valid cursor');
  return { createdAt: match[1], machineId: match[2] };
}
