import { bearerKey, hashApiKey, KEY_PREFIX, newApiKey, sameHash } from './api-key';

describe('API keys', () => {
  it('are made with the prefix and at least 128 random bits, never twice the same', () => {
    const keys = new Set(Array.from({ length: 1000 }, newApiKey));
    expect(keys.size).toBe(1000);
    for (const key of keys) {
      expect(key.startsWith(KEY_PREFIX)).toBe(true);
      expect(Buffer.from(key.slice(KEY_PREFIX.length), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    }
  });

  it('hash to 64 hex characters; equal hashes compare equal, others not', () => {
    const hash = hashApiKey('demo-admin-key');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hash, hashApiKey('demo-admin-key'))).toBe(true);
    expect(sameHash(hash, hashApiKey('demo-admin-kez'))).toBe(false);
    expect(sameHash(hash, 'abcd')).toBe(false);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   atmk_x-y', 'atmk_x-y'],
  ])('reads %p', (header, key) => {
    expect(bearerKey(header)).toBe(key);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearer é', `Bearer ${'a'.repeat(10_000)}`])(
    'refuses %p',
    (header) => {
      expect(bearerKey(header)).toBeNull();
    },
  );
});
