import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database/database-errors';
import { loggableError, logDatabaseUnavailable } from '../database/unavailable-log';
import { DomainError } from './domain-error';
import { logUrl } from './log-url';
import { PROBLEM_CONTENT_TYPE, problemBody, ProblemBody, ProblemCode } from './problems';
import { requestIdOf } from './request-context';

export interface Problem {
  body: ProblemBody;
  headers?: Record<string, string>;
}

const BODY_PARSER_CODES: Record<string, ProblemCode> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'VALIDATION_FAILED',
  'request.size.invalid': 'VALIDATION_FAILED',
};
const BODY_PARSER_DETAILS: Partial<Record<ProblemCode, string>> = {
  MALFORMED_JSON: 'The request body is not valid JSON',
  PAYLOAD_TOO_LARGE: 'The request body is larger than 16 KiB',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be JSON in UTF-8',
};
const HTTP_CODES: Record<number, ProblemCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps anything thrown while serving a request to its problem details. */
export function toProblem(exception: unknown): Problem {
  if (exception instanceof DomainError) {
    return { body: problemBody(exception.code, exception.detail, exception.errors), headers: exception.headers };
  }
  const parserType = (exception as { type?: unknown } | null)?.type;
  if (typeof parserType === 'string' && BODY_PARSER_CODES[parserType]) {
    const code = BODY_PARSER_CODES[parserType];
    return { body: problemBody(code, BODY_PARSER_DETAILS[code] ?? 'The request body could not be read', []) };
  }
  if (exception instanceof HttpException) {
    const code = HTTP_CODES[exception.getStatus()] ?? (exception.getStatus() >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    return { body: problemBody(code, exception.message, []) };
  }
  const clientFault = clientFaultOf(exception);
  if (clientFault) return { body: clientFault };
  if (isDatabaseUnavailable(exception)) {
    return {
      body: problemBody('SERVICE_UNAVAILABLE', 'The database is unreachable; retry later'),
      headers: { 'Retry-After': '1' },
    };
  }
  return { body: problemBody('INTERNAL_ERROR', 'An unexpected error occurred') };
}

/**
 * Errors body-parser raises with a 4xx `status` but no `type` we map: a body
 * whose gzip/deflate/br encoding is corrupt (a zlib error). The client's
 * fault, never a 500 (found by the reliability fuzzer).
 */
function clientFaultOf(exception: unknown): ProblemBody | null {
  const status = (exception as { status?: unknown } | null)?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  if (status === 400) return problemBody('MALFORMED_JSON', 'The request body could not be decoded', []);
  return problemBody(HTTP_CODES[status] ?? 'VALIDATION_FAILED', 'The request could not be read', []);
}

/** Writes a problem as `application/problem+json`; 5xx bodies carry the request id, nothing internal. */
export function sendProblem(req: Request, res: Response, problem: Problem): void {
  const body = problem.body.status >= 500 ? { ...problem.body, request_id: requestIdOf(req) } : problem.body;
  for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/**
 * A response decided before the handler ran — a stored idempotent response
 * being replayed — thrown so the filter sends it as stored, byte for byte.
 */
export class VerbatimResponse {
  constructor(
    readonly status: number,
    readonly contentType: string | null,
    readonly body: string | null,
    readonly headers: Record<string, string> = {},
  ) {}
}

function sendVerbatim(res: Response, response: VerbatimResponse): void {
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (response.contentType) res.type(response.contentType);
  res.status(response.status).send(response.body ?? undefined);
}

/** The one global filter: domain errors, validation, HTTP and unknown errors → RFC 9457. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (exception instanceof VerbatimResponse) {
      if (!res.headersSent) sendVerbatim(res, exception);
      return;
    }
    const problem = toProblem(exception);
    if (problem.body.code === 'SERVICE_UNAVAILABLE' && isDatabaseUnavailable(exception)) logDatabaseUnavailable(exception);
    else if (problem.body.status >= 500) {
      // Never the error object itself: TypeORM's carries the SQL and its bound parameters.
      this.logger.error({ err: loggableError(exception), code: problem.body.code }, `${req.method} ${logUrl(req.originalUrl)} failed`);
    }
    if (res.headersSent) return;
    sendProblem(req, res, problem);
  }
}
