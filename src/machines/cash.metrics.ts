import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { formatMoney } from '../common/money';
import { driverBigint } from '../database/bigint.transformer';
import { TransactionRunner } from '../database/transaction-runner';
import { MetricsService } from '../metrics/metrics.service';
import { CASH_STATUSES, CashLevel, CashStatus, cashStatus } from './cash-status';

const CASSETTES_SQL = 'SELECT machine_id, denomination, kind, count, low_threshold FROM cassettes ORDER BY machine_id';

interface CassetteRow {
  machine_id: string;
  denomination: unknown;
  kind: 'bill' | 'coin';
  count: unknown;
  low_threshold: unknown;
}

/**
 * Cash gauges, read from the cassettes table when Prometheus scrapes (one
 * statement per scrape, shared by the three gauges), so withdrawals never
 * pay for them.
 */
@Injectable()
export class CashMetrics implements OnModuleInit {
  private pending?: Promise<CassetteRow[]>;

  constructor(
    private readonly metrics: MetricsService,
    private readonly runner: TransactionRunner,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const load = () => this.load();
    new Gauge({
      name: 'atm_cassette_count',
      help: 'Pieces in each cassette, by machine and denomination',
      labelNames: ['machine_id', 'denomination'] as const,
      registers,
      async collect() {
        const rows = await load();
        this.reset();
        for (const row of rows)
          this.set({ machine_id: row.machine_id, denomination: formatMoney(driverBigint(row.denomination)) }, Number(row.count));
      },
    });
    new Gauge({
      name: 'atm_machines',
      help: 'Machines by cash_status (empty: every bill cassette at 0; low: a cassette at or below its low_threshold)',
      labelNames: ['cash_status'] as const,
      registers,
      async collect() {
        const statuses = [...statusByMachine(await load()).values()];
        for (const status of CASH_STATUSES) this.set({ cash_status: status }, statuses.filter((s) => s === status).length);
      },
    });
    new Gauge({
      name: 'atm_machine_cash_status',
      help: "1 for each machine's current cash_status, 0 for the others",
      labelNames: ['machine_id', 'cash_status'] as const,
      registers,
      async collect() {
        this.reset();
        for (const [machineId, current] of statusByMachine(await load())) {
          for (const status of CASH_STATUSES) this.set({ machine_id: machineId, cash_status: status }, status === current ? 1 : 0);
        }
      },
    });
  }

  /** The gauges of one scrape collect together: they share one read. */
  private load(): Promise<CassetteRow[]> {
    this.pending ??= this.runner
      .read((em) => this.runner.query<CassetteRow>(em, 'metrics_cassettes', CASSETTES_SQL, {}))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}

function statusByMachine(rows: readonly CassetteRow[]): Map<string, CashStatus> {
  const levels = new Map<string, CashLevel[]>();
  for (const row of rows) {
    const list = levels.get(row.machine_id) ?? [];
    list.push({ kind: row.kind, count: Number(row.count), lowThreshold: row.low_threshold === null ? null : Number(row.low_threshold) });
    levels.set(row.machine_id, list);
  }
  return new Map([...levels].map(([machineId, cassettes]) => [machineId, cashStatus(cassettes)]));
}
