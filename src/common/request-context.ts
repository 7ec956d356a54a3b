import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, RequestHandler } from 'express';

/**
 * Who is asking and which request this is, for everything a request writes
 * (ledger rows, audit events) without threading it through every signature.
 * Entered after the body is parsed: the body parser's stream callbacks would
 * otherwise run outside the request's async context.
 */
export interface RequestContext {
  /** The request's `X-Request-Id`. */
  readonly requestId: string;
  /** The authenticated client's id (set by authentication); `system` when none. */
  actor: string;
}

/** The actor of writes made outside any request: seeding, operator commands. */
export const SYSTEM_ACTOR = 'system';

const storage = new AsyncLocalStorage<RequestContext>();

/** The current request's context, or undefined outside a request. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` as a request with this id and actor (operator commands, tests). */
export function runAsRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** Express middleware: every later handler of this request sees its context. */
export const enterRequestContext: RequestHandler = (req, res, next) => {
  const actor = (res.locals as { actor?: string }).actor ?? SYSTEM_ACTOR;
  storage.run({ requestId: requestIdOf(req), actor }, next);
};

/** The id `responseBasics` gave the request; pino-http types `req.id` as anything. */
export function requestIdOf(req: Request): string {
  return typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
}
