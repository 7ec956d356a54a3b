import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { CASH_STATUSES, CashStatus } from '../cash-status';

/** `GET /machines?limit&cursor&cash_status`. */
export class MachineListQueryDto extends PageQueryDto {
  /** Only the machines with exactly this cash status. */
  @ApiPropertyOptional({ enum: CASH_STATUSES })
  @IsOptional()
  @IsIn(CASH_STATUSES)
  cash_status?: CashStatus;
}
