import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { DENOMINATION_SCHEMA, IsDenomination, MAX_PIECES } from './cash-validation';

/** Pieces of one denomination put into a machine (refill or cash deposit). */
export class CashCountDto {
  @ApiProperty(DENOMINATION_SCHEMA)
  @IsDenomination()
  denomination: bigint;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PIECES, example: 10 })
  @IsInt()
  @Min(1)
  @Max(MAX_PIECES)
  count: number;
}
