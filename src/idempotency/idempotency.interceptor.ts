import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable, throwError } from 'rxjs';
import { Clock } from '../common/clock';
import { DomainError, validationError } from '../common/domain-error';
import { MONEY_MOVEMENT } from '../common/money-movement.decorator';
import { toProblem, VerbatimResponse } from '../common/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from '../common/problems';
import { AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from '../database/database-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyClaim, KEY_CLAIMED_BY_POSTING, keyReused, StoredAnswer, withClaim } from './idempotency-claim';
import { canonicalJson, IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey, requestFingerprint } from './idempotency-key';
import { IdempotencyStore, KeyedRequest, StoredKey, StoredResponse } from './idempotency.store';

/** Refusals a retry must see again: the request ran and a business rule said no. */
const STORED_REFUSAL_STATUSES = new Set([404, 409, 422]);
const NEVER_STORED_CODES = new Set(['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED']);

/** A claimed run that keeps meeting a concurrent duplicate's key is a bug, not a race. */
const MAX_CLAIM_ATTEMPTS = 3;

type Outcome = { fresh: true; body: unknown } | { fresh: false; stored: StoredKey };

/** Thrown inside the transaction to roll back a run whose key was already live. */
class Superseded extends Error {
  constructor(readonly stored: StoredKey) {
    super('Idempotency-Key stored by a concurrent duplicate');
  }
}

/**
 * Every POST with an Idempotency-Key is applied at most once per key. The
 * handler runs and its response is stored under the key in ONE transaction
 * (the service's own `runner.run` joins it), so the effect and the stored
 * response commit together or not at all; a killed process's transaction is
 * rolled back by the database, leaving no "in progress" state behind.
 *
 * The store is the only extra statement on the way to a fresh answer: when
 * the key is already live (a retry, or a duplicate that committed first —
 * on Postgres the insert waits on the primary key for it) the store returns
 * that key, this run is rolled back, and the stored response is replayed.
 * Handlers must therefore keep every effect inside the transaction, which
 * crash safety demands anyway.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    // req.headers is parsed already; headersDistinct (which tells a repeated
    // header apart) is built for every header on first use: only for keyed requests.
    if (req.method !== 'POST') return next.handle();
    if (req.headers['idempotency-key'] === undefined) {
      if (this.config.requireIdempotencyKey && this.reflector.get<boolean>(MONEY_MOVEMENT, context.getHandler())) {
        // Without a key a 503 or a lost connection leaves the outcome unknown; the deployment wants it known.
        return throwError(() => validationError(IDEMPOTENCY_KEY_HEADER, 'is required on money-moving requests'));
      }
      return next.handle();
    }
    const key = parseIdempotencyKey(req.headersDistinct['idempotency-key']);
    if (key === undefined) return next.handle();
    const request: KeyedRequest = { scope: scopeOf(req), key, fingerprint: requestFingerprint(req.method, resourceOf(req), req.body) };
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    if (this.reflector.get<boolean>(KEY_CLAIMED_BY_POSTING, context.getHandler())) {
      return from(this.executeClaimed(request, status, next, context.switchToHttp().getResponse<Response>()));
    }
    return from(this.execute(request, status, next));
  }

  /**
   * A @KeyClaimedByPosting route: no transaction around the handler; its one
   * posting writes the key with the ledger row, or finds the key live and
   * hands the handler the rows of the first run, so the answer is rebuilt by
   * the code that built it first (byte for byte: the same view of the same row).
   */
  private async executeClaimed(request: KeyedRequest, status: number, next: CallHandler, res: Response): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const claim = new IdempotencyClaim(request, status, this.config.idempotencyTtlSeconds);
      let body: unknown;
      try {
        body = await withClaim(claim, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a replay is a VerbatimResponse on purpose: the problem filter sends it as stored
        if (error instanceof StoredAnswer) throw replayOf(request, error.stored);
        if (error instanceof DomainError && error.code === 'IDEMPOTENCY_KEY_REUSED') throw error;
        // Refused: nothing written. Store the refusal unless a live key answers instead.
        const stored = await this.afterFailure(request, error);
        if (!stored) throw error;
        // A duplicate posted meanwhile: run again, and its posting replays that row.
        if (stored.ledgerEntryId !== null && stored.fingerprint === request.fingerprint && attempt < MAX_CLAIM_ATTEMPTS) continue;
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- as above
        throw replayOf(request, stored);
      }
      // A marked route that answered without posting under its key would have applied it unrecorded: a bug.
      if (claim.outcome === 'open') throw new Error('a @KeyClaimedByPosting handler answered without posting its movement');
      if (claim.outcome === 'replayed') res.setHeader('Idempotent-Replayed', 'true');
      return body;
    }
  }

  private async execute(request: KeyedRequest, status: number, next: CallHandler): Promise<unknown> {
    const outcome = await this.runOnce(request, status, next);
    if (outcome.fresh) return outcome.body;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a replay is a VerbatimResponse on purpose: the problem filter sends it as stored
    throw replayOf(request, outcome.stored);
  }

  private async runOnce(request: KeyedRequest, status: number, next: CallHandler): Promise<Outcome> {
    try {
      return await this.runner.run(async (em): Promise<Outcome> => {
        // handle() inside run: the handler's async context is bound here, so
        // its own runner.run joins this transaction (and a retry re-runs it here).
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const stored = await this.store.store(em, request, successResponse(status, body), this.clock.nowIso(), this.cutoff());
        if (stored) throw new Superseded(stored);
        return { fresh: true, body };
      });
    } catch (error) {
      if (error instanceof Superseded) return { fresh: false, stored: error.stored };
      const stored = await this.afterFailure(request, error);
      if (stored) return { fresh: false, stored };
      throw error;
    }
  }

  /**
   * The handler failed and its transaction rolled back: nothing applied. A
   * live key answers instead (replay or KEY_REUSED); otherwise a business
   * refusal is stored, in a short transaction of its own.
   */
  private async afterFailure(request: KeyedRequest, error: unknown): Promise<StoredKey | null> {
    if (isDatabaseUnavailable(error)) return null;
    const refusal = storableRefusal(error);
    // Not storable (400, 5xx): only look; if even that fails, the original error stands.
    if (!refusal) return this.runner.run((em) => this.store.find(em, request, this.cutoff())).catch(() => null);
    // If storing fails the client gets a 5xx: nothing was applied, so a retry may proceed.
    return this.runner.run((em) => this.store.store(em, request, refusal, this.clock.nowIso(), this.cutoff()));
  }

  /** Keys created at or before this instant are expired: unknown, and prunable. */
  private cutoff(): string {
    return new Date(this.clock.now().getTime() - this.config.idempotencyTtlSeconds * 1000).toISOString();
  }
}

