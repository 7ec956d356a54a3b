import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { IsPlainText, PLAIN_TEXT_PATTERN } from '../../common/validation';
import { MACHINE_STATUSES, MachineStatus } from '../machine.entity';

export class UpdateMachineDto {
  /** null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  name?: string | null;

  /** null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  location?: string | null;

  /** out_of_service refuses withdrawals and deposits; refill and maintenance still work. */
  @ApiPropertyOptional({ enum: MACHINE_STATUSES })
  @ValidateIf((dto: UpdateMachineDto) => dto.status !== undefined)
  @IsIn(MACHINE_STATUSES)
  status?: MachineStatus;
}
