import { Logger } from '@nestjs/common';
import { Client, ClientConfig, QueryResult } from 'pg';
import { logDatabaseUnavailable } from './unavailable-log';

/** How long the side connection that ends an abandoned backend may take. */
const TERMINATE_TIMEOUT_MS = 3000;
const READ_TIMEOUT = /query read timeout/i;

/**
 * The pg client every pooled connection is made of (`extra.Client` in the
 * data-source options).
 *
 * - It always has an `'error'` listener. pg emits `'error'` on a client whose
 *   server connection dies (`57P01` from `pg_terminate_backend` or a fast
 *   shutdown, a reset socket); pg-pool listens only while the client is idle
 *   and TypeORM only while its own query runner holds it, so a client checked
 *   out any other way (the runner's autocommit statements) had no listener
 *   and the process died of an unhandled `'error'` event. The failed query
 *   itself still rejects (503), and pg-pool drops the dead client on release.
 * - When a statement outlives pg's `query_timeout`, the client has given up
 *   and the request is answered 503; but a backend that is merely frozen
 *   (stopped, swapped out, a stalled disk) would run the queued statement
 *   when it resumes and commit what was answered as failed. So the backend is
 *   terminated through a side connection: a pending SIGTERM makes Postgres
 *   end it before it commits anything more. `statement_timeout` (below
 *   `query_timeout`) covers a backend that is slow but running.
 */
export class GuardedPgClient extends Client {
  private readonly settings: ClientConfig;

  constructor(config?: string | ClientConfig) {
    super(config);
    this.settings = typeof config === 'string' ? { connectionString: config } : { ...config };
    this.on('error', (error: Error) => logDatabaseUnavailable(error));
  }

  // pg's overloads: wrap the promise form only (the callback form is unused here).
  query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      (result as Promise<QueryResult>).catch((error: unknown) => {
        if (error instanceof Error && READ_TIMEOUT.test(error.message)) this.terminateBackend();
      });
    }
    return result as never;
  }

  private terminateBackend(): void {
    const pid = (this as unknown as { processID?: number | null }).processID;
    if (typeof pid !== 'number') return;
    void terminateBackend(this.settings, pid);
  }
}

const logger = new Logger('DatabasePool');

/** Ends backend `pid` if it still serves this database; best effort (the database may be unreachable). */
async function terminateBackend(settings: ClientConfig, pid: number): Promise<void> {
  const side = new Client({ ...settings, connectionTimeoutMillis: TERMINATE_TIMEOUT_MS, query_timeout: TERMINATE_TIMEOUT_MS });
  side.on('error', () => undefined);
  try {
    await side.connect();
    const { rows } = await side.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE pid = $1 AND datname = current_database()',
      [pid],
    );
    logger.warn(`backend ${pid} outlived the query timeout; terminated: ${rows[0]?.ended === true}`);
  } catch (error) {
    logDatabaseUnavailable(error);
  } finally {
    await side.end().catch(() => undefined);
  }
}
