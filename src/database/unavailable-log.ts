import { Logger } from '@nestjs/common';

/** At most one "database unavailable" line per this interval; the others are counted. */
const INTERVAL_MS = 1000;
const logger = new Logger('Database');
let lastAt = 0;
let suppressed = 0;

type ErrorLike = { code?: unknown; message?: unknown; driverError?: unknown };

/** `SQLITE_FULL: database or disk is full`: code and message, never a stack, SQL or parameters. */
export function describeDatabaseError(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const inner = (e.driverError ?? e) as ErrorLike;
  const code = typeof inner.code === 'string' ? inner.code : typeof e.code === 'string' ? e.code : undefined;
  const message = typeof inner.message === 'string' ? inner.message : typeof e.message === 'string' ? e.message : 'unknown error';
  return code ? `${code}: ${message}` : message;
}

/**
 * One short line for a known "database unavailable" error (connection lost,
 * disk full, read-only file): every request fails the same way during an
 * outage, and a stack per request once wrote 40 MB of log in 22 s — onto the
 * disk that was already full.
 */
export function logDatabaseUnavailable(error: unknown, now = Date.now()): void {
  if (now - lastAt < INTERVAL_MS) {
    suppressed += 1;
    return;
  }
  const more = suppressed > 0 ? ` (${suppressed} more since the last line)` : '';
  lastAt = now;
  suppressed = 0;
  logger.warn(`database unavailable: ${describeDatabaseError(error)}${more}`);
}

/** What a 500's log line may hold of its error: no SQL parameters, no row values from a constraint's detail. */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: describeDatabaseError(error) };
  return { type: error.name, message: describeDatabaseError(error), stack: error.stack };
}
