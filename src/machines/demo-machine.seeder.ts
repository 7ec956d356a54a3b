import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { parseConfigMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { isCreatedByAnother } from '../database/database-errors';
import { retryWhileUnavailable } from '../database/database-boot';
import { TransactionRunner } from '../database/transaction-runner';
import type { CashKind } from './dispense-plan';
import { Machine } from './machine.entity';
import { MachinesService } from './machines.service';

const CAPACITY = 2000;
// API.md, "Demo data": total 7864.00. The low thresholds (ours, not the
// contract's) are a fifth to a quarter of the initial load: the demo starts
// `ok` and turns `low` after a realistic run of withdrawals (README, "Low cash").
const DEMO_CASSETTES: Array<[string, CashKind, number, number]> = [
  ['100.00', 'bill', 20, 5],
  ['50.00', 'bill', 40, 10],
  ['20.00', 'bill', 100, 20],
  ['10.00', 'bill', 100, 20],
  ['5.00', 'bill', 100, 20],
  ['1.00', 'coin', 200, 40],
  ['0.25', 'coin', 400, 80],
  ['0.10', 'coin', 400, 80],
  ['0.05', 'coin', 400, 80],
  ['0.01', 'coin', 400, 80],
];

/** With SEED_DEMO_DATA, a database without machines gets the demo machine `atm-001`. */
@Injectable()
export class DemoMachineSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoMachineSeeder.name);

  constructor(
    private readonly runner: TransactionRunner,
    private readonly machines: MachinesService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoData) return;
    try {
      // A database that blinks at boot is waited for, within DB_CONNECT_TIMEOUT_MS.
      const seeded = await retryWhileUnavailable(this.config, 'seeding the demo machine', () =>
        this.runner.run(async (em) => {
          if ((await em.count(Machine)) > 0) return false;
          await this.machines.insert(em, {
            machineId: 'atm-001',
            name: 'Demo ATM',
            location: 'Lobby',
            cassettes: DEMO_CASSETTES.map(([value, kind, count, lowThreshold]) => ({
              denomination: parseConfigMoney(value, 'demo denomination'),
              kind,
              count,
              capacity: CAPACITY,
              lowThreshold,
            })),
          });
          return true;
        }),
      );
      if (seeded) this.logger.log('seeded demo machine atm-001');
    } catch (error) {
      // Another instance starting on the same database seeded it first.
      if (!isCreatedByAnother(error, 'MACHINE_EXISTS')) throw error;
    }
  }
}
