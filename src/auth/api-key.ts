import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every key the server makes starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'atmk_';
/** 192 random bits: far beyond guessing, and beyond the 128 the contract asks for. */
const KEY_BYTES = 24;
/** No key the server accepts is longer (ADMIN_API_KEY's own bound); longer ones are refused unread. */
export const MAX_KEY_LENGTH = 512;
const BEARER = /^Bearer +([\x21-\x7e]+)$/i;

/** A new key: the prefix and 24 random bytes, base64url. */
export function newApiKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

/**
 * SHA-256, hex. A fast hash is right here: keys are random and long, so there
 * is no dictionary to try, and a slow hash would cost every request.
 */
export function hashApiKey(key: string): string {
  // The one-shot hash (Node ≥ 20.12): a quarter of createHash()'s cost per request.
  return hash('sha256', key, 'hex');
}

/** Equality of two hashes in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The key of an `Authorization: Bearer <key>` header (RFC 6750), or null for anything else. */
export function bearerKey(header: string | undefined): string | null {
  if (header === undefined || header.length > MAX_KEY_LENGTH + 16) return null;
  const match = BEARER.exec(header);
  return match ? match[1] : null;
}
