import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export const ROLES = ['admin', 'teller', 'operator', 'auditor', 'atm'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A client of the API and the hash of its one key (API.md v1.2,
 * "Authentication and roles"). The key itself is never stored: it is shown
 * once, in the response that makes it. Clients are never deleted; a revoked
 * one keeps its row so the audit trail still names it.
 */
@Entity('api_clients')
@Index('uq_api_clients_key_hash', ['keyHash'], { unique: true })
@Check('chk_api_clients_role', "role IN ('admin', 'teller', 'operator', 'auditor', 'atm')")
@Check('chk_api_clients_machine', "(role = 'atm' AND machine_id IS NOT NULL) OR (role <> 'atm' AND machine_id IS NULL)")
export class ApiClient {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** The one machine an `atm` client may act on; null for every other role. */
  @Column({ name: 'machine_id', type: 'varchar', length: 64, nullable: true })
  machineId: string | null;

  /** Declares the foreign key the migration creates; never loaded. By name: auth does not depend on machines. */
  @ManyToOne('Machine', { nullable: true })
  @JoinColumn({ name: 'machine_id' })
  machine?: object;

  /** SHA-256 of the key, hex. */
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 24, nullable: true })
  revokedAt: string | null;
}
