import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config';

// API.md, Operations, "Browsers": what a front-end on another origin may send and read.
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
export const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After'];
const CORS_METHODS = ['GET', 'POST', 'PATCH'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers for an API (helmet): nosniff, no referrer, no framing, a
 * CSP. Its defaults already let Swagger UI at /docs run (its scripts and
 * styles are files of this origin, inline styles allowed, data: images) and
 * Try-it-out call this origin. HSTS is left out here: it is sent only to
 * clients that came over HTTPS (see below).
 */
const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  strictTransportSecurity: false,
  // helmet's default would make a browser fetch /docs' assets and
  // Try-it-out calls over https even when the server is plain http
  // (behind no TLS proxy, e.g. http://10.0.0.5:3000): Swagger UI would break.
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

export function securityHeaders(): RequestHandler {
  const headers = helmet(HELMET_OPTIONS);
  return (req: Request, res: Response, next: NextFunction) =>
    headers(req, res, () => {
      // req.secure reads X-Forwarded-Proto only from proxies TRUST_PROXY trusts.
      if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
      next();
    });
}

/**
 * The same security headers as raw `Name: value\r\n` lines, for the answers
 * written straight to the socket when Node's parser refuses a request (no
 * Express response exists then): every answer carries them.
 */
export function securityHeaderLines(): string {
  const lines: string[] = [];
  const response = {
    setHeader: (name: string, value: unknown) => lines.push(`${name}: ${String(value)}\r\n`),
    removeHeader: () => undefined,
  };
  helmet(HELMET_OPTIONS)({} as never, response as never, () => undefined);
  return lines.join('');
}

/**
 * CORS_ORIGINS through Nest's own CORS support (the `cors` package): exact
 * origins, no credentials (keys travel in Authorization, not cookies). A
 * preflight from an allowed origin is answered here, 204, before anything
 * reads the request (it carries no key); another origin gets no CORS
 * headers. Unset: not installed at all. Call it where the preflight must be
 * answered: before authentication and the 405 handling.
 */
export function enableCors(app: NestExpressApplication, config: AppConfig): void {
  if (config.corsOrigins.length === 0) return;
  const allowed = new Set(config.corsOrigins);
  app.enableCors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    credentials: false,
    optionsSuccessStatus: 204,
  });
}
