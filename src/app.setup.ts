import { Logger as NestLogger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { answerUnparsableRequests, bodyErrorHandler, parseJsonBody, requireJsonBody, responseBasics, rejectHostileBody } from './common/http-body';
import { documentIdempotency } from './idempotency/idempotency.openapi';

/**
 * Everything an app instance needs beyond its modules: the HTTP plumbing in
 * front of Nest's router, the logger and the OpenAPI docs. main.ts and the
 * e2e tests both call this, so tests exercise the real request path.
 */
export function configureApp(app: NestExpressApplication): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // No ETag: nothing here may be cached (see responseBasics), and computing one
  // turns every body into a Buffer hashed per response — ~14 % of bare Express's CPU.
  app.set('etag', false);
  app.use(responseBasics);
  app.use(requireJsonBody);
  app.use(parseJsonBody);
  app.use(rejectHostileBody);
  app.use(bodyErrorHandler(new NestLogger('HTTP')));
  answerUnparsableRequests(app.getHttpServer());
  setupOpenApi(app);
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
    .setVersion('1')
    .build();
  const document = documentIdempotency(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
