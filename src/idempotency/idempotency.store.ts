import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A response as sent: status, content type and body text, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  contentType: string | null;
  body: string | null;
}

/** A key as another request left it: its fingerprint and (once completed) response. */
export interface StoredKey {
  fingerprint: string;
  response: StoredResponse | null;
}

export interface KeyedRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

// Claim = insert, or take over a row older than the cutoff (an expired key is
// unknown). On Postgres a second claim of the same key blocks on the primary
// key until the first transaction ends: it then conflicts (no row returned)
// or, if the first rolled back, claims the key itself.
const CLAIM_SQL = `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, content_type, body, created_at)
VALUES (:scope, :key, :fingerprint, :status, :content_type, :body, :created_at)
ON CONFLICT (scope, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
  content_type = excluded.content_type, body = excluded.body, created_at = excluded.created_at
WHERE idempotency_keys.created_at <= :cutoff
RETURNING idempotency_key`;
const FIND_SQL = `SELECT fingerprint, status, content_type, body FROM idempotency_keys
WHERE scope = :scope AND idempotency_key = :key AND created_at > :cutoff`;
const COMPLETE_SQL = `UPDATE idempotency_keys SET status = :status, content_type = :content_type, body = :body
WHERE scope = :scope AND idempotency_key = :key`;
const PRUNE_SQL = `DELETE FROM idempotency_keys WHERE (scope, idempotency_key) IN (
  SELECT scope, idempotency_key FROM idempotency_keys WHERE created_at <= :cutoff LIMIT :limit)
RETURNING idempotency_key`;

interface KeyRow {
  fingerprint: string;
  status: unknown;
  content_type: string | null;
  body: string | null;
}

/**
 * The idempotency_keys table, always used inside the caller's transaction.
 * Raw SQL keeps a keyed request to two statements (claim, complete) and the
 * same text runs on Postgres and SQLite (≥ 3.35: upsert with RETURNING).
 */
@Injectable()
export class IdempotencyStore {
  /**
   * Claims the key for this request, storing `response` with it when given
   * (a refusal stored after the fact). Returns null when claimed, else the
   * live key another request holds.
   */
  async claim(em: EntityManager, request: KeyedRequest, response: StoredResponse | null, now: string, cutoff: string): Promise<StoredKey | null> {
    const claimed = await query(em, CLAIM_SQL, { ...params(request), ...columns(response), created_at: now, cutoff });
    if (claimed.length > 0) return null;
    const [row] = await query<KeyRow>(em, FIND_SQL, { ...params(request), cutoff });
    // Gone between the two statements (expired that very millisecond): a
    // retry will claim it; answer as if it were still running.
    if (!row) return { fingerprint: request.fingerprint, response: null };
    return { fingerprint: row.fingerprint, response: toResponse(row) };
  }

  async complete(em: EntityManager, request: KeyedRequest, response: StoredResponse): Promise<void> {
    await query(em, COMPLETE_SQL, { ...params(request), ...columns(response) });
  }

  /** Deletes up to `limit` keys created at or before `cutoff`; returns how many. */
  async deleteExpired(em: EntityManager, cutoff: string, limit: number): Promise<number> {
    return (await query(em, PRUNE_SQL, { cutoff, limit })).length;
  }
}

function params(request: KeyedRequest) {
  return { scope: request.scope, key: request.key, fingerprint: request.fingerprint };
}

function columns(response: StoredResponse | null) {
  return { status: response?.status ?? null, content_type: response?.contentType ?? null, body: response?.body ?? null };
}

function toResponse(row: KeyRow): StoredResponse | null {
  if (row.status === null || row.status === undefined) return null;
  return { status: Number(row.status), contentType: row.content_type, body: row.body };
}

/** Rows of a statement on either driver (pg answers UPDATE/DELETE as [rows, count] otherwise). */
async function query<T = Record<string, unknown>>(em: EntityManager, sql: string, values: Record<string, unknown>): Promise<T[]> {
  const [text, bound] = em.connection.driver.escapeQueryWithParameters(sql, values);
  const runner = em.queryRunner;
  if (!runner) throw new Error('IdempotencyStore used outside a transaction');
  const result = await runner.query(text, bound, true);
  return (result.records ?? []) as T[];
}
