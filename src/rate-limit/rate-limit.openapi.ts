import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { problemContent } from '../common/api-problems.decorator';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const RATE_LIMITED: ResponseObject = {
  description:
    'Problem details; code: RATE_LIMITED — more than RATE_LIMIT_PER_MINUTE requests from this client in a minute ' +
    '(only when the deployment sets a limit; off by default). Nothing was applied, nothing is stored under an Idempotency-Key.',
  headers: { 'Retry-After': { description: 'Seconds until this client may send again', schema: { type: 'integer' } } },
  content: problemContent(['RATE_LIMITED']),
};

/** Documents the optional rate limit's 429 on every operation but the health probes (which it never limits). */
export function documentRateLimit(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    if (path === '/healthz' || path.startsWith('/healthz/')) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation && !operation.responses['429']) operation.responses['429'] = RATE_LIMITED;
    }
  }
  return document;
}
