import { FieldError, PROBLEMS, ProblemCode } from './problems';

/**
 * A refusal with a stable contract code. Services throw these (never
 * HttpException); the global filter renders them as problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Response headers the refusal needs, such as `Retry-After`. */
    readonly headers?: Record<string, string>,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

/** A 400 VALIDATION_FAILED naming one field, for checks that need configuration or state. */
export function validationError(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);
}
