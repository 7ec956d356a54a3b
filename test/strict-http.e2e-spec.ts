// Strict input (API.md v1.2) below the body: query parameters, integers in
// paths and queries, methods, oversized headers; and the HTTP server limits
// and REQUIRE_IDEMPOTENCY_KEY.
import { connect } from 'node:net';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, listeningPort, TestApp } from './helpers/test-app';

const PROBLEM = /^application\/problem\+json/;

/** Sends raw bytes to a listening app and collects what comes back until the server closes. */
async function rawExchange(t: TestApp, bytes: string, maxMs = 10_000): Promise<{ text: string; ms: number }> {
  const port = await listeningPort(t);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${maxMs} ms: ${text}`));
    }, maxMs);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, ms: Date.now() - started });
    });
    socket.on('error', () => undefined);
  });
}

/** Answers Node's parser refused are written to the socket by hand: they carry the security headers too. */
function expectSocketSecurityHeaders(text: string): void {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
  expect(head).toMatch(/\r\nContent-Security-Policy: default-src 'self'/i);
  expect(head).toMatch(/\r\nReferrer-Policy: no-referrer\r\n/i);
  expect(head).toMatch(/\r\nX-Frame-Options: SAMEORIGIN\r\n/i);
}

describe('strict HTTP input', () => {
  let t: TestApp;
  let account: string;
  beforeAll(async () => {
    t = await createTestApp({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
    account = await openAccount(t, '100.00');
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['1e3', '0x10', '1.0', '+5', ' 5'])('transaction id %p → 400', async (id) => {
    const res = await t.http().get(`/transactions/${encodeURIComponent(id)}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it.each(['0x10', '1e1', '16.0', ' 16', '+16', '016x'])('limit=%p → 400 naming limit', async (limit) => {
    const res = await t.http().get(`/accounts/${account}/transactions`).query({ limit });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'limit' })]));
  });

  it('limit=16 is a page of up to 16', async () => {
    const res = await t.http().get(`/accounts/${account}/transactions?limit=16`);
    expect(res.status).toBe(200);
  });

  it.each([
    ['POST', () => `/accounts/${account}/deposit?amount=5`],
    ['GET', () => `/accounts/${account}/balance?verbose=1`],
    ['GET', () => `/accounts/${account}/transactions?limit=5&sort=asc`],
    ['GET', () => '/healthz/live?x=1'],
  ])('an unknown query parameter on %s → 400 naming it, nothing applied', async (method, path) => {
    const req = method === 'POST' ? t.http().post(path()).send({ amount: '1.00' }) : t.http().get(path());
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    await expect(balanceAndLedger(t, account)).resolves.toEqual({ balance: 10000n, ledger: 10000n, rows: 1 });
  });

  it.each([
    ['PUT', () => `/accounts/${account}`, 'GET, HEAD, PATCH'],
    ['DELETE', () => `/accounts/${account}`, 'GET, HEAD, PATCH'],
    ['GET', () => `/accounts/${account}/deposit`, 'POST'],
    ['PATCH', () => '/transfers', 'POST'],
    ['OPTIONS', () => '/transfers', 'POST'],
    ['TRACE', () => `/accounts/${account}/balance`, 'GET, HEAD'],
  ])('%s on a known path → 405 with Allow', async (method, path, allow) => {
    const res = await t.http()[method.toLowerCase() as 'put'](path());
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['x-request-id']).toBeDefined();
    expect(res.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });

  it('a wrong method on an unknown path is still 404', async () => {
    const res = await t.http().put('/no-such-thing');
    expect(res.status).toBe(404);
  });

  it('headers over 16 KiB → 431 problem+json with X-Request-Id', async () => {
    const { text } = await rawExchange(t, `GET /healthz/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(text).toMatch(/\r\nContent-Type: application\/problem\+json/i);
    expect(text).toMatch(/\r\nX-Request-Id: \S+/i);
    expectSocketSecurityHeaders(text);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('a broken request line → 400 problem+json with the security headers', async () => {
    const { text } = await rawExchange(t, 'GET /healthz/live HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expectSocketSecurityHeaders(text);
  });

  it('a client that never finishes its headers is cut off after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const { text, ms } = await rawExchange(t, 'GET /healthz/live HTTP/1.1\r\nHost: x\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/\r\nX-Request-Id: \S+/i);
    expectSocketSecurityHeaders(text);
    expect(ms).toBeLessThan(5000);
  });

  it('a body that never arrives is cut off after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const head = `POST /accounts/${account}/deposit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"amount"`;
    const { ms } = await rawExchange(t, head);
    expect(ms).toBeLessThan(6000);
    await expect(balanceAndLedger(t, account)).resolves.toEqual({ balance: 10000n, ledger: 10000n, rows: 1 });
  });
});

describe('connection limits: HTTP_MAX_CONNECTIONS and HTTP_KEEP_ALIVE_TIMEOUT_MS', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ HTTP_MAX_CONNECTIONS: '2', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
    port = await listeningPort(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A keep-alive connection that sends one probe: what came back, and when the server closed it. */
  function probe(): Promise<{ answered: Promise<string>; closed: Promise<number>; end: () => void }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('GET /healthz/live HTTP/1.1\r\nHost: x\r\n\r\n');
        resolve({ answered, closed, end: () => socket.destroy() });
      });
      let text = '';
      const answered = new Promise<string>((done) => {
        socket.on('data', (chunk) => {
          text += chunk.toString('latin1');
          if (text.includes('\r\n\r\n')) done(text);
        });
        socket.on('close', () => done(text));
      });
      const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
      socket.on('error', () => undefined);
    });
  }

  it('a connection over the cap is closed unanswered; the open ones are served, and a freed slot is used again', async () => {
    const [first, second] = [await probe(), await probe()];
    await expect(first.answered).resolves.toMatch(/^HTTP\/1\.1 200 /);
    await expect(second.answered).resolves.toMatch(/^HTTP\/1\.1 200 /);
    const third = await probe();
    await expect(third.answered).resolves.toBe('');
    first.end();
    second.end();
    await Promise.all([first.closed, second.closed]);
    // The server frees a slot once its own side of the socket is gone: wait for that, not for ours.
    const server = t.app.getHttpServer();
    const open = () => new Promise<number>((done) => server.getConnections((_: unknown, n: number) => done(n)));
    for (const deadline = Date.now() + 2000; (await open()) >= 2 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    const again = await probe();
    await expect(again.answered).resolves.toMatch(/^HTTP\/1\.1 200 /);
    again.end();
  });

  it('an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const idle = await probe();
    await expect(idle.answered).resolves.toMatch(/^HTTP\/1\.1 200 /);
    const ms = await idle.closed;
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4000);
  });
});

describe('REQUIRE_IDEMPOTENCY_KEY', () => {
  let t: TestApp;
  let account: string;
  beforeAll(async () => {
    t = await createTestApp({ REQUIRE_IDEMPOTENCY_KEY: 'true' });
    account = await openAccount(t, '100.00');
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['deposit', () => `/accounts/${account}/deposit`, () => ({ amount: '1.00' })],
    ['withdraw', () => `/accounts/${account}/withdraw`, () => ({ amount: '1.00' })],
    ['transfer', () => '/transfers', () => ({ from_account: account, to_account: account, amount: '1.00' })],
    ['ATM withdrawal', () => '/machines/none/withdrawals', () => ({ account_number: account, amount: '20.00' })],
    ['ATM deposit', () => '/machines/none/deposits', () => ({ account_number: account, cash: [{ denomination: '20.00', count: 1 }] })],
    ['ATM reversal', () => '/machines/none/withdrawals/1/reversal', () => ({})],
    ['correction', () => '/transactions/1/reversal', () => ({ reason: 'keyed twice' })],
  ])('a %s without Idempotency-Key → 400 naming the header, nothing applied', async (_name, path, body) => {
    const res = await t.http().post(path()).send(body());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Idempotency-Key' }] });
    await expect(balanceAndLedger(t, account)).resolves.toEqual({ balance: 10000n, ledger: 10000n, rows: 1 });
  });

  it('with a key the deposit applies; opening an account (no money moved by a client) needs none', async () => {
    const res = await t.http().post(`/accounts/${account}/deposit`).set('Idempotency-Key', `k-${Date.now()}`).send({ amount: '1.00' });
    expect(res.status).toBe(200);
    await expect(openAccount(t, '0.00')).resolves.toBeDefined();
  });
});

describe('OpenAPI: money-moving operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('marks deposit, withdraw, transfers and ATM withdrawals/deposits, and says when their key is mandatory', async () => {
    const doc = (await t.http().get('/docs-json')).body as {
      paths: Record<string, { post?: { 'x-money-movement'?: boolean; parameters?: Array<{ name: string; description?: string }> } }>;
    };
    const moving = Object.entries(doc.paths)
      .filter(([, item]) => item.post?.['x-money-movement'] === true)
      .map(([path]) => path);
    expect(moving).toEqual(
      expect.arrayContaining([
        '/accounts/{n}/deposit',
        '/accounts/{n}/withdraw',
        '/transfers',
        '/machines/{id}/withdrawals',
        '/machines/{id}/deposits',
      ]),
    );
    expect(moving).not.toContain('/accounts');
    const key = doc.paths['/transfers'].post?.parameters?.find((p) => p.name === 'Idempotency-Key');
    expect(key?.description).toMatch(/REQUIRE_IDEMPOTENCY_KEY=true/);
    expect(key?.description).toMatch(/outcome unknown/);
  });
});
