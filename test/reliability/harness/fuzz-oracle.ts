// What every answer to a hostile request must look like (API.md, "Errors"):
// never a 5xx; an error is problem+json with a catalogued code whose status
// matches; nothing internal (stack, SQL, paths) ever reaches the client.
import { ProblemCode, PROBLEMS } from '../../../src/common/problems';
import { FuzzRequest } from './fuzz-requests';
import { RawReply } from './fuzz-client';

const DOCUMENTED_STATUSES = new Set([200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429]);
const LEAKS =
  /QueryFailedError|SQLITE_|\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|node_modules|\/work\/|\.ts:\d+|\.js:\d+|\n\s+at /;

interface ProblemShape {
  type?: unknown;
  title?: unknown;
  status?: unknown;
  code?: unknown;
  detail?: unknown;
  errors?: unknown;
}

function judgeProblem(reply: RawReply): string[] {
  const type = String(reply.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return [`content-type ${type || '(none)'} instead of application/problem+json`];
  let body: ProblemShape;
  try {
    body = JSON.parse(reply.text) as ProblemShape;
  } catch {
    return ['problem body is not JSON'];
  }
  const code = typeof body.code === 'string' && body.code in PROBLEMS ? (body.code as ProblemCode) : undefined;
  const faults: string[] = [];
  if (!code) faults.push(`code ${JSON.stringify(body.code)} is not in the catalogue`);
  else if (PROBLEMS[code].status !== reply.status) faults.push(`code ${code} is a ${PROBLEMS[code].status}, answered ${reply.status}`);
  if (body.status !== reply.status) faults.push(`body status ${JSON.stringify(body.status)} vs ${reply.status}`);
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || typeof body.detail !== 'string')
    faults.push('type/title/detail missing');
  if (body.errors !== undefined && code !== 'VALIDATION_FAILED') faults.push(`errors on ${code}`);
  if (code === 'VALIDATION_FAILED' && !Array.isArray(body.errors)) faults.push('VALIDATION_FAILED without errors[]');
  return faults;
}

/** The answers that are not JSON by design: Swagger UI's pages, and Prometheus' text format at /metrics. */
function textAnswer(req: FuzzRequest, reply: RawReply): boolean {
  if (req.path.startsWith('/docs')) return true;
  return /^\/metrics(\?|$)/.test(req.path) && String(reply.headers['content-type']).startsWith('text/plain');
}

/** The contract's verdict on one answer: the list of what is wrong with it (empty: fine). */
export function judge(req: FuzzRequest, reply: RawReply): string[] {
  const faults: string[] = [];
  if (reply.status >= 500) faults.push(`${reply.status} answer`);
  else if (!DOCUMENTED_STATUSES.has(reply.status)) faults.push(`undocumented status ${reply.status}`);
  if (!reply.headers['x-request-id']) faults.push('no X-Request-Id');
  if (LEAKS.test(reply.text) && !req.path.startsWith('/docs')) faults.push('internals leaked in the body');
  if (req.method === 'HEAD') return faults;
  if (reply.status >= 400) faults.push(...judgeProblem(reply));
  else if (req.method !== 'OPTIONS' && !/json/.test(String(reply.headers['content-type'])) && !textAnswer(req, reply)) {
    faults.push(`2xx with content-type ${String(reply.headers['content-type'])}`);
  }
  return faults;
}
