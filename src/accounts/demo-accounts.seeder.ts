import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { parseConfigMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { isCreatedByAnother } from '../database/database-errors';
import { retryWhileUnavailable } from '../database/database-boot';
import { TransactionRunner } from '../database/transaction-runner';
import { Account } from './account.entity';
import { AccountsService } from './accounts.service';

const DEMO_ACCOUNTS: Array<[string, string, string]> = [
  ['1001', 'Ada Lovelace', '500.00'],
  ['1002', 'Grace Hopper', '1250.75'],
  ['9999', 'Alan Turing', '0.00'],
];

/**
 * Demo data (API.md, "Demo data"): with SEED_DEMO_DATA an empty database
 * gets the demo accounts; PRELOAD_ACCOUNTS creates its own accounts instead,
 * each one that does not exist yet. Opening balances are ledger deposits.
 */
@Injectable()
export class DemoAccountsSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoAccountsSeeder.name);

  constructor(
    private readonly runner: TransactionRunner,
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.wantedAccounts();
    if (wanted.length === 0) return;
    try {
      // A database that blinks at boot is waited for, within DB_CONNECT_TIMEOUT_MS.
      const created = await retryWhileUnavailable(this.config, 'seeding demo accounts', () =>
        this.runner.run(async (em) => {
          if (!this.config.preloadAccounts && (await em.count(Account)) > 0) return 0;
          let count = 0;
          for (const [number, holder, balance] of wanted) {
            if (await em.existsBy(Account, { accountNumber: number })) continue;
            await this.accounts.insert(em, { account_number: number, holder_name: holder, initial_deposit: balance }, 'opening balance');
            count++;
          }
          return count;
        }),
      );
      if (created > 0) this.logger.log(`seeded ${created} account(s)`);
    } catch (error) {
      // Another instance starting on the same database seeded them first.
      if (!isCreatedByAnother(error, 'ACCOUNT_EXISTS')) throw error;
    }
  }

  private wantedAccounts(): Array<[string, string | null, bigint]> {
    if (this.config.preloadAccounts) {
      return [...this.config.preloadAccounts].map(([number, balance]) => [number, null, balance]);
    }
    if (!this.config.seedDemoData) return [];
    return DEMO_ACCOUNTS.map(([number, holder, balance]) => [number, holder, parseConfigMoney(balance, number)]);
  }
}
