import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ACCOUNT_NUMBER_PATTERN } from '../../common/path-params';
import { IsMoney, IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';

export class TransferDto {
  @ApiProperty({ example: '1001', pattern: ACCOUNT_NUMBER_PATTERN.source })
  @IsString()
  @Matches(ACCOUNT_NUMBER_PATTERN, { message: 'from_account must be 1–34 characters of [A-Za-z0-9_-]' })
  from_account: string;

  @ApiProperty({ example: '1002', pattern: ACCOUNT_NUMBER_PATTERN.source })
  @IsString()
  @Matches(ACCOUNT_NUMBER_PATTERN, { message: 'to_account must be 1–34 characters of [A-Za-z0-9_-]' })
  to_account: string;

  @ApiProperty({
    oneOf: [
      { type: 'string', example: '25.00' },
      { type: 'number', example: 25 },
    ],
  })
  @IsMoney({ capped: true })
  amount: bigint;

  @ApiPropertyOptional({ maxLength: 140, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @IsText(1, 140)
  reference?: string;
}
