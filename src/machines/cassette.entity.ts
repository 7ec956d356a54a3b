import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer, intTransformer } from '../database/bigint.transformer';
import type { CashKind } from './dispense-plan';

export const CASH_KINDS = ['bill', 'coin'] as const;

/**
 * The pieces of one denomination a machine holds. One cassette per
 * denomination (the primary key), so a request names a cassette by its value.
 * `count` is always the sum of the machine's ledger cash movements for it.
 */
@Entity('cassettes')
export class Cassette {
  @PrimaryColumn({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId: string;

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
}
