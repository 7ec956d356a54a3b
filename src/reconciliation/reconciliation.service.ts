import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { formatMoney } from '../common/money';
import { driverBigint } from '../database/bigint.transformer';
import { SqlStatements } from '../database/sql-statements';
import { TransactionRunner } from '../database/transaction-runner';
import { AccountMismatchRow, CassetteMismatchRow, reconciliationStatements, ReconciliationStatements } from './reconciliation.sql';
import { AccountMismatchView, CassetteMismatchView, ReconciliationView } from './reconciliation.view';

/**
 * The ledger invariant, checked: every account balance equals the sum of its
 * ledger amounts and every cassette count the sum of its ledger cash, all on
 * one snapshot (a writer committing halfway through cannot make a false
 * alarm). The sums are computed in the database; only mismatches come back.
 * `GET /reconciliation` and the `reconcile` command both run this.
 */
@Injectable()
export class ReconciliationService {
  private readonly sql: ReconciliationStatements;

  constructor(
    private readonly runner: TransactionRunner,
    statements: SqlStatements,
    private readonly clock: Clock = new Clock(),
  ) {
    this.sql = reconciliationStatements(statements);
  }

  async check(): Promise<ReconciliationView> {
    const started = Date.now();
    return this.runner.snapshot(async (em) => {
      const checkedAt = this.clock.nowIso();
      const [accounts] = await this.run<{ n: unknown }>(em, 'reconcile_accounts_checked');
      const accountRows = await this.run<AccountMismatchRow>(em, 'reconcile_accounts');
      const [machines] = await this.run<{ n: unknown }>(em, 'reconcile_machines_checked');
      const cassetteRows = await this.run<CassetteMismatchRow>(em, 'reconcile_cassettes');
      return {
        ok: accountRows.length === 0 && cassetteRows.length === 0,
        checked_at: checkedAt,
        accounts: { checked: Number(accounts.n), mismatched: accountRows.map(toAccountMismatch), mismatched_count: countOf(accountRows) },
        machines: {
          checked: Number(machines.n),
          mismatched: cassetteRows.map(toCassetteMismatch),
          mismatched_count: countOf(cassetteRows),
        },
        duration_ms: Date.now() - started,
      };
    });
  }

  private run<T>(em: EntityManager, name: keyof ReconciliationStatements): Promise<T[]> {
    return this.runner.query<T>(em, name, this.sql[name], {});
  }
}

/** The service outside Nest (the `reconcile` command, the bench), on an initialised data source. */
export function reconciliationService(dataSource: DataSource, config: AppConfig): ReconciliationService {
  const runner = new TransactionRunner(dataSource, config);
  return new ReconciliationService(runner, SqlStatements.for(config.dbType, runner));
}

function countOf(rows: ReadonlyArray<{ mismatched: unknown }>): number {
  return rows.length === 0 ? 0 : Number(rows[0].mismatched);
}

function toAccountMismatch(row: AccountMismatchRow): AccountMismatchView {
  const balance = Number(row.present) === 0 ? null : driverBigint(row.balance);
  // pg returns SUM(bigint) as numeric text: an integer all the same.
  const ledgerSum = driverBigint(row.ledger_sum);
  return {
    account_number: row.account_number,
    balance: balance === null ? null : formatMoney(balance),
    ledger_sum: formatMoney(ledgerSum),
    difference: formatMoney((balance ?? 0n) - ledgerSum),
  };
}

function toCassetteMismatch(row: CassetteMismatchRow): CassetteMismatchView {
  const count = Number(row.present) === 0 ? null : Number(row.count);
  const ledgerCount = Number(row.ledger_count);
  return {
    machine_id: row.machine_id,
    denomination: formatMoney(driverBigint(row.denomination)),
    count,
    ledger_count: ledgerCount,
    difference: (count ?? 0) - ledgerCount,
  };
}
