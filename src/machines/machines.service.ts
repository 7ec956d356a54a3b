import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { formatMoney } from '../common/money';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { AuditService, changedFields, createdChanges } from '../audit/audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { machineNotFound, PostingService } from '../ledger/posting.service';
import { LedgerEntryView } from '../ledger/ledger-entry.view';
import { CashInventoryService } from './cash-inventory.service';
import { CASH_STATUS_SQL, CashStatus, cashStatus } from './cash-status';
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
  cassettes: Array<{ denomination: bigint; kind: CashKind; count: number; capacity: number; lowThreshold: number | null }>;
}

/** The machine fields an audit event records. */
const AUDITED_FIELDS = ['name', 'location', 'status'] as const;

/** A new machine's cassettes as the API shows them. */
function cassetteChanges(cassettes: NewMachine['cassettes']): unknown[] {
  return cassettes.map((c) => ({
    denomination: formatMoney(c.denomination),
    kind: c.kind,
    count: c.count,
    capacity: c.capacity,
    low_threshold: c.lowThreshold,
  }));
}

/** Each cassette's low_threshold, by denomination: what PATCH may change besides the machine's own fields. */
function thresholdsOf(cassettes: Array<{ denomination: bigint; lowThreshold: number | null }>): Record<string, number | null> {
  return Object.fromEntries(cassettes.map((c) => [formatMoney(c.denomination), c.lowThreshold]));
}

/** Creating, listing, reading and changing machines, and reading their cash. */
@Injectable()
export class MachinesService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly posting: PostingService,
    private readonly cash: CashInventoryService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateMachineDto): Promise<MachineView> {
    const spec: NewMachine = {
      machineId: dto.machine_id,
      name: dto.name,
      location: dto.location,
      cassettes: dto.cassettes.map((c) => ({
        denomination: c.denomination,
        kind: c.kind,
        count: c.count,
        capacity: c.capacity,
        lowThreshold: c.low_threshold ?? null,
      })),
    };
    try {
      return toMachineView(await this.runner.run((em) => this.insert(em, spec)), cashStatus(spec.cassettes));
    } catch (error) {
      // Two requests racing for the same id: the loser's insert fails.
      if (isUniqueViolation(error)) throw machineExists(spec.machineId);
      throw error;
    }
  }

  /** Inserts a machine and its empty cassettes, then posts the initial counts as a `refill`. */
  async insert(em: EntityManager, spec: NewMachine): Promise<Machine> {
    if (await em.existsBy(Machine, { machineId: spec.machineId })) throw machineExists(spec.machineId);
    const now = this.clock.nowIso();
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
    // Empty at first: the refill posted below puts the pieces in, so each count is its ledger sum.
    const cassettes = spec.cassettes.map((c) => ({ machineId: spec.machineId, ...c, count: 0, initialCount: c.count }));
    await em.insert(
      Cassette,
      cassettes.map((c) => ({ ...c })),
    );
    const cash = spec.cassettes.filter((c) => c.count > 0).map((c) => ({ denomination: c.denomination, count: c.count }));
    await this.posting.postIn(em, { type: 'refill', legs: [], machine: { id: spec.machineId, cash }, reference: 'initial load' });
    const created = { ...toMachineView(machine, cashStatus(spec.cassettes)), cassettes: cassetteChanges(spec.cassettes) };
    await this.audit.record(em, 'machine.created', spec.machineId, createdChanges(created, ['machine_id', ...AUDITED_FIELDS, 'cassettes']));
    return machine;
  }

  /** Newest first (API.md, "Pagination"), keyset on (created_at, machine_id): stable under concurrent inserts. */
  /** `status`: only the machines whose cash status is exactly that, filtered in the database so pages stay full. */
  async list(limit: number, cursor?: string, status?: CashStatus): Promise<Page<MachineView>> {
    const after = decodeMachineCursor(cursor);
    const rows = await this.runner.read(async (em) => {
      const query = em
        .createQueryBuilder(Machine, 'm')
        .addSelect(CASH_STATUS_SQL, 'cash_status')
        .orderBy('m.created_at', 'DESC')
        .addOrderBy('m.machine_id', 'DESC')
        .limit(limit + 1);
      if (after) query.andWhere('(m.created_at < :createdAt OR (m.created_at = :createdAt AND m.machine_id < :machineId))', after);
      if (status) query.andWhere(`${CASH_STATUS_SQL} = :cashStatus`, { cashStatus: status });
      const { entities, raw } = await query.getRawAndEntities<{ m_machine_id: string; cash_status: CashStatus }>();
      const statuses = new Map(raw.map((row) => [row.m_machine_id, row.cash_status]));
      return entities.map((machine) => ({ machine, status: statuses.get(machine.machineId) as CashStatus }));
    });
    return toPage(
      rows,
      limit,
      (row) => toMachineView(row.machine, row.status),
      ({ machine }) => `${machine.createdAt}|${machine.machineId}`,
    );
  }

  async get(machineId: string): Promise<MachineView> {
    const { machine, cassettes } = await this.cash.read(machineId);
    return toMachineView(machine, cashStatus(cassettes));
  }

  /** Locks the machine and its cassettes (the global lock order), so a threshold never races a count change. */
  update(machineId: string, dto: UpdateMachineDto): Promise<MachineView> {
    return this.runner.run(async (em) => {
      const { machine, cassettes } = await this.cash.lock(em, machineId);
      const before = { ...toMachineView(machine, cashStatus(cassettes)), low_thresholds: thresholdsOf(cassettes) };
      const thresholds = (dto.cassettes ?? []).map((line) => ({ cassette: findCassette(cassettes, line.denomination), line }));
      for (const { cassette, line } of thresholds) {
        cassette.lowThreshold = line.low_threshold;
        await em
          .createQueryBuilder()
          .update(Cassette)
          .set({ lowThreshold: line.low_threshold })
          .where('machine_id = :machineId AND denomination = :denomination', { machineId, denomination: String(cassette.denomination) })
          .execute();
      }
      const changes: Partial<Machine> = { updatedAt: this.clock.nowIso() };
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.location !== undefined) changes.location = dto.location;
      if (dto.status !== undefined) changes.status = dto.status;
      await em.update(Machine, { machineId }, changes);
      const after = toMachineView(Object.assign(machine, changes), cashStatus(cassettes));
      const audited = (view: MachineView) => ({ ...view, low_thresholds: thresholdsOf(cassettes) });
      await this.audit.record(
        em,
        'machine.updated',
        machineId,
        changedFields(before, audited(after), [...AUDITED_FIELDS, 'low_thresholds']),
      );
      return after;
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

/** The cassette a request line names; UNKNOWN_DENOMINATION (422) as for a refill. */
function findCassette(cassettes: Cassette[], denomination: bigint): Cassette {
  const cassette = cassettes.find((c) => c.denomination === denomination);
  if (!cassette) throw new DomainError('UNKNOWN_DENOMINATION', `The machine has no cassette for ${formatMoney(denomination)}`);
  return cassette;
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
