import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { TransactionRunner } from '../database/transaction-runner';

const PING_TIMEOUT_MS = 2000;

/** Pings the database through the transaction runner (SQLite's mutex included), with a deadline. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runner: TransactionRunner,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.runner.read((em) => em.query('SELECT 1')), deadline]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'database unreachable' });
    } finally {
      clearTimeout(timer);
    }
  }
}
