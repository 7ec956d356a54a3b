import { Logger } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { securityHeaderLines } from './browser-security';
import { DomainError } from './domain-error';
import { parseStrictJson } from './strict-json';
import { logUrl } from './log-url';
import { sendProblem, toProblem } from './problem-details.filter';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problems';

export const MAX_BODY_BYTES = 16 * 1024;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Headers every answer carries: `X-Request-Id` in and out (the client's when
 * it is sane, else a fresh UUID), and `Cache-Control: no-store` — balances,
 * ledgers and cash counts are never to be kept by a browser or a proxy.
 */
export const responseBasics: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', String(req.id));
  res.setHeader('Cache-Control', 'no-store');
  next();
};

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** A POST/PATCH body must be JSON (415 otherwise); an empty body is an empty object. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if ((req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT') && hasBody(req) && !req.is(JSON_TYPES)) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json'));
    return;
  }
  next();
};

const readJsonBytes = express.raw({ limit: MAX_BODY_BYTES, type: JSON_TYPES });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * Reads a JSON body (16 KiB, gzip/deflate/br inflated) and parses it
 * strictly (common/strict-json.ts). A charset other than UTF-8 is 415: the
 * contract's JSON is UTF-8, and a body read as anything else was garbage.
 */
export const parseJsonBody: RequestHandler = (req, res, next) => {
  const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && req.is(JSON_TYPES)) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON in UTF-8'));
    return;
  }
  readJsonBytes(req, res, (error?: unknown) => {
    if (error) return next(error);
    if (Buffer.isBuffer(req.body)) {
      try {
        req.body = req.body.length === 0 ? {} : parseStrictJson(req.body);
      } catch (parseError) {
        return next(parseError);
      }
    }
    next();
  });
};

const POLLUTING_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function pollutingPath(value: unknown, path: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (POLLUTING_KEYS.has(key)) return here;
    const nested = pollutingPath((value as Record<string, unknown>)[key], here);
    if (nested) return nested;
  }
  return null;
}

/**
 * Top-level JSON must be an object, and no key may be `__proto__`,
 * `constructor` or `prototype` at any depth: class-transformer would turn
 * `__proto__` into a prototype swap that the whitelist never sees.
 */
export const rejectHostileBody: RequestHandler = (req, _res, next) => {
  if (Array.isArray(req.body)) {
    next(new DomainError('VALIDATION_FAILED', 'The request body must be a JSON object', [{ field: '', message: 'must be a JSON object' }]));
    return;
  }
  const polluting = pollutingPath(req.body, '');
  if (polluting) {
    next(new DomainError('VALIDATION_FAILED', `property ${polluting} is not allowed`, [{ field: polluting, message: 'is not allowed' }]));
    return;
  }
  next();
};

/**
 * Errors raised before Nest's router (415, malformed JSON, 413) never reach
 * the exception filter or the request logger: answer and log them here.
 */
export function bodyErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    sendProblem(req, res, problem);
    logger.log(
      { req_id: req.id, method: req.method, url: logUrl(req.originalUrl), statusCode: problem.body.status, code: problem.body.code },
      'request refused before routing',
    );
  };
}

/** An answer written straight to the socket (no Express response exists): a request id, no caching, the security headers, close. */
const socketAnswer = (status: string, security: string, problem?: { body: string; sent: boolean }) =>
  `HTTP/1.1 ${status}\r\n` +
  (problem ? `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(problem.body)}\r\n` : '') +
  `X-Request-Id: ${randomUUID()}\r\nCache-Control: no-store\r\n${security}Connection: close\r\n\r\n` +
  (problem?.sent ? problem.body : '');

/**
 * Requests Node's HTTP parser refuses (a raw non-ASCII byte in the path, a
 * broken request line or header, headers over Node's 16 KiB) never reach
 * Express, and Node answers a bare `400 Bad Request` or `431`: answer
 * problem+json with a request id like every other refusal (found by the
 * reliability fuzzer). Registering the listener replaces Node's default, so
 * its other answers, and its care not to write into a response already under
 * way on a keep-alive socket, are kept here.
 */
export function answerUnparsableRequests(server: Server): void {
  type ClientSocket = Duplex & { _httpMessage?: { headersSent?: boolean } | null };
  // Rendered once, here: nothing that can throw runs inside the handler.
  const security = securityHeaderLines();
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: ClientSocket) => {
    if (socket.writable && !socket._httpMessage?.headersSent) socket.end(clientErrorAnswer(error, security));
    else socket.destroy();
  });
}

function clientErrorAnswer(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, security: string): string {
  // Node's answer to a request it gave up waiting for (HTTP_REQUEST_TIMEOUT_MS).
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return socketAnswer('408 Request Timeout', security);
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    tooLarge
      ? problemBody('HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts')
      : problemBody('VALIDATION_FAILED', 'The request line or headers are not valid HTTP/1.1', [
          { field: 'request', message: 'is not valid HTTP/1.1' },
        ]),
  );
  // An answer to HEAD has no body, even this one.
  const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  return socketAnswer(status, security, { body, sent: !head });
}
