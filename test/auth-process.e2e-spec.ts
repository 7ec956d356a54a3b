// Authentication across real processes (issue 13): two servers on one
// database, as a deployment runs them. A key revoked or rotated away on one
// instance is refused by the other within 5 seconds (API.md v1.2: an instance
// may keep a verified key in memory at most that long), and at LOG_LEVEL=trace
// no key, no key hash and no Authorization header reaches either log.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, FreshDatabase } from './helpers/fresh-database';
import { TEST_ADMIN_KEY } from './helpers/keys';
import { buildServer, ServerProcess } from './helpers/server-process';

const REFUSAL_BOUND_MS = 5_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, method: string, path: string, key: string | null, body?: object): Promise<Answer> {
  const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}) };
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls `path` on `url` with `key` until it is 401; the milliseconds that took. */
async function msUntilRefused(url: string, key: string, since: number): Promise<number> {
  for (;;) {
    const { status } = await call(url, 'GET', '/accounts/1001/balance', key);
    if (status === 401) return Date.now() - since;
    expect(status).toBe(200);
    if (Date.now() - since > REFUSAL_BOUND_MS + 3_000) return Date.now() - since;
    await sleep(50);
  }
}

describe('Keys across two server processes on one database', () => {
  let build: ReturnType<typeof buildServer> | undefined;
  let db: FreshDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    build = buildServer();
    db = await freshDatabase();
    const env = {
      DB_TYPE: process.env.DB_TYPE as string,
      ...db.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'trace',
      PRELOAD_ACCOUNTS: '{"1001":"100.00"}',
    };
    a = await ServerProcess.start(build.main, { ...env, SEED_DEMO_DATA: 'false' });
    b = await ServerProcess.start(build.main, { ...env, SEED_DEMO_DATA: 'false', DB_MIGRATIONS_RUN: 'false' });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    build?.remove();
    await db?.drop();
  });

  const keysSeen: string[] = [TEST_ADMIN_KEY];
  const createClient = async (name: string) => {
    const made = await call(a.url, 'POST', '/clients', TEST_ADMIN_KEY, { name, role: 'teller' });
    expect(made.status).toBe(201);
    const key = made.body.api_key as string;
    keysSeen.push(key);
    return { id: made.body.id as string, key };
  };

  it('a key revoked on one instance is refused by the other within 5 s', async () => {
    const client = await createClient('revoked-teller');
    // B verifies (and caches) the key: the revocation must beat its cache.
    expect((await call(b.url, 'GET', '/accounts/1001/balance', client.key)).status).toBe(200);
    expect((await call(b.url, 'POST', '/accounts/1001/deposit', client.key, { amount: '1.00' })).status).toBe(200);
    const revokedAt = Date.now();
    expect((await call(a.url, 'POST', `/clients/${client.id}/revoke`, TEST_ADMIN_KEY, {})).status).toBe(200);
    expect((await call(a.url, 'GET', '/accounts/1001/balance', client.key)).status).toBe(401);
    const ms = await msUntilRefused(b.url, client.key, revokedAt);
    console.log(`revocation seen by the second instance after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(REFUSAL_BOUND_MS);
    // Refused from then on, for every route.
    expect((await call(b.url, 'POST', '/accounts/1001/withdraw', client.key, { amount: '1.00' })).status).toBe(401);
  });

  it('a key rotated away on one instance is refused by the other within 5 s; the new key works on both', async () => {
    const client = await createClient('rotated-teller');
    expect((await call(b.url, 'GET', '/accounts/1001/balance', client.key)).status).toBe(200);
    const rotatedAt = Date.now();
    const rotated = await call(a.url, 'POST', `/clients/${client.id}/rotate`, TEST_ADMIN_KEY, {});
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.api_key as string;
    keysSeen.push(fresh);
    const ms = await msUntilRefused(b.url, client.key, rotatedAt);
    console.log(`rotation seen by the second instance after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(REFUSAL_BOUND_MS);
    expect((await call(a.url, 'GET', '/accounts/1001/balance', fresh)).status).toBe(200);
    expect((await call(b.url, 'GET', '/accounts/1001/balance', fresh)).status).toBe(200);
  });

  it('at LOG_LEVEL=trace no key, key hash or Authorization header is logged; every request line names its client', async () => {
    const wrong = 'atmk_this-key-was-never-issued-0123456789abcdef';
    keysSeen.push(wrong);
    expect((await call(b.url, 'GET', '/accounts/1001/balance', wrong)).status).toBe(401);
    const basic = await fetch(`${b.url}/accounts/1001/balance`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    const client = await createClient('logged-teller');
    expect((await call(b.url, 'POST', '/accounts/1001/deposit', client.key, { amount: '2.00' })).status).toBe(200);
    // A completion line is written once the response has gone: wait for the last one.
    for (let waited = 0; !b.logs.includes(`"client":"${client.id}"`) && waited < 3_000; waited += 50) await sleep(50);

    const logs = `${a.logs}\n${b.logs}`;
    const lines = logs.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(20);
    for (const key of keysSeen) {
      expect(logs).not.toContain(key);
      expect(logs).not.toContain(createHash('sha256').update(key).digest('hex'));
    }
    expect(logs).not.toMatch(/bearer |dXNlcjpwYXNz/i);
    const completions = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.res !== undefined);
    for (const line of completions) {
      expect(JSON.stringify(line.req ?? {})).not.toMatch(/authorization/i);
      expect(line).not.toHaveProperty('headers');
    }
    const deposit = completions.find(
      (line) => (line.req as { url?: string }).url === '/accounts/1001/deposit' && line.client === client.id,
    );
    expect(deposit).toBeDefined();
    // Every answered request to a keyed route names its client (open routes, /healthz, have none).
    const keyed = completions.filter(
      (line) => /^\/(accounts|clients)/.test((line.req as { url: string }).url) && (line.res as { statusCode: number }).statusCode < 400,
    );
    expect(keyed.length).toBeGreaterThan(5);
    for (const line of keyed) expect(line.client).toEqual(expect.stringMatching(/^(bootstrap|cl_)/));
  });
});
