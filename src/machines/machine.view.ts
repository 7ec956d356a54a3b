import { ApiProperty } from '@nestjs/swagger';
import { formatMoney } from '../common/money';
import { CASH_STATUSES, CashStatus, cashStatus, isLow } from './cash-status';
import { Cassette, CASH_KINDS } from './cassette.entity';
import type { CashKind, DispensedPiece } from './dispense-plan';
import { Machine, MACHINE_STATUSES, MachineStatus } from './machine.entity';

export class MachineView {
  @ApiProperty({ example: 'atm-001' }) machine_id: string;
  @ApiProperty({ type: String, nullable: true, example: 'Lobby ATM' }) name: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Main St 1' }) location: string | null;
  @ApiProperty({ enum: MACHINE_STATUSES }) status: MachineStatus;
  /** `empty`: every bill cassette at 0; else `low`: a cassette at or below its low_threshold; else `ok`. */
  @ApiProperty({ enum: CASH_STATUSES, example: 'ok' }) cash_status: CashStatus;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) updated_at: string;
}

export class MachinePageView {
  @ApiProperty({ type: [MachineView] }) items: MachineView[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}

export class CassetteView {
  @ApiProperty({ example: '20.00' }) denomination: string;
  @ApiProperty({ enum: CASH_KINDS }) kind: CashKind;
  @ApiProperty({ example: 100 }) count: number;
  @ApiProperty({ example: 2000 }) capacity: number;
  /** At or below this count the cassette is low; null: never low. */
  @ApiProperty({ type: 'integer', nullable: true, example: 10 }) low_threshold: number | null;
  /** count <= low_threshold. */
  @ApiProperty({ example: false }) low: boolean;
}

export class InventoryView {
  @ApiProperty({ example: 'atm-001' }) machine_id: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  /** Largest denomination first. */
  @ApiProperty({ type: [CassetteView] }) cassettes: CassetteView[];
  /** Sum of denomination × count. */
  @ApiProperty({ example: '7864.00' }) total: string;
  @ApiProperty({ enum: CASH_STATUSES, example: 'ok' }) cash_status: CashStatus;
}

/** Inventory after a refill or maintenance reset, with the ledger row that recorded it. */
export class CashEventView extends InventoryView {
  @ApiProperty({ example: 42 }) transaction_id: number;
}

export class TotalView {
  @ApiProperty({ example: 'atm-001' }) machine_id: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '7864.00' }) total: string;
}

export class DispensedView {
  @ApiProperty({ example: '20.00' }) denomination: string;
  @ApiProperty({ enum: CASH_KINDS }) kind: CashKind;
  /** Pieces paid out (positive). */
  @ApiProperty({ example: 3 }) count: number;
}

export class AtmWithdrawalView {
  @ApiProperty({ example: 42 }) transaction_id: number;
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '440.00' }) balance: string;
  @ApiProperty({ example: '60.00' }) amount: string;
  /** Largest denomination first. */
  @ApiProperty({ type: [DispensedView] }) dispensed: DispensedView[];
}

export class AtmDepositView {
  @ApiProperty({ example: 43 }) transaction_id: number;
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '560.00' }) balance: string;
  @ApiProperty({ example: '60.00' }) amount: string;
  /** The machine's cash total after the deposit. */
  @ApiProperty({ example: '7924.00' }) inventory_total: string;
}

export function toMachineView(machine: Machine, status: CashStatus): MachineView {
  return {
    machine_id: machine.machineId,
    name: machine.name,
    location: machine.location,
    status: machine.status,
    cash_status: status,
    created_at: machine.createdAt,
    updated_at: machine.updatedAt,
  };
}

export function totalOf(cassettes: ReadonlyArray<Pick<Cassette, 'denomination' | 'count'>>): bigint {
  return cassettes.reduce((sum, c) => sum + c.denomination * BigInt(c.count), 0n);
}

export function toInventoryView(machineId: string, cassettes: readonly Cassette[], currency: string): InventoryView {
  const sorted = [...cassettes].sort((a, b) => (a.denomination === b.denomination ? 0 : a.denomination > b.denomination ? -1 : 1));
  return {
    machine_id: machineId,
    currency,
    cassettes: sorted.map((c) => ({
      denomination: formatMoney(c.denomination),
      kind: c.kind,
      count: c.count,
      capacity: c.capacity,
      low_threshold: c.lowThreshold,
      low: isLow(c),
    })),
    total: formatMoney(totalOf(cassettes)),
    cash_status: cashStatus(cassettes),
  };
}

export function toDispensedView(pieces: readonly DispensedPiece[]): DispensedView[] {
  return pieces.map((p) => ({ denomination: formatMoney(p.denomination), kind: p.kind, count: p.count }));
}
