import { formatMoney, parseConfigMoney, parseMoney } from './money';

describe('parseMoney', () => {
  it.each([
    ['10.50', 1050n],
    ['10.5', 1050n],
    ['10', 1000n],
    ['0.01', 1n],
    ['007.10', 710n],
    [10.5, 1050n],
    [0.1, 10n],
    [0.29, 29n],
    [1.005e2, 10050n],
    [999999.99, 99999999n],
    [1e3, 100000n],
    [0, 0n],
  ])('accepts %p as %p minor units', (input, minor) => {
    expect(parseMoney(input)).toEqual({ ok: true, minor });
  });

  it.each(['1e3', ' 5', '5 ', 'NaN', '+5', '5.', '.5', '-5', '1.001', '1,00', '', '0x10', 'Infinity', '1234567890123456789012345'])(
    'refuses the string %p',
    (input) => {
      expect(parseMoney(input).ok).toBe(false);
    },
  );

  it.each([1.001, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e25, 0.001, 5e-324])('refuses the number %p', (input) => {
    expect(parseMoney(input).ok).toBe(false);
  });

  it.each([null, undefined, true, {}, [], ['1.00']])('refuses the non-amount %p', (input) => {
    expect(parseMoney(input).ok).toBe(false);
  });
});

describe('formatMoney', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [125075n, '1250.75'],
    [-4950n, '-49.50'],
    [-1n, '-0.01'],
    [9007199254740993n, '90071992547409.93'],
  ])('formats %p as %p', (minor, text) => {
    expect(formatMoney(minor)).toBe(text);
  });

  it('round-trips every cent value it formats', () => {
    for (let minor = 0n; minor < 2000n; minor += 7n) {
      expect(parseMoney(formatMoney(minor))).toEqual({ ok: true, minor });
    }
  });
});

describe('parseConfigMoney', () => {
  it('reads configuration amounts and names the variable on error', () => {
    expect(parseConfigMoney('1000000.00', 'MAX')).toBe(100000000n);
    expect(() => parseConfigMoney('lots', 'MAX_TRANSACTION_AMOUNT')).toThrow(/MAX_TRANSACTION_AMOUNT/);
  });
});
