import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { KeyVerifier } from './key-verifier';
import { Principal } from './principal';
import { MatchedRoute, RouteTable } from './route-table';

/** Swagger UI, its assets and the document: open, like the health probes (API.md v1.2). */
const DOCS = /^\/docs(?:[/.-]|$)/i;

const unauthenticated = () =>
  new DomainError('UNAUTHENTICATED', 'A valid API key is required: Authorization: Bearer <key>', undefined, {
    'WWW-Authenticate': 'Bearer',
  });

const forbidden = (why: string) => new DomainError('FORBIDDEN', why);

/** A CORS preflight carries no credentials by design; it never needs a key. */
function isPreflight(req: Request): boolean {
  return req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
}

/** null when allowed, else why not. */
export function refusal(principal: Principal, route: MatchedRoute): string | null {
  const { access } = route;
  if (principal.role !== 'atm') {
    return (access.roles as readonly string[]).includes(principal.role) ? null : `Role ${principal.role} may not use this route`;
  }
  if (access.atm === 'any') return null;
  if (access.atm === 'own-machine' && route.params !== null && route.params.id === principal.machineId) return null;
  return access.atm === 'own-machine' ? 'An atm client may act only on its own machine' : 'Role atm may not use this route';
}

/**
 * The first thing every request meets after its request id: 401 without a
 * valid key, then 403 when the client's role may not use the route — before
 * the body is read (401 and 403 precede 413, 415 and every 400) and before
 * Nest's router (an unknown route is 401 without a key, 404 with one). The
 * client's id goes to `res.locals.actor`, from where the request context
 * carries it to the ledger, the audit trail, the rate limit and the logs.
 */
export function authenticate(routes: RouteTable, keys: KeyVerifier): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const route = routes.find(req.method, req.path);
    if (route?.access.public || ((req.method === 'GET' || req.method === 'HEAD') && DOCS.test(req.path)) || isPreflight(req)) {
      next();
      return;
    }
    const admit = (principal: Principal | null) => {
      if (principal === null) return next(unauthenticated());
      res.locals.actor = principal.id;
      const why = route ? refusal(principal, route) : null;
      next(why === null ? undefined : forbidden(why));
    };
    const verified = keys.verify(req.headers.authorization);
    if (verified instanceof Promise) verified.then(admit, next);
    else admit(verified);
  };
}
