import { NotFoundException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { toProblem } from './problem-details.filter';

describe('toProblem', () => {
  it('renders a domain error with its contract code, status and type', () => {
    const { body } = toProblem(new DomainError('INSUFFICIENT_FUNDS', 'Available balance 1.00 cannot cover 2.00'));
    expect(body).toEqual({
      type: 'https://atm-server.example/problems/insufficient-funds',
      title: 'Insufficient funds',
      status: 422,
      code: 'INSUFFICIENT_FUNDS',
      detail: 'Available balance 1.00 cannot cover 2.00',
    });
  });

  it('keeps errors[] on VALIDATION_FAILED only', () => {
    const errors = [{ field: 'amount', message: 'bad' }];
    expect(toProblem(new DomainError('VALIDATION_FAILED', 'bad', errors)).body.errors).toEqual(errors);
    expect(toProblem(new DomainError('MALFORMED_JSON', 'bad', errors)).body.errors).toBeUndefined();
  });

  it('turns an unknown error into a bare 500 that leaks nothing', () => {
    const error = new Error('SELECT * FROM accounts failed at /srv/app/src/secret.ts:12');
    const { body } = toProblem(error);
    expect(body).toEqual({
      type: 'https://atm-server.example/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'An unexpected error occurred',
    });
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [{ message: 'Connection terminated unexpectedly' }],
    [{ driverError: { code: '57P01' }, message: 'terminating connection due to administrator command' }],
    [{ message: 'timeout exceeded when trying to connect' }],
    [{ code: '3D000', message: 'database "atm" does not exist' }],
  ])('answers 503 SERVICE_UNAVAILABLE with Retry-After for an unreachable database %#', (error) => {
    const problem = toProblem(Object.assign(new Error(String(error.message)), error));
    expect(problem.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(problem.body.detail).not.toMatch(/5432|ECONN/);
    expect(problem.headers).toEqual({ 'Retry-After': '1' });
  });

  it('maps body-parser errors and HTTP exceptions', () => {
    expect(toProblem({ type: 'entity.parse.failed' }).body.code).toBe('MALFORMED_JSON');
    expect(toProblem({ type: 'entity.too.large' }).body.status).toBe(413);
    expect(toProblem({ type: 'charset.unsupported' }).body.status).toBe(415);
    expect(toProblem(new NotFoundException('Cannot GET /x')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
