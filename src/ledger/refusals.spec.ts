import { DomainError } from '../common/domain-error';
import { AccountStateRow, diagnose, firstRefusal } from './refusals';

const row = (overrides: Partial<AccountStateRow> = {}): AccountStateRow => ({
  account_number: 'a',
  balance: '1000',
  overdraft_limit: '0',
  daily_withdrawal_limit: '500',
  withdrawn_today: '400',
  withdrawn_on: '2026-03-01',
  status: 'active',
  ...overrides,
});
const debit = { debit: true, active: true, dailyLimit: true };
const now = '2026-03-01T12:00:00.000Z';

describe('refusals', () => {
  it('ranks refusals in the contract order, whatever order they were found in', () => {
    const found = ['DAILY_LIMIT_EXCEEDED', 'MACHINE_OUT_OF_SERVICE', 'ACCOUNT_NOT_ACTIVE', 'ACCOUNT_NOT_FOUND'] as const;
    expect(firstRefusal(found.map((code) => new DomainError(code, code)))?.code).toBe('ACCOUNT_NOT_FOUND');
    expect(firstRefusal([new DomainError('CANNOT_DISPENSE', ''), new DomainError('AMOUNT_TOO_LARGE', '')])?.code).toBe('AMOUNT_TOO_LARGE');
    expect(firstRefusal([])).toBeUndefined();
  });

  it('names the first failing condition of a refused leg', () => {
    const leg = { account: 'a', amount: -200n };
    expect(diagnose(leg, debit, undefined, now)?.code).toBe('ACCOUNT_NOT_FOUND');
    expect(diagnose(leg, debit, row({ status: 'frozen', balance: '0' }), now)?.code).toBe('ACCOUNT_NOT_ACTIVE');
    expect(diagnose(leg, debit, row({ balance: '100' }), now)?.code).toBe('INSUFFICIENT_FUNDS');
    expect(diagnose(leg, debit, row(), now)?.code).toBe('DAILY_LIMIT_EXCEEDED');
  });

  it('finds nothing when every condition holds now (the caller runs the statement again)', () => {
    const leg = { account: 'a', amount: -200n };
    // Yesterday's withdrawals do not count today.
    expect(diagnose(leg, debit, row({ withdrawn_on: '2026-02-28' }), now)).toBeUndefined();
    expect(diagnose(leg, { ...debit, dailyLimit: false }, row(), now)).toBeUndefined();
    // Reversals do not need an active account; credits need no funds.
    expect(
      diagnose({ account: 'a', amount: 200n }, { debit: false, active: false, dailyLimit: true }, row({ status: 'closed' }), now),
    ).toBeUndefined();
  });
});
