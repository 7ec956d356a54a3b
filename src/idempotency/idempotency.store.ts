import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';

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
  /** Claimed by the posting core: the answer is rebuilt from this ledger row (idempotency-claim.ts), not from `response`. */
  ledgerEntryId: number | null;
}

export interface KeyedRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

// Insert, or take over a row older than the cutoff (an expired key is
// unknown). On Postgres an insert of a key another open transaction has just
// inserted blocks on the primary key until that transaction ends: it then
// conflicts (no row returned), or succeeds if the other rolled back.
const STORE_SQL = `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, content_type, body, created_at)
VALUES (:scope, :key, :fingerprint, :status, :content_type, :body, :created_at)
ON CONFLICT (scope, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
  content_type = excluded.content_type, body = excluded.body, created_at = excluded.created_at, ledger_entry_id = NULL
WHERE idempotency_keys.created_at <= :cutoff
RETURNING idempotency_key`;
/** What a key holds, as StoredKeyRow names it (the claim's statement reads the same). */
export const STORED_KEY_COLUMNS = 'fingerprint, status, content_type, body, ledger_entry_id';
const FIND_SQL = `SELECT ${STORED_KEY_COLUMNS} FROM idempotency_keys
WHERE scope = :scope AND idempotency_key = :key AND created_at > :cutoff`;
const PRUNE_SQL = `DELETE FROM idempotency_keys WHERE (scope, idempotency_key) IN (
  SELECT scope, idempotency_key FROM idempotency_keys WHERE created_at <= :cutoff LIMIT :limit)
RETURNING idempotency_key`;

/** A key row as STORED_KEY_COLUMNS selects it. */
export interface StoredKeyRow {
  fingerprint: string;
  status: unknown;
  content_type: string | null;
  body: string | null;
  ledger_entry_id: unknown;
}

/**
 * The idempotency_keys table, always used inside the caller's transaction.
 * Raw SQL through TransactionRunner.query (prepared once per connection on
 * Postgres): a fresh keyed request costs one statement (store), and the same
 * text runs on Postgres and SQLite (≥ 3.35: upsert with RETURNING).
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly runner: TransactionRunner) {}

  /** The live (unexpired) key, or null when the key is unknown. */
  async find(em: EntityManager, request: KeyedRequest, cutoff: string): Promise<StoredKey | null> {
    const [row] = await this.runner.query<StoredKeyRow>(em, 'idempotency_find', FIND_SQL, { ...params(request), cutoff });
    return row ? toStoredKey(row) : null;
  }

  /**
   * Stores this request's response under its key unless a live key is there
   * already. Returns null when stored, else the key another request holds.
   */
  async store(em: EntityManager, request: KeyedRequest, response: StoredResponse, now: string, cutoff: string): Promise<StoredKey | null> {
    const stored = await this.runner.query(em, 'idempotency_store', STORE_SQL, {
      ...params(request),
      ...columns(response),
      created_at: now,
      cutoff,
    });
    if (stored.length > 0) return null;
    // Gone between the two statements (expired that very millisecond): a
    // retry will store it; answer as if it were still running.
    return (await this.find(em, request, cutoff)) ?? { fingerprint: request.fingerprint, response: null, ledgerEntryId: null };
  }

  /** Deletes up to `limit` keys created at or before `cutoff`; returns how many. */
  async deleteExpired(em: EntityManager, cutoff: string, limit: number): Promise<number> {
    return (await this.runner.query(em, 'idempotency_prune', PRUNE_SQL, { cutoff, limit })).length;
  }
}

function params(request: KeyedRequest) {
  return { scope: request.scope, key: request.key, fingerprint: request.fingerprint };
}

function columns(response: StoredResponse) {
  return { status: response.status, content_type: response.contentType, body: response.body };
}

export function toStoredKey(row: StoredKeyRow): StoredKey {
  const ledgerEntryId = row.ledger_entry_id === null || row.ledger_entry_id === undefined ? null : Number(row.ledger_entry_id);
  return { fingerprint: row.fingerprint, response: toResponse(row), ledgerEntryId };
}

function toResponse(row: StoredKeyRow): StoredResponse | null {
  if (row.status === null || row.status === undefined) return null;
  return { status: Number(row.status), contentType: row.content_type, body: row.body };
}
