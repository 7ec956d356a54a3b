import { createHash } from 'node:crypto';
import { DomainError, validationError } from '../common/domain-error';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const MAX_KEY_LENGTH = 255;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
// RFC 8941 sf-string: DQUOTE *( %x20-21 / %x23-5B / %x5D-7E / "\" ( DQUOTE / "\" ) ) DQUOTE
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

function keyError(message: string): DomainError {
  return validationError(IDEMPOTENCY_KEY_HEADER, message);
}

/**
 * The key of a request from its header lines (`req.headersDistinct`, since
 * Node joins repeated headers into one string): undefined when absent, the
 * bare or unquoted sf-string value when valid, 400 VALIDATION_FAILED otherwise.
 */
export function parseIdempotencyKey(lines: readonly string[] | undefined): string | undefined {
  if (lines === undefined || lines.length === 0) return undefined;
  if (lines.length > 1) throw keyError('must be sent once');
  const raw = lines[0];
  const key = raw.startsWith('"') ? unquote(raw) : raw;
  if (key.length === 0) throw keyError('must not be empty');
  if (key.length > MAX_KEY_LENGTH) throw keyError(`must be at most ${MAX_KEY_LENGTH} characters`);
  if (!VISIBLE_ASCII.test(key)) throw keyError('must be visible ASCII characters (0x21-0x7E)');
  return key;
}

function unquote(raw: string): string {
  const match = SF_STRING.exec(raw);
  if (!match) throw keyError('must be a bare key or a quoted string (RFC 8941)');
  return match[1].replace(/\\(["\\])/g, '$1');
}

/** JSON with object keys sorted at every depth: equal bodies give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What a key names: SHA-256 of method, resource (the route and its
 * parameters, see the interceptor) and the canonical body. An absent body
 * counts as `{}`, as the HTTP layer treats it.
 */
export function requestFingerprint(method: string, resource: string, body: unknown): string {
  const canonical = canonicalJson(body === undefined ? {} : body);
  return createHash('sha256').update(`${method.toUpperCase()}\n${resource}\n${canonical}`).digest('hex');
}
