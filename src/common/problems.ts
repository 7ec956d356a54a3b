// The catalogue of problem codes of the contract (API.md, "Errors"): every
// refusal the service can answer is one of these, with its status and title.
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'Validation failed' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthenticated' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  ACCOUNT_NOT_FOUND: { status: 404, title: 'Account not found' },
  MACHINE_NOT_FOUND: { status: 404, title: 'Machine not found' },
  TRANSACTION_NOT_FOUND: { status: 404, title: 'Transaction not found' },
  CLIENT_NOT_FOUND: { status: 404, title: 'Client not found' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  ACCOUNT_EXISTS: { status: 409, title: 'Account already exists' },
  MACHINE_EXISTS: { status: 409, title: 'Machine already exists' },
  ACCOUNT_NOT_ACTIVE: { status: 409, title: 'Account not active' },
  ACCOUNT_NOT_EMPTY: { status: 409, title: 'Account not empty' },
  MACHINE_OUT_OF_SERVICE: { status: 409, title: 'Machine out of service' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'Idempotent request in progress' },
  CLIENT_REVOKED: { status: 409, title: 'Client revoked' },
  ALREADY_REVERSED: { status: 409, title: 'Already reversed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  INSUFFICIENT_FUNDS: { status: 422, title: 'Insufficient funds' },
  DAILY_LIMIT_EXCEEDED: { status: 422, title: 'Daily withdrawal limit exceeded' },
  CANNOT_DISPENSE: { status: 422, title: 'Cannot dispense amount' },
  TOO_MANY_COINS: { status: 422, title: 'Too many coins' },
  AMOUNT_TOO_LARGE: { status: 422, title: 'Amount too large' },
  UNKNOWN_DENOMINATION: { status: 422, title: 'Unknown denomination' },
  CASSETTE_CAPACITY_EXCEEDED: { status: 422, title: 'Cassette capacity exceeded' },
  SAME_ACCOUNT: { status: 422, title: 'Same account' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused' },
  NOT_REVERSIBLE: { status: 422, title: 'Not reversible' },
  INVALID_REVERSAL: { status: 422, title: 'Invalid reversal' },
  REVERSAL_WINDOW_CLOSED: { status: 422, title: 'Reversal window closed' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://atm-server.example/problems/';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details body, as every error response carries it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
  request_id?: string;
}

export function problemBody(code: ProblemCode, detail: string, errors?: FieldError[]): ProblemBody {
  const { status, title } = PROBLEMS[code];
  const type = PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
  const body: ProblemBody = { type, title, status, code, detail };
  if (errors && code === 'VALIDATION_FAILED') body.errors = errors;
  return body;
}
