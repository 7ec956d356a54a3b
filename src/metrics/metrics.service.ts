import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TransactionRunner } from '../database/transaction-runner';

// Process metrics (CPU, memory, event loop, GC) describe the process, not an
// app instance: one registry per process, however many apps a test boots.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

// Requests here take milliseconds: finer buckets at the low end than the default.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The app's Prometheus metrics, in a registry of its own (so two app
 * instances in one process never share counters). Hot-path updates are a
 * label lookup and an addition; gauges of database state are computed by
 * their `collect` callbacks when scraped, never kept in sync on the hot path.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  private readonly requests = new Counter({
    name: 'atm_http_requests_total',
    help: 'HTTP requests answered, by method, route template (`unmatched` when no route answered) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'atm_http_request_duration_seconds',
    help: 'Time from the request reaching the app to the last byte of its response, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly movements = new Counter({
    name: 'atm_money_movements_total',
    help: 'Money movements applied (idempotent replays excluded), by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly moved = new Counter({
    name: 'atm_money_moved_minor_units_total',
    help: 'Sum of the amounts of those movements in minor units of CURRENCY (cents for USD), by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly replays = new Counter({
    name: 'atm_idempotent_replays_total',
    help: 'Requests answered with a stored response (Idempotent-Replayed: true), by route template',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  constructor(runner: TransactionRunner) {
    new Gauge({
      name: 'atm_db_pool_connections_in_use',
      help: 'Database connections checked out of the pool (SQLite: 1 while its one connection is in use)',
      registers: [this.registry],
      collect() {
        this.set(runner.poolStats().inUse);
      },
    });
    new Gauge({
      name: 'atm_db_pool_waiting',
      help: 'Callers waiting for a database connection (SQLite: queued behind its mutex)',
      registers: [this.registry],
      collect() {
        this.set(runner.poolStats().waiting);
      },
    });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  moneyMoved(type: string, minorUnits: number): void {
    this.movements.inc({ type });
    this.moved.inc({ type }, minorUnits);
  }

  replayed(route: string): void {
    this.replays.inc({ route });
  }

  /** The Prometheus text exposition: process metrics, then the app's. */
  async render(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }
}
