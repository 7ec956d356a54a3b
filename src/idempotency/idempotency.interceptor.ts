import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { nowIso } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { toProblem, VerbatimResponse } from '../common/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from '../common/problems';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import { parseIdempotencyKey, requestFingerprint } from './idempotency-key';
import { IdempotencyStore, KeyedRequest, StoredKey, StoredResponse } from './idempotency.store';

/** Refusals a retry must see again: the request ran and a business rule said no. */
const STORED_REFUSAL_STATUSES = new Set([404, 409, 422]);
const NEVER_STORED_CODES = new Set(['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED']);

type Outcome = { fresh: true; body: unknown } | { fresh: false; stored: StoredKey };

/**
 * Every POST with an Idempotency-Key is applied at most once per key. The key
 * is claimed, the handler runs and its response is stored in ONE transaction
 * (the service's own `tx.run` joins it), so the effect and the stored response
 * commit together or not at all; a killed process's transaction is rolled
 * back by the database, leaving no "in progress" state behind. A duplicate
 * waits for the first to end (SQLite: the runner's lock; Postgres: the key's
 * primary key) and then replays its stored response.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    if (req.method !== 'POST') return next.handle();
    const key = parseIdempotencyKey(req.headersDistinct['idempotency-key']);
    if (key === undefined) return next.handle();
    const request: KeyedRequest = { scope: scopeOf(req), key, fingerprint: requestFingerprint(req.method, req.originalUrl, req.body) };
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    return from(this.execute(request, status, next));
  }

  private async execute(request: KeyedRequest, status: number, next: CallHandler): Promise<unknown> {
    const outcome = await this.runOnce(request, status, next);
    if (outcome.fresh) return outcome.body;
    throw replayOf(request, outcome.stored);
  }

  private async runOnce(request: KeyedRequest, status: number, next: CallHandler): Promise<Outcome> {
    try {
      return await this.tx.run(async (em): Promise<Outcome> => {
        const stored = await this.store.claim(em, request, null, nowIso(), this.cutoff());
        if (stored) return { fresh: false, stored };
        // handle() inside run: the handler's async context is bound here, so
        // its own tx.run joins this transaction (and a retry re-runs it here).
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await this.store.complete(em, request, successResponse(status, body));
        return { fresh: true, body };
      });
    } catch (error) {
      const refusal = storableRefusal(error);
      if (!refusal) throw error;
      // The refusal's transaction rolled back (nothing applied); store it in
      // a short one of its own. If a duplicate stored first, answer as it did.
      const stored = await this.tx.run((em) => this.store.claim(em, request, refusal, nowIso(), this.cutoff()));
      if (stored?.response && stored.fingerprint === request.fingerprint) return { fresh: false, stored };
      throw error;
    }
  }

  /** Keys created at or before this instant are expired: unknown, and prunable. */
  private cutoff(): string {
    return new Date(Date.now() - this.config.idempotencyTtlSeconds * 1000).toISOString();
  }
}

/** The client's key space. Until authentication exists every client shares '' . */
function scopeOf(_req: Request): string {
  return '';
}

function successResponse(status: number, body: unknown): StoredResponse {
  // Nest sends handler results with res.json: JSON.stringify gives the same bytes.
  if (body === undefined || body === null) return { status, contentType: null, body: null };
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

function storableRefusal(error: unknown): StoredResponse | null {
  if (error instanceof VerbatimResponse) return null;
  const problem = toProblem(error);
  const { status, code } = problem.body;
  if (!STORED_REFUSAL_STATUSES.has(status) || NEVER_STORED_CODES.has(code)) return null;
  return { status, contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(problem.body) };
}

function replayOf(request: KeyedRequest, stored: StoredKey): VerbatimResponse | DomainError {
  if (stored.fingerprint !== request.fingerprint) {
    return new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request (method, path or body)');
  }
  if (!stored.response) {
    return new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed', undefined, { 'Retry-After': '1' });
  }
  const { status, contentType, body } = stored.response;
  return new VerbatimResponse(status, contentType, body, { 'Idempotent-Replayed': 'true' });
}
