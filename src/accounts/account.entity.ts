import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../database/bigint.transformer';

export const ACCOUNT_STATUSES = ['active', 'frozen', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A customer account. Money columns are integer minor units. */
@Entity('accounts')
@Check('chk_accounts_status', "status IN ('active', 'frozen', 'closed')")
@Check('chk_accounts_overdraft', 'overdraft_limit >= 0')
export class Account {
  @PrimaryColumn({ name: 'account_number', type: 'varchar', length: 34 })
  accountNumber: string;

  @Column({ name: 'holder_name', type: 'varchar', length: 200, nullable: true })
  holderName: string | null;

  /** Always the sum of this account's ledger amounts. */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  balance: bigint;

  /** The balance may go down to −overdraftLimit. */
  @Column({ name: 'overdraft_limit', type: 'bigint', default: 0, transformer: bigintTransformer })
  overdraftLimit: bigint;

  @Column({ name: 'daily_withdrawal_limit', type: 'bigint', nullable: true, transformer: bigintTransformer })
  dailyWithdrawalLimit: bigint | null;

  /** Teller + ATM withdrawals on `withdrawnOn` (UTC day), kept on the row so the limit check is one locked read. */
  @Column({ name: 'withdrawn_today', type: 'bigint', default: 0, transformer: bigintTransformer })
  withdrawnToday: bigint;

  @Column({ name: 'withdrawn_on', type: 'varchar', length: 10, nullable: true })
  withdrawnOn: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: AccountStatus;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 24 })
  updatedAt: string;
}
