import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, ValidateIf } from 'class-validator';
import { IsMoney, IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';
import { ACCOUNT_STATUSES, AccountStatus } from '../account.entity';

export class UpdateAccountDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @IsText(1, 200)
  holder_name?: string | null;

  /** Closing needs a zero balance; a closed account takes no status change. */
  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES })
  @ValidateIf((dto: UpdateAccountDto) => dto.status !== undefined)
  @IsIn(ACCOUNT_STATUSES)
  status?: AccountStatus;

  @ApiPropertyOptional({ oneOf: [{ type: 'string', example: '100.00' }, { type: 'number' }] })
  @ValidateIf((dto: UpdateAccountDto) => dto.overdraft_limit !== undefined)
  @IsMoney({ allowZero: true })
  overdraft_limit?: bigint;

  /** null removes the limit. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string', example: '500.00' }, { type: 'number' }], nullable: true })
  @IsOptional()
  @IsMoney({ allowZero: true })
  daily_withdrawal_limit?: bigint | null;
}
