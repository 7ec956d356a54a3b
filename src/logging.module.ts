import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { LoggerModule, Params } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import pino, { Logger, LoggerOptions } from 'pino';
import { logUrl } from './common/log-url';
import { AppConfig } from './config/app-config';

/** The client id authentication left on the response (never its key). */
function clientOf(res: unknown): string | undefined {
  return (res as { locals?: { actor?: string } } | undefined)?.locals?.actor;
}

/** Levels at which every request logs its completion line (API.md, Operations). */
const COMPLETION_LEVELS = new Set(['trace', 'debug', 'info']);
const ALL_ROUTES = { path: '*', method: RequestMethod.ALL };

/** The root logger's options, shared with main.ts's boot logger. */
export function pinoOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
    serializers: {
      // Never headers (the Authorization key) and never a credential in the query string, at any level.
      req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: logUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    transport: config.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  };
}

let quietRoot: Logger | undefined;
/** The one root logger of the quiet mode, shared by nestjs-pino and the request binding below. */
function quietRootLogger(config: AppConfig): Logger {
  return (quietRoot ??= pino(pinoOptions(config)));
}

/**
 * Above `info` no completion line is ever written, yet pino-http would still
 * build a child logger (serialising the request) and hook the response on
 * every request — a sixth of the HTTP stack's CPU under load. Here a request
 * gets its child logger only when something actually logs, with the same
 * `req` binding, so every line of a request still carries its id.
 */
class LazyRequestStore {
  private child?: Logger;
  constructor(
    private readonly root: Logger,
    private readonly req: Request,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({
      req: { id: this.req.id, method: this.req.method, url: logUrl(this.req.originalUrl) },
      client: clientOf(this.req.res),
    }));
  }

  set logger(logger: Logger) {
    this.child = logger; // PinoLogger.assign
  }
}

function params(config: AppConfig): Params {
  if (!COMPLETION_LEVELS.has(config.logLevel)) {
    // nestjs-pino binds nothing itself (no routes); LoggingModule binds the lazy store.
    return { pinoHttp: { logger: quietRootLogger(config) }, useExisting: true, forRoutes: [] };
  }
  return {
    pinoHttp: {
      ...pinoOptions(config),
      // responseBasics middleware (app.setup.ts) has already chosen the id.
      genReqId: (req) => req.id ?? '',
      customAttributeKeys: { reqId: 'req_id' },
      customLogLevel: (_req, res, err) => (res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info'),
      // The completion line of a 5xx without pino-http's made-up Error and its
      // stack: the exception filter logged the real cause (a database outage
      // rate-limited to one line a second, database/unavailable-log.ts).
      customErrorObject: (_req, _res, _error, { err: _err, ...line }: Record<string, unknown>) => line,
      // The authenticated client (authentication ran before this middleware); absent on open routes and 401s.
      customProps: (_req, res) => ({ client: clientOf(res) }),
    },
  };
}

/** JSON logs with the request id on every line; pretty only when LOG_PRETTY=true. */
@Module({
  imports: [LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: params })],
})
export class LoggingModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (COMPLETION_LEVELS.has(this.config.logLevel)) return;
    const root = quietRootLogger(this.config);
    consumer
      .apply((req: Request, _res: Response, next: NextFunction) => storage.run(new LazyRequestStore(root, req), next))
      .forRoutes(ALL_ROUTES);
  }
}
