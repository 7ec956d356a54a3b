import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { addProblemExample, problemContent } from '../common/api-problems.decorator';
import { MONEY_MOVEMENT_EXTENSION } from '../common/money-movement.decorator';
import { ProblemCode } from '../common/problems';
import { IDEMPOTENCY_KEY_HEADER, MAX_KEY_LENGTH } from './idempotency-key';

const KEY_PARAMETER: ParameterObject = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description:
    `1–${MAX_KEY_LENGTH} visible ASCII characters (0x21–0x7E), bare or quoted as an RFC 8941 string (\`"abc"\` is \`abc\`). ` +
    'A retry with the same key, method, path and body gets the stored response (same status and body) with ' +
    '`Idempotent-Replayed: true` and is not applied again; stored are 2xx and 404/409/422 refusals, not 400/413/415/5xx. ' +
    'The same key with a different request is 422 IDEMPOTENCY_KEY_REUSED. Keys are kept IDEMPOTENCY_TTL_SECONDS ' +
    '(default 86400) per client. Sent twice, empty, too long or not visible ASCII: 400 VALIDATION_FAILED. ' +
    'Use a fresh random value (a UUID) per operation; no example is given, because a fixed key shared by ' +
    "everyone trying the API would replay or refuse each other's requests.",
  // No `example`: Swagger UI would pre-fill it in every Try-it-out.
  schema: { type: 'string', minLength: 1, pattern: '^[\\x21-\\x7E]+$' },
};

const REPLAYED_HEADER = {
  description: 'Present (`true`) when this is the stored response of an earlier request with the same Idempotency-Key',
  schema: { type: 'string', enum: ['true'] },
};

const ADDED_CODES: Record<string, { code: ProblemCode; note: string; headers?: ResponseObject['headers'] }> = {
  '409': {
    code: 'IDEMPOTENCY_IN_PROGRESS',
    note: 'a request with the same Idempotency-Key is still running; retry after Retry-After',
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
  },
  '422': { code: 'IDEMPOTENCY_KEY_REUSED', note: 'the Idempotency-Key was used for a different request' },
};

/**
 * Documents Idempotency-Key on every POST operation of the generated document
 * (the interceptor covers every POST route, so the docs must too): the header,
 * the replay marker on success responses, and the 409/422 idempotency codes.
 */
export function documentIdempotency(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    if (item.post) documentOperation(item.post);
  }
  return document;
}

/** On a money-moving operation (`@MovesMoney()`): why the key matters, and when it is mandatory. */
const MONEY_KEY_PARAMETER: ParameterObject = {
  ...KEY_PARAMETER,
  description:
    `${KEY_PARAMETER.description} This operation moves money: without a key, a 503 or a dropped connection leaves ` +
    'its outcome unknown (it may or may not have been applied), and only a retry with the same key is safe. A server ' +
    'running with REQUIRE_IDEMPOTENCY_KEY=true refuses it without one: 400 VALIDATION_FAILED naming the header.',
};

function documentOperation(operation: OperationObject): void {
  const parameters = (operation.parameters ??= []);
  const movesMoney = (operation as unknown as Record<string, unknown>)[MONEY_MOVEMENT_EXTENSION] === true;
  if (!parameters.some((p) => 'name' in p && p.name === IDEMPOTENCY_KEY_HEADER)) {
    parameters.push(movesMoney ? MONEY_KEY_PARAMETER : KEY_PARAMETER);
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (/^2\d\d$/.test(status) && response && !('$ref' in response)) {
      response.headers = { ...response.headers, 'Idempotent-Replayed': REPLAYED_HEADER };
    }
  }
  for (const [status, added] of Object.entries(ADDED_CODES)) {
    const existing = operation.responses[status] as ResponseObject | undefined;
    const response: ResponseObject = existing ?? {
      description: 'Problem details; code:',
      content: problemContent([]),
    };
    if (response.description.includes(added.code)) continue;
    const separator = response.description.endsWith(':') ? ' ' : ', ';
    response.description = `${response.description}${separator}${added.code} (${added.note})`;
    addProblemExample(response.content as Parameters<typeof addProblemExample>[0], added.code);
    if (added.headers) response.headers = { ...response.headers, ...added.headers };
    operation.responses[status] = response;
  }
}
