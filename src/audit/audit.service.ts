import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { decodeIdCursor, Page, toPage } from '../common/pagination';
import { currentRequest, SYSTEM_ACTOR } from '../common/request-context';
import { TransactionRunner } from '../database/transaction-runner';
import { AuditAction, AuditEvent } from './audit-event.entity';
import { AuditEventView, toAuditEventView } from './audit-event.view';

// Raw: TypeORM's insert reads the generated id back, and trips over SQLite's bigint rowids.
const INSERT_SQL = `INSERT INTO audit_events (actor, action, resource_type, resource_id, changes, request_id, created_at)
VALUES (:actor, :action, :resource_type, :resource_id, :changes, :request_id, :created_at)`;

/** `{ field: [before, after] }`: what a change did, in the API's own representation (money as strings). */
export type Changes = Record<string, [unknown, unknown]>;

/** Every field of a new resource, from nothing to its first value. */
export function createdChanges(view: object, fields: readonly string[]): Changes {
  const values = view as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, [null, values[field] ?? null]]));
}

/** The fields whose value differs between two views of one resource. */
export function changedFields(before: object, after: object, fields: readonly string[]): Changes {
  const [b, a] = [before as Record<string, unknown>, after as Record<string, unknown>];
  return Object.fromEntries(
    fields.filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f])).map((f) => [f, [b[f] ?? null, a[f] ?? null]]),
  );
}

export interface AuditFilter {
  resourceType?: string;
  resourceId?: string;
}

/**
 * The audit trail of every change that writes no ledger row (API.md v1.2).
 * `record` takes the caller's transaction manager: the event commits with
 * the change or not at all. Actor and request id come from the request
 * context (`system` outside a request: seeding, operator commands).
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async record(em: EntityManager, action: AuditAction, resourceId: string, changes: Changes): Promise<void> {
    const context = currentRequest();
    await this.tx.query(em, 'audit_insert', INSERT_SQL, {
      actor: context?.actor ?? SYSTEM_ACTOR,
      action,
      resource_type: action.slice(0, action.indexOf('.')),
      resource_id: resourceId,
      changes: JSON.stringify(changes),
      request_id: context?.requestId ?? null,
      created_at: this.clock.nowIso(),
    });
  }

  /** Newest first, keyset on the id. */
  async list(filter: AuditFilter, limit: number, cursor?: string): Promise<Page<AuditEventView>> {
    const before = decodeIdCursor(cursor);
    const rows = await this.tx.read((em) => {
      const query = em
        .createQueryBuilder(AuditEvent, 'e')
        .orderBy('e.id', 'DESC')
        .limit(limit + 1);
      // The id is 32-bit on Postgres and a cursor may name any id up to 2^53 − 1: compared as bigint, such a cursor pages from the newest.
      if (before !== undefined) query.andWhere('e.id < CAST(:before AS bigint)', { before });
      if (filter.resourceType !== undefined) query.andWhere('e.resource_type = :type', { type: filter.resourceType });
      if (filter.resourceId !== undefined) query.andWhere('e.resource_id = :id', { id: filter.resourceId });
      return query.getMany();
    });
    return toPage(rows, limit, toAuditEventView, (row) => row.id);
  }
}
