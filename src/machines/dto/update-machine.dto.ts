import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';
import { MACHINE_STATUSES, MachineStatus } from '../machine.entity';
import { DENOMINATION_SCHEMA, DistinctDenominations, IsDenomination, MAX_CASH_LINES, MAX_PIECES } from './cash-validation';

/** A cassette's new low level: both fields required, nothing else allowed. */
export class CassetteThresholdDto {
  @ApiProperty(DENOMINATION_SCHEMA)
  @IsDenomination()
  denomination: bigint;

  /** null: never low. */
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_PIECES, example: 10 })
  @ValidateIf((dto: CassetteThresholdDto) => dto.low_threshold !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_PIECES)
  low_threshold: number | null;
}

export class UpdateMachineDto {
  /** null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @IsText(1, 200)
  name?: string | null;

  /** null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @IsText(1, 200)
  location?: string | null;

  /** out_of_service refuses withdrawals and deposits; refill and maintenance still work. */
  @ApiPropertyOptional({ enum: MACHINE_STATUSES })
  @ValidateIf((dto: UpdateMachineDto) => dto.status !== undefined)
  @IsIn(MACHINE_STATUSES)
  status?: MachineStatus;

  /** New low_threshold per named cassette; a denomination the machine has no cassette for is 422 UNKNOWN_DENOMINATION. */
  @ApiPropertyOptional({ type: [CassetteThresholdDto], minItems: 1, maxItems: MAX_CASH_LINES })
  @ValidateIf((dto: UpdateMachineDto) => dto.cassettes !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CASH_LINES)
  @DistinctDenominations()
  @ValidateNested({ each: true })
  @Type(() => CassetteThresholdDto)
  cassettes?: CassetteThresholdDto[];
}
