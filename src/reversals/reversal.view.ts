import { ApiProperty } from '@nestjs/swagger';
import { DispensedView } from '../machines/machine.view';

export class AtmReversalView {
  /** The `atm_reversal` ledger row. */
  @ApiProperty({ example: 57 }) transaction_id: number;
  /** The withdrawal it reverses. */
  @ApiProperty({ example: 42 }) reverses: number;
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '480.00' }) balance: string;
  /** Credited: the withdrawal's amount less the value of what was dispensed. */
  @ApiProperty({ example: '40.00' }) amount: string;
  /** The pieces put back into their cassettes, largest denomination first. */
  @ApiProperty({ type: [DispensedView], example: [{ denomination: '20.00', kind: 'bill', count: 2 }] }) returned: DispensedView[];
}

export class AccountBalanceView {
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '475.00' }) balance: string;
}

export class CorrectionView {
  /** The compensating `reversal` rows (two for a transfer). */
  @ApiProperty({ type: [Number], example: [58, 59] }) transaction_ids: number[];
  /** The id in the path. */
  @ApiProperty({ example: 42 }) reverses: number;
  @ApiProperty({ type: [AccountBalanceView] }) accounts: AccountBalanceView[];
}
