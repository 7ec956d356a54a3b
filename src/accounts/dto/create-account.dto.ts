import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { ACCOUNT_NUMBER_PATTERN } from '../../common/path-params';
import { IsMoney, IsText, PLAIN_TEXT_PATTERN } from '../../common/validation';

export class CreateAccountDto {
  /** Generated (10 digits) when absent. */
  @ApiPropertyOptional({ example: '2001', pattern: ACCOUNT_NUMBER_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(ACCOUNT_NUMBER_PATTERN, { message: 'account_number must be 1–34 characters of [A-Za-z0-9_-]' })
  account_number?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ada Lovelace', maxLength: 200, pattern: PLAIN_TEXT_PATTERN })
  @IsOptional()
  @IsString()
  @IsText(1, 200)
  holder_name?: string | null;

  // ValidateIf, not IsOptional: IsOptional lets null through, and null is no amount.
  /** Opening balance, written to the ledger as a deposit. */
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', example: '100.00' },
      { type: 'number', example: 100 },
    ],
  })
  @ValidateIf((dto: CreateAccountDto) => dto.initial_deposit !== undefined)
  @IsMoney({ allowZero: true, capped: true })
  initial_deposit?: bigint;

  /** How far below zero the balance may go; default `DEFAULT_OVERDRAFT_LIMIT`. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string', example: '0.00' }, { type: 'number' }] })
  @ValidateIf((dto: CreateAccountDto) => dto.overdraft_limit !== undefined)
  @IsMoney({ allowZero: true })
  overdraft_limit?: bigint;

  /** Per UTC day, teller + ATM withdrawals; null: no limit. Default `DEFAULT_DAILY_WITHDRAWAL_LIMIT`. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string', example: '500.00' }, { type: 'number' }], nullable: true })
  @IsOptional()
  @IsMoney({ allowZero: true })
  daily_withdrawal_limit?: bigint | null;
}
