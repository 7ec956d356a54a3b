import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer, intTransformer } from '../database/bigint.transformer';

export const LEDGER_TYPES = [
  'deposit',
  'withdrawal',
  'transfer_in',
  'transfer_out',
  'atm_withdrawal',
  'atm_deposit',
  'refill',
  'maintenance_reset',
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
@Index('idx_ledger_machine', ['machineId', 'id'])
@Index('idx_ledger_transfer', ['transferId'])
export class LedgerEntry {
  // sqlite hands rowids back as bigint (safe integers): normalise to number.
  @PrimaryColumn({ type: 'integer', generated: 'increment', transformer: intTransformer })
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

  @Column({ type: 'varchar', length: 140, nullable: true })
  reference: string | null;

  /** ISO 8601 UTC text: identical on both databases and sorts as time does. */
  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;
}
