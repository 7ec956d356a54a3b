import { DomainError } from '../common/domain-error';
import { isCreatedByAnother, isDatabaseUnavailable } from './database-errors';

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

describe('isDatabaseUnavailable', () => {
  it('is a read-only, full, unopenable or failing SQLite file, extended codes included', () => {
    for (const code of ['SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_CANTOPEN']) {
      expect(isDatabaseUnavailable({ driverError: { code } })).toBe(true);
    }
    expect(isDatabaseUnavailable({ code: 'SQLITE_CONSTRAINT_CHECK' })).toBe(false);
  });

  it('is a lost Postgres connection, by code or by message', () => {
    expect(isDatabaseUnavailable({ code: '57P01' })).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client was closed and is not queryable'))).toBe(true);
    expect(isDatabaseUnavailable({ code: '22001' })).toBe(false);
  });
});
