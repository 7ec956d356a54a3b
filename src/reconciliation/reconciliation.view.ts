import { ApiProperty } from '@nestjs/swagger';

export class AccountMismatchView {
  @ApiProperty({ example: '1001' }) account_number: string;
  /** The stored balance; null when ledger rows name an account that does not exist. */
  @ApiProperty({ type: String, nullable: true, example: '500.00' }) balance: string | null;
  /** Sum of the account's ledger amounts. */
  @ApiProperty({ example: '450.00' }) ledger_sum: string;
  /** balance − ledger_sum. */
  @ApiProperty({ example: '50.00' }) difference: string;
}

export class CassetteMismatchView {
  @ApiProperty({ example: 'atm-001' }) machine_id: string;
  @ApiProperty({ example: '20.00' }) denomination: string;
  /** The stored count; null when ledger cash names a cassette that does not exist. */
  @ApiProperty({ type: 'integer', nullable: true, example: 97 }) count: number | null;
  /** Sum of the machine's ledger cash movements of this denomination. */
  @ApiProperty({ type: 'integer', example: 100 }) ledger_count: number;
  /** count − ledger_count. */
  @ApiProperty({ type: 'integer', example: -3 }) difference: number;
}

export class AccountsCheckView {
  /** Accounts compared. */
  @ApiProperty({ type: 'integer', example: 3 }) checked: number;
  /** At most 1000, ordered by account number. */
  @ApiProperty({ type: [AccountMismatchView] }) mismatched: AccountMismatchView[];
  /** All mismatches, listed or not. */
  @ApiProperty({ type: 'integer', example: 0 }) mismatched_count: number;
}

export class MachinesCheckView {
  /** Machines whose cassettes were compared. */
  @ApiProperty({ type: 'integer', example: 1 }) checked: number;
  /** One entry per mismatched cassette, at most 1000, ordered by machine and denomination. */
  @ApiProperty({ type: [CassetteMismatchView] }) mismatched: CassetteMismatchView[];
  @ApiProperty({ type: 'integer', example: 0 }) mismatched_count: number;
}

export class ReconciliationView {
  /** True when nothing mismatched. */
  @ApiProperty({ example: true }) ok: boolean;
  /** When the snapshot was taken. */
  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:15:30.123Z' }) checked_at: string;
  @ApiProperty({ type: AccountsCheckView }) accounts: AccountsCheckView;
  @ApiProperty({ type: MachinesCheckView }) machines: MachinesCheckView;
  /** How long the check took. */
  @ApiProperty({ type: 'integer', example: 412 }) duration_ms: number;
}
