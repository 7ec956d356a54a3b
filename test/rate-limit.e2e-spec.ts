import { balanceAndLedger, openAccount } from './helpers/bank';
import { makeClient } from './helpers/clients';
import { createTestApp, TestApp } from './helpers/test-app';

const PROBLEM = /^application\/problem\+json/;

describe('rate limit (RATE_LIMIT_PER_MINUTE; off unless configured)', () => {
  const apps: TestApp[] = [];
  const boot = async (env: Record<string, string> = {}) => {
    const t = await createTestApp(env);
    apps.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  it('is off by default: no 429 and no rate-limit headers', async () => {
    const t = await boot();
    const account = await openAccount(t, '10.00');
    const answers = await Promise.all(Array.from({ length: 40 }, () => t.http().get(`/accounts/${account}/balance`)));
    expect(answers.map((res) => res.status)).toEqual(Array(40).fill(200));
    expect(answers[0].headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('answers the request over the limit 429 RATE_LIMITED with Retry-After; health probes are never limited', async () => {
    const t = await boot({ RATE_LIMIT_PER_MINUTE: '3' });
    const account = await openAccount(t, '10.00'); // request 1
    const allowed = [await t.http().get(`/accounts/${account}`), await t.http().get(`/accounts/${account}/balance`)];
    expect(allowed.map((res) => res.status)).toEqual([200, 200]);
    expect(allowed[1].headers['x-ratelimit-remaining']).toBe('0');

    const refused = await t.http().get(`/accounts/${account}/balance`);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Too many requests' });
    expect(refused.body.detail).toMatch(/More than 3 requests in a minute/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['x-request-id']).toBeDefined();
    expect(refused.headers['cache-control']).toBe('no-store');

    const probes = await Promise.all([t.http().get('/healthz'), t.http().get('/healthz/live')]);
    expect(probes.map((res) => res.status)).toEqual([200, 200]);
  });

  it('a limited POST changes nothing and is not stored under its Idempotency-Key', async () => {
    const t = await boot({ RATE_LIMIT_PER_MINUTE: '2' });
    const account = await openAccount(t, '10.00'); // request 1
    await t.http().get(`/accounts/${account}`); // request 2
    const limited = await t.http().post(`/accounts/${account}/deposit`).set('Idempotency-Key', 'limited-1').send({ amount: '5.00' });
    expect(limited.status).toBe(429);
    await expect(balanceAndLedger(t, account)).resolves.toEqual({ balance: 1000n, ledger: 1000n, rows: 1 });

    // A fresh instance (its own counters) on the same database: the key is unknown, the deposit applies once.
    const other = await boot({ RATE_LIMIT_PER_MINUTE: '2' });
    const retried = await other.http().post(`/accounts/${account}/deposit`).set('Idempotency-Key', 'limited-1').send({ amount: '5.00' });
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.balance).toBe('15.00');
  });

  it('counts per client (API.md v1.2): each key has its own budget, whatever address it comes from', async () => {
    const trusting = await boot({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'loopback' });
    const other = (await makeClient(trusting, 'auditor')).key; // request 1 of the admin's budget
    const from = (key: string | undefined, ip: string) => trusting.http(key).get('/machines').set('X-Forwarded-For', ip);
    const admin = [await from(undefined, '203.0.113.1'), await from(undefined, '203.0.113.2')];
    expect(admin.map((res) => res.status)).toEqual([200, 429]);
    const auditor = [await from(other, '203.0.113.1'), await from(other, '203.0.113.1'), await from(other, '203.0.113.3')];
    expect(auditor.map((res) => res.status)).toEqual([200, 200, 429]);
  });

  it.each([
    ['not-an-address', /TRUST_PROXY must be/],
    ['banana', /TRUST_PROXY=banana: invalid IP address/],
  ])('refuses TRUST_PROXY=%p at boot', async (value, message) => {
    await expect(createTestApp({ TRUST_PROXY: value })).rejects.toThrow(message);
  });
});
