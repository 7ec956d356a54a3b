// Regressions found by the reliability fuzzer (test/reliability): requests
// broken below the JSON level used to get a 500 or Node's bare 400.
import { connect } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, listeningPort, TEST_ADMIN_KEY, TestApp } from './helpers/test-app';

const PROBLEM = /^application\/problem\+json/;

/** Sends raw bytes and returns the raw answer (the HTTP parser refuses before Express sees anything). */
function rawRequest(port: number, bytes: Buffer, then?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      // `then` goes out once the first answer is in: the keep-alive case.
      if (chunks.length === 0 && then) socket.write(then);
      chunks.push(chunk);
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('requests broken below the JSON level → 4xx problem+json, never a 500', () => {
  let t: TestApp;
  let account: string;
  beforeAll(async () => {
    t = await createTestApp();
    account = await openAccount(t, '100.00');
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    await expect(balanceAndLedger(t, account)).resolves.toMatchObject({ balance: 10000n, ledger: 10000n });
  });

  it.each(['gzip', 'deflate', 'br'])('a body whose %s encoding is corrupt → 400 MALFORMED_JSON', async (encoding) => {
    const res = await t
      .http()
      .post(`/accounts/${account}/deposit`)
      .set('content-type', 'application/json')
      .set('content-encoding', encoding)
      .send('{"amount":"1.00"}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)('a well-formed %s body is still read', async (encoding, compress) => {
    const body = compress(Buffer.from('{"amount":"1000.00"}'));
    const head =
      `POST /accounts/${account}/withdraw HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\nContent-Type: application/json\r\n` +
      `Content-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const answer = await rawRequest(await listeningPort(t), Buffer.concat([Buffer.from(head), body]));
    expect(answer).toMatch(/^HTTP\/1\.1 422 /);
    expect(answer).toContain('"code":"INSUFFICIENT_FUNDS"');
  });

  it.each(['%E0%A4%A', '%zz', '%'])('bad percent-encoding %p in a path parameter → 400 VALIDATION_FAILED', async (segment) => {
    const res = await t.http().get(`/accounts/${segment}/balance`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('a raw non-ASCII byte in the request target → 400 problem+json with a request id', async () => {
    const answer = await rawRequest(await listeningPort(t), Buffer.from(`GET /accounts/\xe9 HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1'));
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(head).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    expect(head).toMatch(/cache-control: no-store/i);
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('… also on a keep-alive connection that already served a request, and without a body for HEAD', async () => {
    const port = await listeningPort(t);
    const first = `GET /healthz/live HTTP/1.1\r\nHost: x\r\n\r\n`;
    const answer = await rawRequest(port, Buffer.from(first), Buffer.from(`GET /accounts/\xff HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1'));
    expect(answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*HTTP\/1\.1 400 [\s\S]*"code":"VALIDATION_FAILED"/);
    const head = await rawRequest(port, Buffer.from(`HEAD /\xe9 HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1'));
    expect(head).toMatch(/^HTTP\/1\.1 400 [^]*\r\n\r\n$/);
  });
});
