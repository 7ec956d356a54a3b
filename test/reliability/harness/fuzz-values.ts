// Hostile values for the fuzzer: what a buggy or malicious client puts in a
// field. Each arbitrary mixes valid values (so requests get past validation
// and reach the services and the database) with every kind of wrong one.
import fc from 'fast-check';

/** Known ids of the fixture, so some requests hit real rows. */
export interface FuzzFixture {
  accounts: string[];
  machines: string[];
  transactionIds: number[];
}

const POLLUTION = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const ODD_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '1e3',
  ' 5',
  '+5',
  '5.',
  '.5',
  '0x10',
  '١٠',
  '１０',
  '10.5\u0000',
  "'; DROP TABLE accounts; --",
  '<script>',
  '%00',
  '../../etc/passwd',
  '\u202e',
  '😀',
  'é',
  ...POLLUTION,
];

export const oddString = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 35, max: 400 }).map((n) => 'x'.repeat(n)),
);

const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.1, 0.005, 1e-7, 1e21, 1e308, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, 2 ** 63, -1e308, 1.999),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Anything JSON can carry, nested, prototype-pollution keys included. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    oddString,
    oddNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...POLLUTION), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const validMoney = fc.oneof(
  fc.integer({ min: 1, max: 100_000 }).map((minor) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`),
  fc.integer({ min: 1, max: 5000 }),
  fc.constantFrom('0.01', '20.00', '60.00', '1000000.00', '1000000.01', '2000.00', '2000.01', '0.00', 0.5, 10.25),
);
/** Mostly `valid`, so requests get past validation and reach the services; hostile otherwise. */
const mostly = (valid: fc.Arbitrary<unknown>, ...hostile: Array<fc.Arbitrary<unknown>>) =>
  fc.oneof({ weight: 3 * hostile.length, arbitrary: valid }, ...hostile.map((arbitrary) => ({ weight: 1, arbitrary })));

export const money = mostly(validMoney, oddNumber, oddString, anyJson);
// Control characters get a large share of their own: Postgres cannot store
// NUL in text, and a few hits per run are needed to catch that reliably.
const controlText = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\n', '\t', '\r', '\u001b', '\u007f'))
  .map(([a, c]) => `${a}${c}x`);
// Variation selectors: counted as nothing by class-validator's Length, as a
// character each by varchar(n) — 71 "a\ufe0f" pairs in a 140-character
// reference failed in Postgres (a 500). Lone surrogates are not text at all.
const selectorText = fc.integer({ min: 60, max: 110 }).map((pairs) => 'a\ufe0f'.repeat(pairs));
const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\ud800', '\udfff', '\ud83d', '\ude00x'))
  .map(([a, s]) => `${a}${s}`);
export const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 2, arbitrary: controlText },
  { weight: 1, arbitrary: selectorText },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: oddString },
  { weight: 1, arbitrary: anyJson },
);
export const choice = (...valid: string[]) => mostly(fc.constantFrom(...valid), oddString, anyJson);

export const validId = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
export const accountNumber = (f: FuzzFixture) => mostly(fc.constantFrom(...f.accounts), validId, oddString, anyJson);
export const machineId = (f: FuzzFixture) => mostly(fc.constantFrom(...f.machines), validId, oddString, anyJson);

const pieces = mostly(fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, -1, 1_000_001, 2 ** 53, 1.5), oddString, anyJson);
const denomination = mostly(fc.constantFrom('100.00', '20.00', '5.00', '1.00', '0.25', 20, 0.25, '50.00', '3.00', '100000.01'), money);
const cashLine = fc.record({ denomination, count: pieces });
const cassetteLine = fc.record({
  denomination,
  count: pieces,
  kind: choice('bill', 'coin'),
  capacity: mostly(fc.integer({ min: 50, max: 5000 }), pieces),
});

export const cashLines = mostly(fc.array(cashLine, { minLength: 1, maxLength: 4 }), fc.array(cashLine, { maxLength: 25 }), anyJson);
export const cassettes = mostly(fc.array(cassetteLine, { minLength: 1, maxLength: 4 }), fc.array(cassetteLine, { maxLength: 25 }), anyJson);

/** Random extra fields, prototype-pollution keys first among them. */
export const extraFields = fc.dictionary(fc.oneof(fc.constantFrom(...POLLUTION), fc.string({ maxLength: 10 })), anyJson, {
  minKeys: 1,
  maxKeys: 2,
});
