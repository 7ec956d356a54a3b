import { ApiProperty } from '@nestjs/swagger';
import { formatMoney, formatMoneyOrNull } from '../common/money';
import { Account, ACCOUNT_STATUSES, AccountStatus } from './account.entity';

export class AccountView {
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ type: String, nullable: true }) holder_name: string | null;
  @ApiProperty({ example: '500.00' }) balance: string;
  /** balance + overdraft_limit */
  @ApiProperty({ example: '500.00' }) available_balance: string;
  @ApiProperty({ example: '0.00' }) overdraft_limit: string;
  @ApiProperty({ type: String, nullable: true, example: null }) daily_withdrawal_limit: string | null;
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status: AccountStatus;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) updated_at: string;
}

export class BalanceView {
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '500.00' }) balance: string;
  @ApiProperty({ example: '500.00' }) available_balance: string;
  @ApiProperty({ example: 'USD' }) currency: string;
}

/** Response of a deposit or withdrawal: `amount` moved (positive), `balance` after it. */
export class MovementView {
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '440.00' }) balance: string;
  @ApiProperty({ example: '60.00' }) amount: string;
  @ApiProperty({ example: 42 }) transaction_id: number;
}

export class TransferLegView {
  @ApiProperty({ example: '1001' }) account_number: string;
  @ApiProperty({ example: '475.00' }) balance: string;
}

export class TransferView {
  @ApiProperty({ format: 'uuid' }) transfer_id: string;
  @ApiProperty({ example: '25.00' }) amount: string;
  @ApiProperty() from: TransferLegView;
  @ApiProperty() to: TransferLegView;
}

export function toAccountView(account: Account, currency: string): AccountView {
  return {
    account_number: account.accountNumber,
    holder_name: account.holderName,
    balance: formatMoney(account.balance),
    available_balance: formatMoney(account.balance + account.overdraftLimit),
    overdraft_limit: formatMoney(account.overdraftLimit),
    daily_withdrawal_limit: formatMoneyOrNull(account.dailyWithdrawalLimit),
    status: account.status,
    currency,
    created_at: account.createdAt,
    updated_at: account.updatedAt,
  };
}

export function toBalanceView(account: Account, currency: string): BalanceView {
  return {
    account_number: account.accountNumber,
    balance: formatMoney(account.balance),
    available_balance: formatMoney(account.balance + account.overdraftLimit),
    currency,
  };
}
