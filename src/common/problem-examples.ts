import { FieldError, PROBLEMS, ProblemBody, ProblemCode, problemBody } from './problems';

/**
 * One realistic `detail` per code, worded as the server words it, so each
 * status of the OpenAPI document shows the body a client will really get.
 */
const DETAILS: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'amount must be greater than 0: a string like "10.50" or a number with at most 2 decimals',
  MALFORMED_JSON: 'The request body is not valid JSON',
  UNAUTHENTICATED: 'A valid Authorization: Bearer key is required',
  FORBIDDEN: 'This key may not use this route',
  ACCOUNT_NOT_FOUND: 'No account 4242',
  MACHINE_NOT_FOUND: 'No machine atm-042',
  TRANSACTION_NOT_FOUND: 'No transaction 4242',
  CLIENT_NOT_FOUND: 'No client cl_4f1c9a2e0d4b4c1e',
  NOT_FOUND: 'Cannot GET /acounts',
  METHOD_NOT_ALLOWED: 'DELETE is not allowed on this path; allowed: GET, HEAD, PATCH',
  ACCOUNT_EXISTS: 'Account 1001 already exists',
  MACHINE_EXISTS: 'Machine atm-001 already exists',
  ACCOUNT_NOT_ACTIVE: 'Account 1001 is frozen',
  ACCOUNT_NOT_EMPTY: 'Account 1001 has balance 12.50',
  MACHINE_OUT_OF_SERVICE: 'Machine atm-001 is out of service',
  IDEMPOTENCY_IN_PROGRESS: 'A request with this Idempotency-Key is still being processed',
  CLIENT_REVOKED: 'Client cl_4f1c9a2e0d4b4c1e is revoked',
  ALREADY_REVERSED: 'Transaction 42 was already reversed by transaction 57',
  PAYLOAD_TOO_LARGE: 'The request body is larger than 16 KiB',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be application/json',
  INSUFFICIENT_FUNDS: 'Available balance 10.00 cannot cover 25.00',
  DAILY_LIMIT_EXCEEDED: 'Withdrawals today 460.00 + 60.00 would pass the daily limit 500.00',
  CANNOT_DISPENSE: 'This machine cannot pay 3.33 exactly with the notes and coins it holds',
  TOO_MANY_COINS: 'Every way to pay 61.37 from this machine needs more than 50 coins',
  AMOUNT_TOO_LARGE: '2500.00 is over the ATM maximum 2000.00',
  UNKNOWN_DENOMINATION: 'The machine has no cassette for 200.00',
  CASSETTE_CAPACITY_EXCEEDED: 'The 20.00 cassette holds 1990 of 2000; 20 more do not fit',
  SAME_ACCOUNT: 'from_account and to_account must differ',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used for a different request',
  NOT_REVERSIBLE: 'Transaction 42 is a refill: only an ATM withdrawal of this machine can be reversed here',
  INVALID_REVERSAL: 'dispensed reports 4 × 20.00, but the withdrawal dispensed only 3',
  REVERSAL_WINDOW_CLOSED: 'Transaction 42 is older than the reversal window of 86400 seconds',
  RATE_LIMITED: 'ThrottlerException: Too Many Requests',
  HEADERS_TOO_LARGE: 'The request headers are larger than the server accepts',
  INTERNAL_ERROR: 'An unexpected error occurred',
  SERVICE_UNAVAILABLE: 'The database is unreachable; retry later',
};

const FIELD_ERRORS: FieldError[] = [
  { field: 'amount', message: 'must be greater than 0: a string like "10.50" or a number with at most 2 decimals' },
];
/** 5xx bodies carry the request id (problem-details.filter.ts). */
const REQUEST_ID = '5f0c6b1e-8d3a-4f7e-9b2a-1c4d6e8f0a2b';

/** The body the server answers with `code`, as an example value. */
export function exampleProblem(code: ProblemCode): ProblemBody {
  const body = problemBody(code, DETAILS[code], code === 'VALIDATION_FAILED' ? FIELD_ERRORS : undefined);
  return PROBLEMS[code].status >= 500 ? { ...body, request_id: REQUEST_ID } : body;
}

/** OpenAPI `examples` of a problem response: one per code, named by it. */
export function problemExamples(codes: readonly ProblemCode[]): Record<string, { summary: string; value: ProblemBody }> {
  return Object.fromEntries(codes.map((code) => [code, { summary: PROBLEMS[code].title, value: exampleProblem(code) }]));
}
