import fc from 'fast-check';
import { DomainError } from '../common/domain-error';
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from './idempotency-key';

function refusal(lines: string[]): DomainError {
  try {
    parseIdempotencyKey(lines);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`accepted ${JSON.stringify(lines)}`);
}

describe('parseIdempotencyKey', () => {
  it('is undefined without the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey([])).toBeUndefined();
  });

  it('accepts bare visible ASCII of 1–255 characters', () => {
    expect(parseIdempotencyKey(['a'])).toBe('a');
    expect(parseIdempotencyKey(['x'.repeat(255)])).toBe('x'.repeat(255));
    expect(parseIdempotencyKey(['!~"abc'])).toBe('!~"abc');
  });

  it('unquotes an RFC 8941 string to the same key as the bare form', () => {
    expect(parseIdempotencyKey(['"abc-123"'])).toBe('abc-123');
    expect(parseIdempotencyKey(['"a\\"b\\\\c"'])).toBe('a"b\\c');
    expect(parseIdempotencyKey([`"${'y'.repeat(255)}"`])).toBe('y'.repeat(255));
  });

  it.each([
    ['empty', ['']],
    ['empty quoted', ['""']],
    ['too long', ['x'.repeat(256)]],
    ['too long once unquoted', [`"${'y'.repeat(256)}"`]],
    ['a space', ['a b']],
    ['a space inside quotes', ['"a b"']],
    ['a tab', ['a\tb']],
    ['non-ASCII', ['cl\u00e9']],
    ['two headers', ['a', 'b']],
    ['an unterminated quote', ['"abc']],
    ['a bad escape', ['"a\\nb"']],
    ['a bare quote inside quotes', ['"a"b"']],
  ])('refuses %s with 400 naming the header', (_name, lines) => {
    const error = refusal(lines);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errors?.[0].field).toBe('Idempotency-Key');
  });

  it('accepts exactly the visible ASCII strings of length 1–255 (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), (s) => {
        const valid = /^[\x21-\x7e]{1,255}$/.test(s) && !s.startsWith('"');
        if (valid) return parseIdempotencyKey([s]) === s;
        if (s.startsWith('"')) return true;
        return (() => {
          try {
            parseIdempotencyKey([s]);
            return false;
          } catch {
            return true;
          }
        })();
      }),
    );
  });
});

describe('requestFingerprint', () => {
  it('ignores key order at every depth', () => {
    const a = { amount: '10.00', meta: { b: 1, a: [{ y: 1, x: 2 }] } };
    const b = { meta: { a: [{ x: 2, y: 1 }], b: 1 }, amount: '10.00' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestFingerprint('POST', '/p', a)).toBe(requestFingerprint('POST', '/p', b));
  });

  it('differs by method, path, body value and array order', () => {
    const base = requestFingerprint('POST', '/accounts/1/deposit', { amount: '10.00' });
    expect(requestFingerprint('PUT', '/accounts/1/deposit', { amount: '10.00' })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/1/withdraw', { amount: '10.00' })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/1/deposit', { amount: '10.01' })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/1/deposit', { amount: 10 })).not.toBe(base);
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('treats an absent body as {}', () => {
    expect(requestFingerprint('POST', '/m', undefined)).toBe(requestFingerprint('POST', '/m', {}));
  });

  it('is the same for equal JSON whatever its key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return canonicalJson(obj) === canonicalJson(reversed) && canonicalJson(JSON.parse(canonicalJson(obj))) === canonicalJson(obj);
      }),
    );
  });
});
