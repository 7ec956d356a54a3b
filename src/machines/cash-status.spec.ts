import { cashStatus, isLow } from './cash-status';

const bill = (count: number, lowThreshold: number | null = null) => ({ kind: 'bill' as const, count, lowThreshold });
const coin = (count: number, lowThreshold: number | null = null) => ({ kind: 'coin' as const, count, lowThreshold });

describe('cash status', () => {
  it('a cassette is low at or below its threshold, never without one', () => {
    expect([isLow(bill(5, 5)), isLow(bill(4, 5)), isLow(bill(6, 5)), isLow(bill(0, null)), isLow(bill(0, 0))]).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
  });

  it.each([
    ['every bill cassette at 0, coins left', [bill(0, 1), bill(0), coin(100)], 'empty'],
    ['no bill cassette at all', [coin(100)], 'empty'],
    ['a bill cassette low', [bill(3, 5), bill(50, 5)], 'low'],
    ['only a coin cassette low', [bill(50, 5), coin(1, 10)], 'low'],
    ['a bill cassette at 0 without threshold, another full', [bill(0), bill(50, 5)], 'ok'],
    ['nothing low', [bill(6, 5), coin(11, 10)], 'ok'],
  ])('%s: %s', (_name, cassettes, status) => {
    expect(cashStatus(cassettes)).toBe(status);
  });
});
