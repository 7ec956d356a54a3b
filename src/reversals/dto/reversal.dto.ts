import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';
import { DENOMINATION_SCHEMA, DistinctDenominations, IsDenomination, MAX_CASH_LINES, MAX_PIECES } from '../../machines/dto/cash-validation';

export const MAX_REASON = 200;

/** Pieces of one denomination that did leave the machine. */
export class DispensedCountDto {
  @ApiProperty(DENOMINATION_SCHEMA)
  @IsDenomination()
  denomination: bigint;

  /** 0 is allowed: none of this denomination left the machine. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_PIECES, example: 2 })
  @IsInt()
  @Min(0)
  @Max(MAX_PIECES)
  count: number;
}

/** An ATM's reversal advice for a withdrawal it could not (fully) pay out. */
export class AtmReversalDto {
  /** What did leave the machine; absent or empty: nothing did. Distinct denominations, at most 20 lines. */
  @ApiPropertyOptional({ type: [DispensedCountDto], maxItems: MAX_CASH_LINES, example: [{ denomination: '20.00', count: 2 }] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CASH_LINES)
  @DistinctDenominations()
  @ValidateNested({ each: true })
  @Type(() => DispensedCountDto)
  dispensed?: DispensedCountDto[];

  /** Why the ATM reverses (jam, timeout, notes retracted); kept on the ledger row. */
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_REASON, pattern: PLAIN_TEXT_PATTERN, example: 'notes retracted' })
  @IsOptional()
  @IsString()
  @IsText(1, MAX_REASON)
  reason?: string;
}

/** A supervisor's correction of a teller movement. */
export class CorrectionDto {
  /** Why the movement is undone; kept on the compensating rows. */
  @ApiProperty({ minLength: 1, maxLength: MAX_REASON, pattern: PLAIN_TEXT_PATTERN, example: 'deposit keyed twice' })
  @IsString()
  @IsText(1, MAX_REASON)
  reason: string;
}
