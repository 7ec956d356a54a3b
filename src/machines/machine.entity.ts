import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const MACHINE_STATUSES = ['in_service', 'out_of_service'] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/** An ATM. Its cash lives in its cassettes; machines are never deleted. */
@Entity('machines')
@Check('chk_machines_status', "status IN ('in_service', 'out_of_service')")
export class Machine {
  @PrimaryColumn({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId: string;

  @Column({ type: 'varchar', length: 200, nullable: true, default: null })
  name: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true, default: null })
  location: string | null;

  /** Out of service: no customer cash moves (withdrawals, deposits); refill and maintenance still do. */
  @Column({ type: 'varchar', length: 16, default: 'in_service' })
  status: MachineStatus;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 24 })
  updatedAt: string;
}
