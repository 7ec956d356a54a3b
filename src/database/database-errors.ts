// Classifies driver errors the same way for pg and better-sqlite3. TypeORM
// wraps query errors in QueryFailedError and keeps the driver's on `driverError`.
import { DomainError } from '../common/domain-error';
import type { ProblemCode } from '../common/problems';

type ErrorLike = { code?: unknown; message?: unknown; driverError?: unknown; errno?: unknown };

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  const inner = e.driverError as ErrorLike | undefined;
  const code = inner?.code ?? e.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as ErrorLike).message === 'string'
    ? ((error as ErrorLike).message as string)
    : '';
}

/** Deadlock or serialization failure: the whole transaction may be retried. */
export function isRetryableConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40P01' || code === '40001';
}

export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A unique violation on `table`'s keys (pg names the table; SQLite names `table.column` in its message). */
export function isUniqueViolationOn(error: unknown, table: string): boolean {
  if (!isUniqueViolation(error)) return false;
  const e = error as ErrorLike & { table?: unknown };
  const inner = e.driverError as (ErrorLike & { table?: unknown }) | undefined;
  const pgTable = inner?.table ?? e.table;
  if (typeof pgTable === 'string') return pgTable === table;
  return messageOf(inner ?? error).includes(`: ${table}.`) || messageOf(error).includes(`: ${table}.`);
}

/**
 * Another writer created the same row first: our insert hit the unique key,
 * or the service's own existence check (`existsCode`, e.g. MACHINE_EXISTS)
 * ran just after the other's commit. Seeders racing at boot treat both alike.
 */
export function isCreatedByAnother(error: unknown, existsCode: ProblemCode): boolean {
  return isUniqueViolation(error) || (error instanceof DomainError && error.code === existsCode);
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
  '3D000',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
]);
// SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, …) by family:
// a busy, read-only, unopenable or failing file is the deployment's fault, never the request's.
const UNAVAILABLE_PREFIXES = ['08', 'SQLITE_BUSY', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN'];
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /not queryable/i,
  /cannot use a pool after calling end/i,
  /connection is not established/i,
  /query read timeout/i,
  /database is locked/i,
  /terminating connection/i,
  /client was closed and is not queryable/i,
  /client has encountered a connection error/i,
];

/** The database is unreachable or overloaded: answer 503, a retry may succeed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_PREFIXES.some((prefix) => code.startsWith(prefix)))) return true;
  const message = messageOf(error) || messageOf((error as ErrorLike | undefined)?.driverError);
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
