import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, ValidateNested } from 'class-validator';
import { ACCOUNT_NUMBER_PATTERN } from '../../common/path-params';
import { CappedTotal, IsMoney } from '../../common/validation';
import { CashCountDto } from './cash-count.dto';
import { DistinctDenominations, MAX_CASH_LINES } from './cash-validation';

const CASH_LIST: ApiPropertyOptions = {
  type: [CashCountDto],
  minItems: 1,
  maxItems: MAX_CASH_LINES,
  description: 'Distinct denominations, 1–20 lines',
};

export class RefillDto {
  @ApiProperty(CASH_LIST)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CASH_LINES)
  @DistinctDenominations()
  @ValidateNested({ each: true })
  @Type(() => CashCountDto)
  cassettes: CashCountDto[];
}

export class AtmWithdrawalDto {
  @ApiProperty({ example: '1001', pattern: ACCOUNT_NUMBER_PATTERN.source })
  @IsString()
  @Matches(ACCOUNT_NUMBER_PATTERN, { message: 'account_number must be 1–34 characters of [A-Za-z0-9_-]' })
  account_number: string;

  /** > 0 and <= MAX_TRANSACTION_AMOUNT (400); over MAX_ATM_WITHDRAWAL is 422 AMOUNT_TOO_LARGE. */
  @ApiProperty({
    oneOf: [
      { type: 'string', example: '60.00', pattern: '^\\d+(\\.\\d{1,2})?$' },
      { type: 'number', example: 60 },
    ],
  })
  @IsMoney({ capped: true })
  amount: bigint;
}

@CappedTotal<AtmDepositDto>('cash', (dto) => dto.cash.reduce((sum, line) => sum + line.denomination * BigInt(line.count), 0n))
export class AtmDepositDto {
  @ApiProperty({ example: '1001', pattern: ACCOUNT_NUMBER_PATTERN.source })
  @IsString()
  @Matches(ACCOUNT_NUMBER_PATTERN, { message: 'account_number must be 1–34 characters of [A-Za-z0-9_-]' })
  account_number: string;

  /** The pieces inserted; the amount credited is the sum of denomination × count (<= MAX_TRANSACTION_AMOUNT). */
  @ApiProperty(CASH_LIST)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CASH_LINES)
  @DistinctDenominations()
  @ValidateNested({ each: true })
  @Type(() => CashCountDto)
  cash: CashCountDto[];
}
