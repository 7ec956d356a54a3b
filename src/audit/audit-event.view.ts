import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AuditAction, AuditEvent } from './audit-event.entity';

export class AuditEventView {
  @ApiProperty({ example: 17 }) id: number;
  @ApiProperty({ example: 'bootstrap', description: 'The client id; `bootstrap` for ADMIN_API_KEY, `system` for seeding' })
  actor: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action: AuditAction;
  @ApiProperty({ enum: ['account', 'machine', 'client'] }) resource_type: string;
  @ApiProperty({ example: '1001' }) resource_id: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', minItems: 2, maxItems: 2, items: {} },
    example: { status: ['active', 'frozen'] },
    description: '`{ field: [before, after] }`',
  })
  changes: Record<string, [unknown, unknown]>;
  @ApiProperty({ type: String, nullable: true, example: '3f1c9a2e-0d4b-4c1e-9f1a-5b2d7e8c9a01' }) request_id: string | null;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) created_at: string;
}

export class AuditEventPageView {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    actor: event.actor,
    action: event.action,
    resource_type: event.resourceType,
    resource_id: event.resourceId,
    changes: JSON.parse(event.changes) as Record<string, [unknown, unknown]>,
    request_id: event.requestId,
    created_at: event.createdAt,
  };
}
