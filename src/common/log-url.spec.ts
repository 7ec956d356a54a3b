import { logUrl } from './log-url';

describe('logUrl', () => {
  it.each([
    ['/accounts/1001/balance', '/accounts/1001/balance'],
    ['/accounts?limit=5&cursor=abc', '/accounts?limit=5&cursor=abc'],
    ['/accounts/1001/balance?api_key=atmk_secret', '/accounts/1001/balance?api_key=[REDACTED]'],
    ['/x?limit=1&access_token=s3cret&Token=t', '/x?limit=1&access_token=[REDACTED]&Token=[REDACTED]'],
    ['/x?%61pi_key=secret', '/x?%61pi_key=[REDACTED]'],
    ['/x?%zz=1', '/x?%zz=1'],
  ])('%s → %s', (url, logged) => {
    expect(logUrl(url)).toBe(logged);
  });
});
