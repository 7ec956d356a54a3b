import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseMoney } from '../common/money';
import { MetricsService } from './metrics.service';
import { MONEY_ROUTES } from './money-routes';

/** The route label of every request no route answered: unknown paths, bodies refused before routing. */
export const UNMATCHED = 'unmatched';

const BODY = Symbol('response body');
type CapturingResponse = Response & { [BODY]?: unknown };

/**
 * Counts each answered request under its route TEMPLATE (never a path with
 * account numbers or ids in it), times it, and counts idempotent replays and
 * the money movements the answer reports. Installed before every other
 * middleware, so refusals of the HTTP plumbing are counted too. Only POST
 * answers are kept until `finish`: money moves only on POST.
 */
export function httpMetrics(metrics: MetricsService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    if (req.method === 'POST') captureJson(res);
    res.once('finish', () => record(metrics, req, res as CapturingResponse, started));
    next();
  };
}

function captureJson(res: CapturingResponse): void {
  const json = res.json;
  res.json = function (this: CapturingResponse, body: unknown) {
    this[BODY] = body;
    return json.call(this, body);
  };
}

function record(metrics: MetricsService, req: Request, res: CapturingResponse, started: number): void {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  // Nest answers unknown paths through a catch-all route (`/{*path}`): unmatched too.
  const template = typeof route === 'string' && !route.includes('*') ? route : UNMATCHED;
  metrics.request(req.method, template, res.statusCode, (performance.now() - started) / 1000);
  if (req.method !== 'POST') return;
  // A replay moved nothing now: the first answer was counted when it was applied.
  if (res.getHeader('idempotent-replayed') === 'true') {
    metrics.replayed(template);
    return;
  }
  if (res.statusCode >= 300) return;
  const money = MONEY_ROUTES.get(`POST ${template}`);
  if (!money) return;
  const amount = parseMoney((res[BODY] as Record<string, unknown> | undefined)?.[money.field]);
  if (amount.ok && amount.minor > 0n) metrics.moneyMoved(money.type, Number(amount.minor));
}
