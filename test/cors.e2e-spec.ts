// Browser front-ends (API.md, Operations, "Browsers"): the CORS allow-list
// and the security headers, on the real HTTP stack.
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

const ALLOWED = 'https://teller.example.com';
const OTHER = 'https://evil.example.net';

// As a browser sends it: a preflight never carries the Authorization header.
const preflight = (t: TestApp, origin: string, path = '/accounts/1001/withdraw') =>
  t
    .http(null)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key,x-request-id');

const corsHeaders = (headers: Record<string, string>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

function expectSecurityHeaders(headers: Record<string, string>): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBeDefined();
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('CORS with CORS_ORIGINS set', () => {
  let t: TestApp;
  let account: string;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
    account = uniqueAccountNumber();
    await t.http().post('/accounts').send({ account_number: account, initial_deposit: '50.00' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a preflight from an allowed origin with 204 and the allowed methods, headers and max age', async () => {
    const res = await preflight(t, ALLOWED, `/accounts/${account}/withdraw`);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key,X-Request-Id');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expectSecurityHeaders(res.headers);
  });

  it('gives another origin no CORS headers at all', async () => {
    const res = await preflight(t, OTHER, `/accounts/${account}/withdraw`);
    expect(corsHeaders(res.headers)).toEqual([]);
    const get = await t.http().get(`/accounts/${account}/balance`).set('Origin', OTHER);
    expect(get.status).toBe(200);
    expect(corsHeaders(get.headers)).toEqual([]);
  });

  it('lets an allowed origin read the answer and the headers it needs', async () => {
    const res = await t
      .http()
      .post(`/accounts/${account}/withdraw`)
      .set('Origin', ALLOWED)
      .set('Idempotency-Key', `cors-${account}`)
      .send({ amount: '1.00' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id,Idempotent-Replayed,Retry-After');
    expect(res.headers.vary).toMatch(/Origin/i);
  });

  it('puts the security headers on problems too', async () => {
    const res = await t.http().get('/accounts/nobody-here/balance').set('Origin', ALLOWED);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expectSecurityHeaders(res.headers);
  });
});

describe('CORS with CORS_ORIGINS unset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: '' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends no CORS headers, to preflights or requests, whatever the origin', async () => {
    const res = await preflight(t, ALLOWED);
    expect(corsHeaders(res.headers)).toEqual([]);
    const get = await t.http().get('/healthz/live').set('Origin', ALLOWED);
    expect(get.status).toBe(200);
    expect(corsHeaders(get.headers)).toEqual([]);
    expectSecurityHeaders(get.headers);
  });

  it('serves /docs with the security headers, and a CSP its own scripts and styles pass', async () => {
    const res = await t.http().get('/docs/');
    expect(res.status).toBe(200);
    expectSecurityHeaders(res.headers);
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('Strict-Transport-Security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is sent when a trusted proxy says the client came over HTTPS, and only then', async () => {
    const https = await t.http().get('/healthz/live').set('X-Forwarded-Proto', 'https');
    expect(https.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    const http = await t.http().get('/healthz/live');
    expect(http.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('CORS_ORIGINS validation', () => {
  it.each(['*', 'https://teller.example.com/', 'teller.example.com', 'https://teller.example.com/app'])(
    'refuses %s, naming the variable',
    async (value) => {
      await expect(createTestApp({ CORS_ORIGINS: value })).rejects.toThrow(/CORS_ORIGINS/);
    },
  );
});
