import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { problemExamples } from './problem-examples';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, ProblemCode } from './problems';

export class FieldErrorView {
  @ApiProperty({ example: 'amount' }) field: string;
  @ApiProperty({ example: 'must be greater than 0' }) message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export class ProblemView {
  @ApiProperty({ example: 'https://atm-server.example/problems/insufficient-funds' }) type: string;
  @ApiProperty({ example: 'Insufficient funds' }) title: string;
  @ApiProperty({ type: 'integer', example: 422 }) status: number;
  @ApiProperty({ enum: Object.keys(PROBLEMS), example: 'INSUFFICIENT_FUNDS' }) code: ProblemCode;
  @ApiProperty({ example: 'Available balance 10.00 cannot cover 25.00' }) detail: string;
  /** Only on 400 VALIDATION_FAILED. */
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
  /** Only on 5xx: quote it when reporting the problem. */
  @ApiPropertyOptional() request_id?: string;
}

const CODES_BY_STATUS = Object.entries(PROBLEMS).reduce<Record<number, ProblemCode[]>>((acc, [code, { status }]) => {
  (acc[status] ??= []).push(code as ProblemCode);
  return acc;
}, {});

type ProblemContent = Record<string, { schema: { $ref: string }; examples: ReturnType<typeof problemExamples> }>;

/** The `content` of a problem response: problem+json, ProblemView, one example body per code. */
export function problemContent(codes: readonly ProblemCode[]): ProblemContent {
  return { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemView) }, examples: problemExamples(codes) } };
}

/** Adds `code`'s example to a problem response built by problemContent. */
export function addProblemExample(content: ProblemContent | undefined, code: ProblemCode): void {
  const media = content?.[PROBLEM_CONTENT_TYPE];
  if (media) media.examples = { ...media.examples, ...problemExamples([code]) };
}

const UNAVAILABLE =
  'Problem details; code: SERVICE_UNAVAILABLE — the database is unreachable; retry after Retry-After. ' +
  'A POST answered 503 without an Idempotency-Key may or may not have been applied: retry it only with a key.';
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

/**
 * Documents the problem responses a route can return. Pass a status for all
 * its codes, or `[status, [codes]]` to name the ones that route uses. Every
 * route documented this way reads or writes the database, so 500 and 503
 * SERVICE_UNAVAILABLE (database unreachable, with Retry-After) are added.
 */
export function ApiProblems(...entries: Array<number | [number, ProblemCode[]]>): MethodDecorator & ClassDecorator {
  const all = [...entries, 500, 503] as Array<number | [number, ProblemCode[]]>;
  return applyDecorators(
    ApiExtraModels(ProblemView),
    ...all.map((entry) => {
      const [status, codes] = Array.isArray(entry) ? entry : [entry, CODES_BY_STATUS[entry] ?? []];
      return ApiResponse({
        status,
        description: status === 503 ? UNAVAILABLE : `Problem details; code: ${codes.join(', ')}`,
        headers: status === 503 ? RETRY_AFTER : undefined,
        content: problemContent(codes),
      });
    }),
  );
}
