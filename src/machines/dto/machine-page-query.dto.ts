import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/**
 * `?limit&cursor` of GET /machines. Its own class because the cursor encodes
 * a machine id of up to 64 characters, longer than the shared PageQueryDto's.
 */
export class MachinePageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number = 50;

  @ApiPropertyOptional({ description: "Opaque: the previous page's next_cursor" })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,96}$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;
}
