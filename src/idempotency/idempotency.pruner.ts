import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyStore } from './idempotency.store';

export interface IdempotencyOptions {
  /** How often expired keys are pruned; 0 turns the background prune off. */
  pruneIntervalMs: number;
  /** Keys deleted per transaction: small, so SQLite requests wait at most one batch. */
  pruneBatchSize: number;
}

export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');
export const DEFAULT_IDEMPOTENCY_OPTIONS: IdempotencyOptions = { pruneIntervalMs: 60_000, pruneBatchSize: 500 };

/** Deletes expired keys in the background, in small batches through the runner. */
@Injectable()
export class IdempotencyPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyPruner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly store: IdempotencyStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.pruneIntervalMs <= 0) return;
    this.timer = setInterval(() => this.pruneInBackground(), this.options.pruneIntervalMs);
    this.timer.unref();
  }

  /** Before the database closes: stop the timer and let a running batch finish. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes every key older than the TTL, one short transaction per batch; returns how many. */
  async pruneExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.idempotencyTtlSeconds * 1000).toISOString();
    const batch = this.options.pruneBatchSize;
    let total = 0;
    while (!this.stopped) {
      const deleted = await this.runner.run((em) => this.store.deleteExpired(em, cutoff, batch));
      total += deleted;
      if (deleted < batch) break;
    }
    return total;
  }

  private pruneInBackground(): void {
    if (this.running) return;
    this.running = this.pruneExpired()
      .then((deleted) => {
        if (deleted > 0) this.logger.log(`pruned ${deleted} expired idempotency keys`);
      })
      .catch((error: unknown) => this.logger.warn(`idempotency prune failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }
}
