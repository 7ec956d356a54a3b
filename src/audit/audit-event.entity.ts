import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { intTransformer } from '../database/bigint.transformer';

export const AUDIT_ACTIONS = [
  'account.created',
  'account.updated',
  'machine.created',
  'machine.updated',
  'client.created',
  'client.rotated',
  'client.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One successful change that writes no ledger row (API.md v1.2, "Audit
 * trail"), written in the same database transaction as the change: a change
 * that rolls back leaves no event, and no change commits without one.
 */
@Entity('audit_events')
@Index('idx_audit_resource', ['resourceType', 'resourceId', 'id'])
export class AuditEvent {
  @PrimaryColumn({ type: 'integer', generated: 'increment', transformer: intTransformer })
  id: number;

  /** The client id; `bootstrap` for ADMIN_API_KEY, `system` outside a request. */
  @Column({ type: 'varchar', length: 64 })
  actor: string;

  @Column({ type: 'varchar', length: 32 })
  action: AuditAction;

  @Column({ name: 'resource_type', type: 'varchar', length: 16 })
  resourceType: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 64 })
  resourceId: string;

  /** JSON of `{ field: [before, after] }`. */
  @Column({ type: 'text' })
  changes: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;
}
