import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

/** `GET /audit-events?limit&cursor&resource_type&resource_id`. */
export class AuditQueryDto extends PageQueryDto {
  /** Only events of this kind of resource. */
  @ApiPropertyOptional({ enum: ['account', 'machine', 'client'] })
  @IsOptional()
  @IsIn(['account', 'machine', 'client'])
  resource_type?: string;

  /** Only events of this resource (an account number, machine id or client id). */
  @ApiPropertyOptional({ example: '1001' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'resource_id must be 1–64 characters of [A-Za-z0-9_-]' })
  resource_id?: string;
}
