import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { intTransformer } from '../database/bigint.transformer';

/**
 * One Idempotency-Key and the response it produced, inserted by the same
 * transaction as the request's effect (see IdempotencyInterceptor), or by the
 * very statement of a keyed deposit or withdrawal (idempotency-claim.ts): a
 * row exists only for a request that finished.
 */
@Entity('idempotency_keys')
@Index('idx_idempotency_keys_created', ['createdAt'])
export class IdempotencyKey {
  /** The client's key space: '' until authentication exists, then the principal's id. */
  @PrimaryColumn({ type: 'varchar', length: 64, default: '' })
  scope: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  key: string;

  /** SHA-256 (hex) of method, path and canonical JSON body. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'integer', transformer: intTransformer })
  status: number;

  @Column({ name: 'content_type', type: 'varchar', length: 64, nullable: true, default: null })
  contentType: string | null;

  /** The response body exactly as sent (JSON text), null for an empty body or one rebuilt from `ledgerEntryId`. */
  @Column({ type: 'text', nullable: true, default: null })
  body: string | null;

  /**
   * Keys claimed by the posting core (keyed deposits and withdrawals): the
   * ledger row written in the same statement; the replay is rebuilt from it.
   */
  @Column({ name: 'ledger_entry_id', type: 'bigint', nullable: true, default: null, transformer: intTransformer })
  ledgerEntryId: number | null;

  /** ISO 8601 UTC; the key is unknown once older than IDEMPOTENCY_TTL_SECONDS. */
  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;
}
