import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintTransformer, intTransformer } from '../database/bigint.transformer';
import type { CashKind } from './dispense-plan';
import { Machine } from './machine.entity';

export const CASH_KINDS = ['bill', 'coin'] as const;

/**
 * The pieces of one denomination a machine holds. One cassette per
 * denomination (the primary key), so a request names a cassette by its value.
 * `count` is always the sum of the machine's ledger cash movements for it.
 */
@Entity('cassettes')
@Check('chk_cassettes_denomination', 'denomination > 0')
@Check('chk_cassettes_kind', "kind IN ('bill', 'coin')")
// Not `<= capacity`: pieces an ATM reversal returns go back even into a full cassette.
@Check('chk_cassettes_count', 'count >= 0')
@Check('chk_cassettes_capacity', 'capacity > 0')
@Check('chk_cassettes_initial', 'initial_count >= 0 AND initial_count <= capacity')
@Check('chk_cassettes_low_threshold', 'low_threshold IS NULL OR low_threshold >= 0')
export class Cassette {
  @PrimaryColumn({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId: string;

  /** Declares the foreign key the migration creates; never loaded. */
  @ManyToOne(() => Machine, { nullable: false })
  @JoinColumn({ name: 'machine_id' })
  machine?: Machine;

  /** Minor units (2000 = 20.00). */
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  denomination: bigint;

  @Column({ type: 'varchar', length: 8 })
  kind: CashKind;

  @Column({ type: 'integer', transformer: intTransformer })
  count: number;

  @Column({ type: 'integer', transformer: intTransformer })
  capacity: number;

  /** What maintenance resets the cassette to: the count the machine was created with. */
  @Column({ name: 'initial_count', type: 'integer', transformer: intTransformer })
  initialCount: number;

  /** At or below this count the cassette is low (API.md, "Low cash"); null: never low. */
  @Column({ name: 'low_threshold', type: 'integer', nullable: true, transformer: intTransformer })
  lowThreshold: number | null;
}
