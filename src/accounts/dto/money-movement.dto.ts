import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsMoney, IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';

/** Body of a teller deposit or withdrawal. */
export class MoneyMovementDto {
  /** > 0 and <= MAX_TRANSACTION_AMOUNT; `"10.50"` or `10.5`. */
  @ApiProperty({
    oneOf: [
      { type: 'string', example: '60.00', pattern: '^\\d+(\\.\\d{1,2})?$' },
      { type: 'number', example: 60 },
    ],
  })
  @IsMoney({ capped: true })
  amount: bigint;

  /** Free text kept on the ledger row. */
  @ApiPropertyOptional({ maxLength: 140, pattern: PLAIN_TEXT_PATTERN, example: 'counter 3' })
  @IsOptional()
  @IsString()
  @IsText(1, 140)
  reference?: string;
}
