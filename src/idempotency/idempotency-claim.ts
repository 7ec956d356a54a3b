import { SetMetadata } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { currentRequest, RequestContext } from '../common/request-context';
import type { OncePerKey } from '../database/sql-statements';
import { KeyedRequest, STORED_KEY_COLUMNS, StoredKey, StoredKeyRow, toStoredKey } from './idempotency.store';

export const KEY_CLAIMED_BY_POSTING = 'atm:key-claimed-by-posting';

/**
 * Marks a POST whose handler posts exactly one one-statement movement (one
 * account, no machine: deposit, withdraw). Its Idempotency-Key is claimed by
 * that statement itself: the key row is written with the ledger row, in one
 * statement on Postgres (no BEGIN, no COMMIT, no stored body), and a replay is
 * rebuilt from the ledger row by the same code that built the first answer.
 * Every other keyed POST runs in a transaction with its stored response.
 */
export const KeyClaimedByPosting = (): MethodDecorator => SetMetadata(KEY_CLAIMED_BY_POSTING, true);

/** The key is live with a stored response (a refusal, or an answer of another route): replay it as stored. */
export class StoredAnswer extends Error {
  constructor(readonly stored: StoredKey) {
    super('Idempotency-Key answered by its stored response');
  }
}

/** The SQL of a claim, the same text on every database (the dialect layer combines it). */
const ONCE_PER_KEY: OncePerKey = {
  table: 'idempotency_keys',
  existing: `SELECT ${STORED_KEY_COLUMNS} FROM idempotency_keys
  WHERE scope = :key_scope AND idempotency_key = :key_name AND created_at > :key_cutoff`,
  insertInto: 'INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, created_at, ledger_entry_id)',
  values: [':key_scope', ':key_name', ':key_fingerprint', 'CAST(:key_status AS integer)', ':key_now', 'id'],
  clearExpired: 'DELETE FROM idempotency_keys WHERE scope = :key_scope AND idempotency_key = :key_name AND created_at <= :key_cutoff',
};

/**
 * The Idempotency-Key of a request on a @KeyClaimedByPosting route, handed
 * to the posting core through the request's async context. The posting
 * writes the key with its ledger row (`claimed`), or finds it live and
 * replays (`replayed`); a refusal leaves it `open` (nothing written).
 */
export class IdempotencyClaim {
  outcome: 'open' | 'claimed' | 'replayed' = 'open';
  readonly statement = ONCE_PER_KEY;

  constructor(
    readonly request: KeyedRequest,
    /** The route's success status: the status of the stored key. */
    readonly status: number,
    /** IDEMPOTENCY_TTL_SECONDS: a key created that long before a posting is expired for it. */
    private readonly ttlSeconds: number,
  ) {}

  /** The posting wrote the key with its ledger row. */
  claimed(): void {
    this.outcome = 'claimed';
  }

  /**
   * The parameters of `statement` for a posting at `now` (the ledger row's
   * time): the key's life starts when the money moves, not when the request
   * arrived, however long it queued for a connection or a row lock.
   */
  params(now: string): Record<string, unknown> {
    const cutoff = new Date(Date.parse(now) - this.ttlSeconds * 1000).toISOString();
    return {
      key_scope: this.request.scope,
      key_name: this.request.key,
      key_fingerprint: this.request.fingerprint,
      key_status: this.status,
      key_now: now,
      key_cutoff: cutoff,
    };
  }

  /**
   * The key was live: the ledger row whose answer to rebuild, or a throw:
   * `IDEMPOTENCY_KEY_REUSED` for another request, StoredAnswer for a stored one.
   */
  rowToReplay(row: StoredKeyRow): number {
    const stored = toStoredKey(row);
    if (stored.fingerprint !== this.request.fingerprint) throw keyReused();
    if (stored.ledgerEntryId === null) throw new StoredAnswer(stored);
    this.outcome = 'replayed';
    return stored.ledgerEntryId;
  }
}

export function keyReused(): DomainError {
  return new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request (method, path or body)');
}

// The claim rides on the request's own context rather than an AsyncLocalStorage
// of its own: on Node 20 every enabled AsyncLocalStorage costs every promise
// of every request (about 50 ns each), keyed or not.
const claims = new WeakMap<RequestContext, IdempotencyClaim>();

/** The claim of the current request, when its route is @KeyClaimedByPosting and it carries a key. */
export function currentClaim(): IdempotencyClaim | undefined {
  const request = currentRequest();
  return request && claims.get(request);
}

/** Runs `work` (the route's handler) with `claim` as the request's claim. */
export async function withClaim<T>(claim: IdempotencyClaim, work: () => Promise<T>): Promise<T> {
  const request = currentRequest();
  if (!request) throw new Error('an Idempotency-Key claim needs the request context');
  claims.set(request, claim);
  try {
    return await work();
  } finally {
    claims.delete(request);
  }
}
