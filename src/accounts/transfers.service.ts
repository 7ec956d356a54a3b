import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { nowIso } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney, toMinorUnits } from '../common/money';
import { TransactionRunner } from '../database/transaction-runner';
import { Account } from './account.entity';
import { AccountMovementsService } from './account-movements.service';
import { TransferView } from './account.view';
import { TransferDto } from './dto/transfer.dto';

/** Moves money between two accounts: both legs commit together or not at all. */
@Injectable()
export class TransfersService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly movements: AccountMovementsService,
  ) {}

  transfer(dto: TransferDto): Promise<TransferView> {
    const amount = toMinorUnits(dto.amount);
    this.movements.assertWithinMaximum(amount);
    return this.runner.run(async (em) => {
      const accounts = await this.movements.lock(em, [dto.from_account, dto.to_account]);
      const from = accounts.get(dto.from_account) as Account;
      const to = accounts.get(dto.to_account) as Account;
      this.movements.assertActive(from);
      this.movements.assertActive(to);
      if (from.accountNumber === to.accountNumber) {
        throw new DomainError('SAME_ACCOUNT', 'from_account and to_account must differ');
      }
      const now = nowIso();
      // Transfers are not withdrawals: they do not count toward the daily limit.
      this.movements.assertCanDebit(from, amount, false, now);
      const transferId = randomUUID();
      const reference = dto.reference;
      const out = await this.movements.debit(
        em,
        from,
        amount,
        { type: 'transfer_out', transferId, counterpartyAccount: to.accountNumber, reference },
        false,
        now,
      );
      const into = await this.movements.credit(
        em,
        to,
        amount,
        { type: 'transfer_in', transferId, counterpartyAccount: from.accountNumber, reference },
        now,
      );
      return {
        transfer_id: transferId,
        amount: formatMoney(amount),
        from: { account_number: from.accountNumber, balance: formatMoney(out.balance) },
        to: { account_number: to.accountNumber, balance: formatMoney(into.balance) },
      };
    });
  }
}
