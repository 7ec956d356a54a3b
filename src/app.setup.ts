import { Logger as NestLogger } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Logger } from 'nestjs-pino';
import { authenticate } from './auth/authenticate.middleware';
import { KeyVerifier } from './auth/key-verifier';
import { BEARER_SCHEME } from './auth/roles.decorator';
import { RouteTable } from './auth/route-table';
import { installFastAsyncResourceBind } from './common/async-resource-bind';
import {
  answerUnparsableRequests,
  bodyErrorHandler,
  parseJsonBody,
  requireJsonBody,
  responseBasics,
  rejectHostileBody,
} from './common/http-body';
import { enableCors, securityHeaders } from './common/browser-security';
import { applyHttpLimits } from './common/http-limits';
import { answerWrongMethods } from './common/method-not-allowed';
import { enterRequestContext } from './common/request-context';
import { AppConfig } from './config/app-config';
import { applyOpenApiConventions } from './common/openapi-conventions';
import { nameOperations } from './common/openapi-operations';
import { documentIdempotency } from './idempotency/idempotency.openapi';
import { httpMetrics } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { documentRateLimit } from './rate-limit/rate-limit.openapi';

/**
 * Everything an app instance needs beyond its modules: the HTTP plumbing in
 * front of Nest's router, the logger and the OpenAPI docs. main.ts and the
 * e2e tests both call this, so tests exercise the real request path.
 */
export function configureApp(app: NestExpressApplication): void {
  // Nest binds every interceptor step with it; Node 20's own is slow (see the module).
  installFastAsyncResourceBind();
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  if (config.trustProxy !== undefined) trustProxy(app, config.trustProxy);
  // Only with a limit: an unlimited deployment runs no guard at all.
  if (config.rateLimitPerMinute > 0) app.useGlobalGuards(app.get(ThrottlerGuard));
  // No ETag: nothing here may be cached (see responseBasics), and computing one
  // turns every body into a Buffer hashed per response — ~14 % of bare Express's CPU.
  app.set('etag', false);
  applyHttpLimits(app.getHttpServer(), config.http);
  // First: every answer is counted, refusals of the plumbing below included.
  app.use(httpMetrics(app.get(MetricsService)));
  // Security headers on every answer, problems and preflights included.
  app.use(securityHeaders());
  app.use(responseBasics);
  // CORS first: a preflight carries no key and is answered here, before authentication and 405.
  enableCors(app, config);
  // 401 and 403 before anything reads the body (API.md: 401 → 403 → 413/415 → 400).
  app.use(authenticate(new RouteTable(app.get(DiscoveryService), app.get(Reflector)), app.get(KeyVerifier)));
  app.use(requireJsonBody);
  app.use(parseJsonBody);
  app.use(answerWrongMethods(app));
  app.use(rejectHostileBody);
  app.use(enterRequestContext);
  app.use(bodyErrorHandler(new NestLogger('HTTP')));
  answerUnparsableRequests(app.getHttpServer());
  setupOpenApi(app);
}

/** Which proxies' X-Forwarded-For Express believes (req.ip: the rate limit's client). */
function trustProxy(app: NestExpressApplication, value: boolean | number | string): void {
  try {
    app.set('trust proxy', value);
  } catch (error) {
    throw new Error(`TRUST_PROXY=${String(value)}: ${(error as Error).message}`);
  }
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The open routes (health probes) say so with an empty `security` list: a
 * missing one would read as "not documented" to linters and code generators.
 */
function declareOpenOperations(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
  return document;
}

function setupOpenApi(app: NestExpressApplication): void {
  const config = new DocumentBuilder()
    .setTitle('ATM Server')
    .setDescription(
      'Accounts, ledger, transfers and ATM cash inventory. Money is a string with exactly 2 decimals in ' +
        'responses; requests take `"10.50"` or a number with at most 2 decimals. Errors are RFC 9457 ' +
        '`application/problem+json` with a stable `code`. Every POST accepts `Idempotency-Key`. Every answer ' +
        'carries `X-Request-Id` and `Cache-Control: no-store`.',
    )
    .setVersion('1.2')
    .addServer('/')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key (`Authorization: Bearer <key>`); demo keys: see the README' },
      BEARER_SCHEME,
    )
    .build();
  const generated = SwaggerModule.createDocument(app, config);
  const document = declareOpenOperations(nameOperations(applyOpenApiConventions(documentRateLimit(documentIdempotency(generated)))));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
