import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatMoney, toMinorUnits } from '../common/money';
import { AccountMovementsService } from '../accounts/account-movements.service';
import { Account } from '../accounts/account.entity';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { CashInventoryService, toCashLines } from './cash-inventory.service';
import { planDispense } from './dispense-plan';
import { AtmDepositDto, AtmWithdrawalDto } from './dto/cash-movement.dto';
import { AtmDepositView, AtmWithdrawalView, toDispensedView, totalOf } from './machine.view';

/**
 * Customer cash at an ATM. Each use case is one transaction: the account row
 * is locked first, then the machine and its cassettes (the global lock order:
 * accounts, then the machine), and one ledger row records the account
 * movement together with the machine's signed cash. A refusal throws before
 * anything is written, and the transaction rolls back anyway.
 *
 * Refusal order: 400 → 404 MACHINE_NOT_FOUND (the path's resource), then
 * ACCOUNT_NOT_FOUND → 409 MACHINE_OUT_OF_SERVICE, then ACCOUNT_NOT_ACTIVE →
 * 422 AMOUNT_TOO_LARGE, INSUFFICIENT_FUNDS, DAILY_LIMIT_EXCEEDED,
 * CANNOT_DISPENSE, TOO_MANY_COINS (deposits: UNKNOWN_DENOMINATION,
 * CASSETTE_CAPACITY_EXCEEDED).
 */
@Injectable()
export class AtmService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly movements: AccountMovementsService,
    private readonly inventory: CashInventoryService,
    private readonly config: AppConfig,
  ) {}

  withdraw(machineId: string, dto: AtmWithdrawalDto): Promise<AtmWithdrawalView> {
    const amount = toMinorUnits(dto.amount);
    this.movements.assertWithinMaximum(amount);
    return this.runner.run(async (em) => {
      const { account, cassettes } = await this.lockForCash(em, machineId, dto.account_number);
      if (amount > this.config.maxAtmWithdrawal) {
        throw new DomainError(
          'AMOUNT_TOO_LARGE',
          `${formatMoney(amount)} is over the ATM maximum ${formatMoney(this.config.maxAtmWithdrawal)}`,
        );
      }
      const now = nowIso();
      // ATM withdrawals count toward the daily limit, like teller withdrawals.
      this.movements.assertCanDebit(account, amount, true, now);
      const stock = cassettes.map(({ denomination, kind, count }) => ({ denomination, kind, count }));
      const plan = planDispense(amount, stock, this.config.maxCoinsPerWithdrawal);
      if (!plan.ok) throw dispenseRefusal(plan.reason, amount, this.config.maxCoinsPerWithdrawal);
      const cash = this.inventory.takeCash(cassettes, plan.pieces, amount);
      await this.inventory.saveCounts(em, machineId, cassettes, cash);
      const result = await this.movements.debit(em, account, amount, { type: 'atm_withdrawal', machineId, cash }, true, now);
      return {
        transaction_id: result.transactionId,
        account_number: account.accountNumber,
        balance: formatMoney(result.balance),
        amount: formatMoney(amount),
        dispensed: toDispensedView(plan.pieces),
      };
    });
  }

  /** The 404s, then the locks in the global order (account, then machine), then the 409s in contract order. */
  private async lockForCash(em: EntityManager, machineId: string, accountNumber: string) {
    await this.inventory.assertExists(em, machineId);
    const account = (await this.movements.lock(em, [accountNumber])).get(accountNumber) as Account;
    const { machine, cassettes } = await this.inventory.lock(em, machineId);
    this.inventory.assertInService(machine);
    this.movements.assertActive(account);
    return { account, cassettes };
  }

  deposit(machineId: string, dto: AtmDepositDto): Promise<AtmDepositView> {
    const lines = toCashLines(dto.cash);
    const amount = lines.reduce((sum, line) => sum + line.denomination * BigInt(line.count), 0n);
    this.movements.assertWithinMaximum(amount, 'cash');
    return this.runner.run(async (em) => {
      const { account, cassettes } = await this.lockForCash(em, machineId, dto.account_number);
      const cash = this.inventory.addCash(cassettes, lines);
      await this.inventory.saveCounts(em, machineId, cassettes, cash);
      const result = await this.movements.credit(em, account, amount, { type: 'atm_deposit', machineId, cash }, nowIso());
      return {
        transaction_id: result.transactionId,
        account_number: account.accountNumber,
        balance: formatMoney(result.balance),
        amount: formatMoney(amount),
        inventory_total: formatMoney(totalOf(cassettes)),
      };
    });
  }
}

function dispenseRefusal(reason: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS', amount: bigint, maxCoins: number): DomainError {
  return reason === 'TOO_MANY_COINS'
    ? new DomainError('TOO_MANY_COINS', `Every way to pay ${formatMoney(amount)} from this machine needs more than ${maxCoins} coins`)
    : new DomainError('CANNOT_DISPENSE', `This machine cannot pay ${formatMoney(amount)} exactly with the notes and coins it holds`);
}
