import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { sqliteWriteProblem } from '../database/sqlite-write-probe';
import { TransactionRunner } from '../database/transaction-runner';

const PING_TIMEOUT_MS = 2000;

/**
 * Pings the database through the transaction runner (SQLite's mutex
 * included), with a deadline; on SQLite also asks whether a write could
 * succeed (read-only file, full disk), since readiness means "can serve
 * deposits", not "can read".
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runner: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.runner.read((em) => em.query('SELECT 1')), deadline]);
    } catch {
      return indicator.down({ message: 'database unreachable' });
    } finally {
      clearTimeout(timer);
    }
    const problem = this.config.dbType === 'sqlite' ? await sqliteWriteProblem(this.config.sqlitePath).catch(String) : null;
    return problem ? indicator.down({ message: 'database cannot be written' }) : indicator.up();
  }
}
