import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { parseConfigMoney } from '../common/money';
import { AppConfig } from '../config/app-config';
import { isCreatedByAnother } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import type { CashKind } from './dispense-plan';
import { Machine } from './machine.entity';
import { MachinesService } from './machines.service';

const CAPACITY = 2000;
// API.md, "Demo data": total 7864.00.
const DEMO_CASSETTES: Array<[string, CashKind, number]> = [
  ['100.00', 'bill', 20],
  ['50.00', 'bill', 40],
  ['20.00', 'bill', 100],
  ['10.00', 'bill', 100],
  ['5.00', 'bill', 100],
  ['1.00', 'coin', 200],
  ['0.25', 'coin', 400],
  ['0.10', 'coin', 400],
  ['0.05', 'coin', 400],
  ['0.01', 'coin', 400],
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
      const seeded = await this.runner.run(async (em) => {
        if ((await em.count(Machine)) > 0) return false;
        await this.machines.insert(em, {
          machineId: 'atm-001',
          name: 'Demo ATM',
          location: 'Lobby',
          cassettes: DEMO_CASSETTES.map(([value, kind, count]) => ({
            denomination: parseConfigMoney(value, 'demo denomination'),
            kind,
            count,
            capacity: CAPACITY,
          })),
        });
        return true;
      });
      if (seeded) this.logger.log('seeded demo machine atm-001');
    } catch (error) {
      // Another instance starting on the same database seeded it first.
      if (!isCreatedByAnother(error, 'MACHINE_EXISTS')) throw error;
    }
  }
}
