import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { bigintTransformer } from '../database/bigint.transformer';
import { RowIdColumn, RowIdReferenceColumn } from '../database/row-id.column';

export const LEDGER_TYPES = [
  'deposit',
  'withdrawal',
  'transfer_in',
  'transfer_out',
  'atm_withdrawal',
  'atm_deposit',
  'refill',
  'maintenance_reset',
  'atm_reversal',
  'reversal',
] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];

/** One cash movement of a machine: signed from the machine's view (+ in, − out). */
export interface CashMovement {
  denomination: bigint;
  count: number;
}

/**
 * The append-only ledger: one immutable row per money movement or cash
 * inventory change. Balances and cassette counts are always the sums of it.
 */
@Entity('ledger_entries')
@Index('idx_ledger_account', ['accountNumber', 'id'])
@Index('idx_ledger_machine', ['machineId', 'id'], { where: 'machine_id IS NOT NULL' })
@Index('idx_ledger_transfer', ['transferId'], { where: 'transfer_id IS NOT NULL' })
@Index('uq_ledger_reverses', ['reverses'], { unique: true, where: 'reverses IS NOT NULL' })
@Check('chk_ledger_type', `type IN (${LEDGER_TYPES.map((type) => `'${type}'`).join(', ')})`)
export class LedgerEntry {
  /** 64 bits on both databases; a JS number (exact to 2^53 − 1). */
  @RowIdColumn()
  id: number;

  @Column({ type: 'varchar', length: 24 })
  type: LedgerType;

  @Column({ name: 'account_number', type: 'varchar', length: 34, nullable: true })
  accountNumber: string | null;

  @Column({ name: 'machine_id', type: 'varchar', length: 64, nullable: true })
  machineId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  amount: bigint | null;

  @Column({ name: 'balance_after', type: 'bigint', nullable: true, transformer: bigintTransformer })
  balanceAfter: bigint | null;

  @Column({ name: 'transfer_id', type: 'varchar', length: 36, nullable: true })
  transferId: string | null;

  @Column({ name: 'counterparty_account', type: 'varchar', length: 34, nullable: true })
  counterpartyAccount: string | null;

  /** JSON of `[{ "denomination": <minor units>, "count": <signed pieces> }]`. */
  @Column({ type: 'text', nullable: true })
  cash: string | null;

  /** A movement's reference (up to 140 characters), or a reversal's reason (up to 200). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  reference: string | null;

  /** The client that wrote the row (`system`: seeding, operator commands). */
  @Column({ type: 'varchar', length: 64, default: 'system' })
  actor: string;

  /** The `X-Request-Id` of the request that wrote the row; null outside a request. */
  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  /** The id of the row this one undoes; unique, so a row is undone at most once. */
  @RowIdReferenceColumn('reverses')
  reverses: number | null;

  // The foreign keys the migration creates, declared so the schema check
  // agrees; never loaded. Accounts and machines by entity name: the ledger
  // module does not import the modules that depend on it.
  @ManyToOne('Account')
  @JoinColumn({ name: 'account_number' })
  account?: never;

  @ManyToOne('Account')
  @JoinColumn({ name: 'counterparty_account' })
  counterparty?: never;

  @ManyToOne('Machine')
  @JoinColumn({ name: 'machine_id' })
  machine?: never;

  @ManyToOne(() => LedgerEntry)
  @JoinColumn({ name: 'reverses' })
  reversed?: never;

  /** ISO 8601 UTC text: identical on both databases and sorts as time does. */
  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;
}
