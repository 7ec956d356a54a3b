import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ApiClient, Role } from '../auth/api-client.entity';
import { hashApiKey, newApiKey } from '../auth/api-key';
import { KeyVerifier } from '../auth/key-verifier';
import { AuditService, Changes, changedFields, createdChanges } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { textProblem } from '../common/validation';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { TransactionRunner } from '../database/transaction-runner';
import { MachinesService } from '../machines/machines.service';
import { ClientView, ClientWithKeyView, toClientView } from './client.view';

export interface NewClient {
  id?: string;
  name: string;
  role: Role;
  machineId?: string | null;
}

/** Making, listing, rotating and revoking API clients (API.md v1.2, "Clients"). */
@Injectable()
export class ClientsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly machines: MachinesService,
    private readonly audit: AuditService,
    private readonly keys: KeyVerifier,
    private readonly clock: Clock,
  ) {}

  async create(spec: NewClient): Promise<ClientWithKeyView> {
    // The body was validated already; the operator command's --name was not.
    const nameProblem = textProblem(spec.name, 1, 200);
    if (nameProblem) throw validationError('name', nameProblem);
    if (spec.role !== 'atm' && spec.machineId != null) throw validationError('machine_id', 'is only for role atm');
    if (spec.role === 'atm' && !spec.machineId) throw validationError('machine_id', 'is required for role atm');
    // 404 MACHINE_NOT_FOUND rather than a foreign-key failure.
    if (spec.machineId) await this.machines.get(spec.machineId);
    const key = newApiKey();
    const client = await this.tx.run((em) => this.insert(em, spec, key));
    return { ...toClientView(client), api_key: key };
  }

  async machineExists(machineId: string): Promise<boolean> {
    return this.machines.get(machineId).then(
      () => true,
      (error: unknown) => {
        if (error instanceof DomainError && error.code === 'MACHINE_NOT_FOUND') return false;
        throw error;
      },
    );
  }

  /** Inserts a client holding `key` (made here, or a demo client's public one) and its audit event. */
  async insert(em: EntityManager, spec: NewClient, key: string): Promise<ApiClient> {
    const client: ApiClient = {
      id: spec.id ?? `cl_${randomBytes(8).toString('hex')}`,
      name: spec.name,
      role: spec.role,
      machineId: spec.machineId ?? null,
      keyHash: hashApiKey(key),
      createdAt: this.clock.nowIso(),
      revokedAt: null,
    };
    await em.insert(ApiClient, { ...client });
    await this.audit.record(em, 'client.created', client.id, createdChanges(toClientView(client), ['name', 'role', 'machine_id']));
    return client;
  }

  /** Newest first, keyset on (created_at, id). */
  async list(limit: number, cursor?: string): Promise<Page<ClientView>> {
    const after = decodeClientCursor(cursor);
    const rows = await this.tx.read((em) => {
      const query = em
        .createQueryBuilder(ApiClient, 'c')
        .orderBy('c.created_at', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .limit(limit + 1);
      if (after) query.where('(c.created_at < :createdAt OR (c.created_at = :createdAt AND c.id < :id))', after);
      return query.getMany();
    });
    return toPage(rows, limit, toClientView, (row) => `${row.createdAt}|${row.id}`);
  }

  async get(id: string): Promise<ClientView> {
    const client = await this.tx.read((em) => em.findOneBy(ApiClient, { id }));
    if (!client) throw clientNotFound(id);
    return toClientView(client);
  }

  /** A new key; the old one is refused from then on (this instance at once, the others within 5 s). */
  async rotate(id: string): Promise<ClientWithKeyView> {
    const key = newApiKey();
    const client = await this.change(id, 'client.rotated', { keyHash: hashApiKey(key) });
    return { ...toClientView(client), api_key: key };
  }

  async revoke(id: string): Promise<ClientView> {
    return toClientView(await this.change(id, 'client.revoked', { revokedAt: this.clock.nowIso() }));
  }

  private async change(id: string, action: 'client.rotated' | 'client.revoked', changes: Partial<ApiClient>): Promise<ApiClient> {
    const client = await this.tx.run(async (em) => {
      const found = await this.tx.forUpdate(em.createQueryBuilder(ApiClient, 'c').where('c.id = :id', { id })).getOne();
      if (!found) throw clientNotFound(id);
      if (found.revokedAt !== null) throw new DomainError('CLIENT_REVOKED', `Client ${id} is revoked`);
      const before = toClientView(found);
      await em.update(ApiClient, { id }, changes);
      const after = Object.assign(found, changes);
      // A rotation changes nothing a view shows: its event says that the key changed, never what it is.
      const audited: Changes = action === 'client.rotated' ? { api_key: ['(previous)', '(new)'] } : {};
      await this.audit.record(em, action, id, { ...changedFields(before, toClientView(after), ['revoked_at']), ...audited });
      return after;
    });
    this.keys.forget(id);
    return client;
  }
}

function clientNotFound(id: string): DomainError {
  return new DomainError('CLIENT_NOT_FOUND', `Client ${id} not found`);
}

const CLIENT_CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|([A-Za-z0-9_-]{1,64})$/;

function decodeClientCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const match = CLIENT_CURSOR.exec(key);
  if (!match) throw validationError('cursor', 'is not a valid cursor');
  return { createdAt: match[1], id: match[2] };
}