/**
 * The client's key space (API.md v1.2: a key names one request of one
 * client): the authenticated client's id, so two clients' same key are two
 * requests, and one client cannot read another's stored responses.
 */
function scopeOf(req: Request): string {
  return (req.res?.locals as { actor?: string } | undefined)?.actor ?? '';
}

/**
 * The resource a request names, as the router resolved it: the route's
 * template with its decoded parameters (and query). A retry sent as
 * `/accounts/1001/withdraw/`, `/Accounts/1001/withdraw` or with a
 * percent-encoded digit reaches the same handler with the same parameters,
 * so it names the same request and replays instead of KEY_REUSED.
 */
function resourceOf(req: Request): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof template !== 'string') return req.originalUrl;
  return `${template} ${canonicalJson(req.params)} ${canonicalJson(req.query)}`;
}

function successResponse(status: number, body: unknown): StoredResponse {
  // Nest sends handler results with res.json: JSON.stringify gives the same bytes.
  if (body === undefined || body === null) return { status, contentType: null, body: null };
  return { status, contentType: 'application/json', body: JSON.stringify(withoutApiKey(body)) };
}

/**
 * An API key is shown once and stored only as a hash (API.md v1.2): the
 * stored copy of a response that made one (POST /clients, rotate) leaves the
 * key out, so a replay answers the client as it is, without a key.
 */
function withoutApiKey(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('api_key' in body)) return body;
  const { api_key: _key, ...rest } = body as Record<string, unknown>;
  return rest;
}

function storableRefusal(error: unknown): StoredResponse | null {
  if (error instanceof VerbatimResponse) return null;
  const problem = toProblem(error);
  const { status, code } = problem.body;
  if (!STORED_REFUSAL_STATUSES.has(status) || NEVER_STORED_CODES.has(code)) return null;
  return { status, contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(problem.body) };
}

function replayOf(request: KeyedRequest, stored: StoredKey): VerbatimResponse | DomainError {
  if (stored.fingerprint !== request.fingerprint) return keyReused();
  // Only its route's posting can rebuild that answer (executeClaimed runs it again).
  if (stored.ledgerEntryId !== null) throw new Error('Idempotency-Key claimed by a posting, replayed without it');
  if (!stored.response) {
    return new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed', undefined, {
      'Retry-After': '1',
    });
  }
  const { status, contentType, body } = stored.response;
  return new VerbatimResponse(status, contentType, body, { 'Idempotent-Replayed': 'true' });
}
