import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ApiClient } from '../auth/api-client.entity';
import { AppConfig } from '../config/app-config';
import { retryWhileUnavailable } from '../database/database-boot';
import { isUniqueViolation } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { ClientsService, NewClient } from './clients.service';

/** API.md v1.2, "Demo data": public, documented keys — never with NODE_ENV=production. */
export const DEMO_CLIENTS: Array<NewClient & { key: string }> = [
  { id: 'demo-admin', name: 'Demo admin', role: 'admin', key: 'demo-admin-key' },
  { id: 'demo-teller', name: 'Demo teller', role: 'teller', key: 'demo-teller-key' },
  { id: 'demo-operator', name: 'Demo operator', role: 'operator', key: 'demo-operator-key' },
  { id: 'demo-auditor', name: 'Demo auditor', role: 'auditor', key: 'demo-auditor-key' },
  { id: 'demo-atm-001', name: 'Demo ATM atm-001', role: 'atm', machineId: 'atm-001', key: 'demo-atm-001-key' },
];

/**
 * With the demo data, a database without clients gets the demo clients. Runs
 * after the demo machine seeder (this module imports the machines module, and
 * Nest bootstraps imported modules first): the atm client needs atm-001.
 */
@Injectable()
export class DemoClientsSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoClientsSeeder.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clients: ClientsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoData || this.config.nodeEnv === 'production') return;
    try {
      // A database that blinks at boot is waited for, within DB_CONNECT_TIMEOUT_MS (as the other seeders).
      const seeded = await retryWhileUnavailable(this.config, 'seeding demo clients', () =>
        this.tx.run(async (em) => {
          if ((await em.count(ApiClient)) > 0) return false;
          for (const { key, ...client } of DEMO_CLIENTS) {
            // A database that had machines before the demo data gets no atm-001: no client for it either.
            if (client.machineId && !(await this.clients.machineExists(client.machineId))) continue;
            await this.clients.insert(em, client, key);
          }
          return true;
        }),
      );
      if (seeded) this.logger.log(`seeded ${DEMO_CLIENTS.length} demo clients (public keys: see README)`);
    } catch (error) {
      // Another instance starting on the same database seeded them first.
      if (!isUniqueViolation(error)) throw error;
    }
  }
}
