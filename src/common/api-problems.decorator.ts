import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, ProblemCode } from './problems';

export class FieldErrorView {
  @ApiProperty({ example: 'amount' }) field: string;
  @ApiProperty({ example: 'must be greater than 0' }) message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export class ProblemView {
  @ApiProperty({ example: 'https://atm-server.example/problems/insufficient-funds' }) type: string;
  @ApiProperty({ example: 'Insufficient funds' }) title: string;
  @ApiProperty({ example: 422 }) status: number;
  @ApiProperty({ enum: Object.keys(PROBLEMS), example: 'INSUFFICIENT_FUNDS' }) code: ProblemCode;
  @ApiProperty({ example: 'Balance 10.00 with overdraft 0.00 cannot cover 25.00' }) detail: string;
  /** Only on 400 VALIDATION_FAILED. */
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
  /** Only on 5xx: quote it when reporting the problem. */
  @ApiPropertyOptional() request_id?: string;
}

const CODES_BY_STATUS = Object.entries(PROBLEMS).reduce<Record<number, string[]>>((acc, [code, { status }]) => {
  (acc[status] ??= []).push(code);
  return acc;
}, {});

/** The `content` of every problem response in the OpenAPI document: problem+json, ProblemView. */
export function problemContent(): Record<string, { schema: { $ref: string } }> {
  return { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemView) } } };
}

/**
 * Documents the problem responses a route can return. Pass a status for all
 * its codes, or `[status, [codes]]` to name the ones that route uses.
 */
export function ApiProblems(...entries: Array<number | [number, ProblemCode[]]>): MethodDecorator & ClassDecorator {
  const all = [...entries, 500] as Array<number | [number, ProblemCode[]]>;
  return applyDecorators(
    ApiExtraModels(ProblemView),
    ...all.map((entry) => {
      const [status, codes] = Array.isArray(entry) ? entry : [entry, CODES_BY_STATUS[entry] ?? []];
      return ApiResponse({
        status,
        description: `Problem details; code: ${codes.join(', ') || 'INTERNAL_ERROR'}`,
        content: problemContent(),
      });
    }),
  );
}
