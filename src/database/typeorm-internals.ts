// The only place that reaches into TypeORM's non-public members, because no
// public API does the job. typeorm-internals.spec.ts fails if an upgrade
// changes any of them: read it before upgrading TypeORM.
import { QueryRunner } from 'typeorm';

/**
 * We open the transaction ourselves (Postgres: BEGIN/COMMIT straight on the
 * connection, as TypeORM's startTransaction/commitTransaction add two event
 * broadcasts and a query wrapper each; SQLite: TypeORM only knows a deferred
 * BEGIN, we need BEGIN IMMEDIATE) and tell the query runner, so
 * repository calls that wrap themselves in a transaction use a savepoint.
 * `transactionDepth` is protected.
 */
export function markTransaction(runner: QueryRunner, active: boolean): void {
  Object.assign(runner, { isTransactionActive: active, transactionDepth: active ? 1 : 0 });
}

/**
 * After a statement timed out (pg's query_timeout) or the connection failed,
 * the server may still hold this transaction open with its statements so far,
 * while pg has dropped the queued ROLLBACK. Back in the pool, the connection's
 * next user would run inside that transaction and its COMMIT would commit the
 * failed request's partial work (found by the reliability suite's network
 * partition). So such a connection is handed back WITH the error: pg-pool
 * then closes it instead of reusing it, and the server rolls the transaction
 * back. TypeORM's public release() never passes an error;
 * `releasePostgresConnection(error)` is private.
 */
export function releaseOrDiscard(runner: QueryRunner, broken: unknown): Promise<void> {
  const pg = runner as unknown as { releasePostgresConnection?: (error: unknown) => Promise<void> };
  if (broken !== undefined && typeof pg.releasePostgresConnection === 'function') return pg.releasePostgresConnection(broken);
  return runner.release();
}
