import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { METHODS } from 'node:http';
import { DomainError } from './domain-error';

type Matcher = (path: string) => unknown;
interface RouteLayer {
  matchers?: Matcher[];
  route?: { methods: Record<string, boolean> };
}

/**
 * A wrong method on a known path is `405 METHOD_NOT_ALLOWED` with `Allow`
 * (not 404: the path exists). OPTIONS and TRACE too: Express would answer
 * OPTIONS itself with 200 and TRACE with 404. A CORS preflight from an
 * allowed origin must be answered before this runs. The route table is read
 * from Express's router on first use, after Nest registered every route.
 */
export function answerWrongMethods(app: NestExpressApplication): RequestHandler {
  let routes: RouteLayer[] | undefined;
  let byMethod: Map<string, RouteLayer[]> | undefined;
  return (req, _res, next) => {
    routes ??= routeLayers(app);
    byMethod ??= layersByMethod(routes);
    // The usual case, a route for this very method, costs only that method's routes (HEAD is served by GET).
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (byMethod.get(method)?.some((layer) => matchesLayer(layer, req.path))) return next();
    const allowed = new Set<string>();
    for (const layer of routes) {
      if (!matchesLayer(layer, req.path)) continue;
      for (const [name, on] of Object.entries(layer.route?.methods ?? {})) if (on) allowed.add(name.toUpperCase());
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    const allow = [...allowed].sort().join(', ');
    next(
      new DomainError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on this path; allowed: ${allow}`, undefined, { Allow: allow }),
    );
  };
}

function layersByMethod(routes: RouteLayer[]): Map<string, RouteLayer[]> {
  const table = new Map<string, RouteLayer[]>();
  for (const layer of routes) {
    for (const [name, on] of Object.entries(layer.route?.methods ?? {})) {
      if (on) table.set(name.toUpperCase(), [...(table.get(name.toUpperCase()) ?? []), layer]);
    }
  }
  return table;
}

function matchesLayer(layer: RouteLayer, path: string): boolean {
  return layer.matchers?.some((match) => matches(match, path)) ?? false;
}

/** A path Express cannot decode (`%zz`) is the router's to refuse, with its usual 400. */
function matches(match: Matcher, path: string): boolean {
  try {
    return Boolean(match(path));
  } catch {
    return false;
  }
}

/** Express's routes, less Nest's module middleware (registered with `all()`: every method on every path). */
function routeLayers(app: NestExpressApplication): RouteLayer[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: RouteLayer[] } };
  return (express.router?.stack ?? []).filter(
    (layer) => layer.route !== undefined && !METHODS.every((method) => layer.route?.methods[method.toLowerCase()]),
  );
}
