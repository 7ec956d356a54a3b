import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { formatMoney } from '../common/money';
import { PostingService } from '../ledger/posting.service';
import { TransferView } from './account.view';
import { TransferDto } from './dto/transfer.dto';

/** Moves money between two accounts: both legs commit together or not at all. */
@Injectable()
export class TransfersService {
  constructor(private readonly posting: PostingService) {}

  async transfer(dto: TransferDto): Promise<TransferView> {
    const transferId = randomUUID();
    const posted = await this.posting.post({
      type: 'transfer_out',
      legs: [
        { account: dto.from_account, amount: -dto.amount, counterparty: dto.to_account },
        { account: dto.to_account, amount: dto.amount, counterparty: dto.from_account, type: 'transfer_in' },
      ],
      transferId,
      reference: dto.reference,
    });
    const [from, to] = posted.rows;
    return {
      transfer_id: transferId,
      amount: formatMoney(dto.amount),
      from: { account_number: dto.from_account, balance: formatMoney(from.balance as bigint) },
      to: { account_number: dto.to_account, balance: formatMoney(to.balance as bigint) },
    };
  }
}
