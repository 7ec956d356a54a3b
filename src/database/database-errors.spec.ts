import { DomainError } from '../common/domain-error';
import { isCreatedByAnother } from './database-errors';

describe('isCreatedByAnother', () => {
  it('is the unique violation of either driver, TypeORM-wrapped or not', () => {
    expect(isCreatedByAnother({ driverError: { code: '23505' } }, 'MACHINE_EXISTS')).toBe(true);
    expect(isCreatedByAnother({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, 'MACHINE_EXISTS')).toBe(true);
    expect(isCreatedByAnother({ code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'ACCOUNT_EXISTS')).toBe(true);
  });

  it('is the service refusal named, and no other', () => {
    expect(isCreatedByAnother(new DomainError('MACHINE_EXISTS', 'x'), 'MACHINE_EXISTS')).toBe(true);
    expect(isCreatedByAnother(new DomainError('ACCOUNT_EXISTS', 'x'), 'MACHINE_EXISTS')).toBe(false);
    expect(isCreatedByAnother(new DomainError('ACCOUNT_NOT_FOUND', 'x'), 'ACCOUNT_EXISTS')).toBe(false);
    expect(isCreatedByAnother(new Error('boom'), 'ACCOUNT_EXISTS')).toBe(false);
    expect(isCreatedByAnother({ driverError: { code: '40P01' } }, 'ACCOUNT_EXISTS')).toBe(false);
  });
});
