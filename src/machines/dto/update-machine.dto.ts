import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { MACHINE_STATUSES, MachineStatus } from '../machine.entity';

export class UpdateMachineDto {
  /** null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200)
  name?: string | null;

  /** null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200)
  location?: string | null;

  /** out_of_service refuses withdrawals and deposits; refill and maintenance still work. */
  @ApiPropertyOptional({ enum: MACHINE_STATUSES })
  @ValidateIf((dto: UpdateMachineDto) => dto.status !== undefined) @IsIn(MACHINE_STATUSES)
  status?: MachineStatus;
}
