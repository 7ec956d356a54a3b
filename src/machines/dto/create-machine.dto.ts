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
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MACHINE_ID_PATTERN } from '../../common/path-params';
import { IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';
import { CASH_KINDS } from '../cassette.entity';
import type { CashKind } from '../dispense-plan';
import {
  CountWithinCapacity,
  DENOMINATION_SCHEMA,
  DistinctDenominations,
  IsDenomination,
  MAX_CASH_LINES,
  MAX_PIECES,
} from './cash-validation';

export class CassetteSpecDto {
  @ApiProperty(DENOMINATION_SCHEMA)
  @IsDenomination()
  denomination: bigint;

  /** Only coins count against MAX_COINS_PER_WITHDRAWAL. */
  @ApiProperty({ enum: CASH_KINDS, example: 'bill' })
  @IsIn(CASH_KINDS)
  kind: CashKind;

  /** Pieces loaded now; maintenance resets the cassette to this count. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_PIECES, example: 100, description: '0..capacity' })
  @IsInt()
  @Min(0)
  @Max(MAX_PIECES)
  @CountWithinCapacity()
  count: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PIECES, example: 2000 })
  @IsInt()
  @Min(1)
  @Max(MAX_PIECES)
  capacity: number;

  /** At or below this count the cassette is low (cash_status `low`); absent or null: never low. */
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_PIECES, example: 10 })
  @ValidateIf((dto: CassetteSpecDto) => dto.low_threshold !== undefined && dto.low_threshold !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_PIECES)
  low_threshold?: number | null;
}

export class CreateMachineDto {
  @ApiProperty({ example: 'atm-002', pattern: MACHINE_ID_PATTERN.source })
  @IsString()
  @Matches(MACHINE_ID_PATTERN, { message: 'machine_id must be 1–64 characters of [A-Za-z0-9_-]' })
  machine_id: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN, example: 'Lobby ATM' })
  @IsOptional()
  @IsString()
  @IsText(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN, example: 'Main St 1' })
  @IsOptional()
  @IsString()
  @IsText(1, 200)
  location?: string | null;

  /** One cassette per denomination, 1–20 of them. */
  @ApiProperty({ type: [CassetteSpecDto], minItems: 1, maxItems: MAX_CASH_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CASH_LINES)
  @DistinctDenominations()
  @ValidateNested({ each: true })
  @Type(() => CassetteSpecDto)
  cassettes: CassetteSpecDto[];
}
