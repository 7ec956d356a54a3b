import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../../auth/api-client.entity';
import { MACHINE_ID_PATTERN } from '../../common/path-params';
import { IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';

export class CreateClientDto {
  /** Who holds the key: a desk, a service, a person. */
  @ApiProperty({ maxLength: 200, pattern: PLAIN_TEXT_PATTERN, example: 'Teller desk 3' })
  @IsString()
  @IsText(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES, example: 'teller' })
  @IsIn(ROLES)
  role: Role;

  /** The machine an `atm` client is bound to: required for `atm`, refused for every other role. */
  @ApiPropertyOptional({ type: String, example: 'atm-001' })
  @ValidateIf((dto: CreateClientDto) => dto.role === 'atm' || dto.machine_id !== undefined)
  @IsString({ message: 'machine_id is required for role atm' })
  @Matches(MACHINE_ID_PATTERN, { message: 'machine_id must be 1–64 characters of [A-Za-z0-9_-]' })
  machine_id?: string;
}
