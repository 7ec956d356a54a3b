// Every route of the contract, with an arbitrary that builds hostile requests
// for it: path parameters, query, headers and body all fuzzed, plus unknown
// routes, wrong methods, wrong content types, malformed and oversized bodies.
import fc from 'fast-check';
import {
  accountNumber,
  anyJson,
  cashLines,
  cassettes,
  choice,
  extraFields,
  FuzzFixture,
  machineId,
  money,
  oddString,
  text,
  validId,
} from './fuzz-values';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Raw body bytes; undefined sends none. */
  body?: Buffer;
}

type Fields = Record<string, fc.Arbitrary<unknown>>;
interface Route {
  method: string;
  template: string;
  fields?: Fields;
  query?: boolean;
}

function routes(f: FuzzFixture): Route[] {
  const account = accountNumber(f);
  return [
    {
      method: 'POST',
      template: '/accounts',
      fields: {
        account_number: account,
        holder_name: text,
        initial_deposit: money,
        overdraft_limit: money,
        daily_withdrawal_limit: fc.oneof(money, fc.constant(null)),
      },
    },
    { method: 'GET', template: '/accounts/{a}' },
    {
      method: 'PATCH',
      template: '/accounts/{a}',
      fields: {
        holder_name: text,
        status: choice('active', 'frozen', 'closed'),
        overdraft_limit: money,
        daily_withdrawal_limit: fc.oneof(money, fc.constant(null)),
      },
    },
    { method: 'GET', template: '/accounts/{a}/balance' },
    { method: 'POST', template: '/accounts/{a}/deposit', fields: { amount: money, reference: text } },
    { method: 'POST', template: '/accounts/{a}/withdraw', fields: { amount: money, reference: text } },
    { method: 'GET', template: '/accounts/{a}/transactions', query: true },
    { method: 'POST', template: '/transfers', fields: { from_account: account, to_account: account, amount: money, reference: text } },
    { method: 'GET', template: '/transactions/{t}' },
    { method: 'POST', template: '/machines', fields: { machine_id: machineId(f), name: text, location: text, cassettes } },
    { method: 'GET', template: '/machines', query: true },
    { method: 'GET', template: '/machines/{m}' },
    { method: 'PATCH', template: '/machines/{m}', fields: { name: text, location: text, status: choice('in_service', 'out_of_service') } },
    { method: 'GET', template: '/machines/{m}/inventory' },
    { method: 'GET', template: '/machines/{m}/total' },
    { method: 'POST', template: '/machines/{m}/refill', fields: { cassettes: cashLines } },
    { method: 'POST', template: '/machines/{m}/maintenance', fields: {} },
    { method: 'GET', template: '/machines/{m}/transactions', query: true },
    { method: 'POST', template: '/machines/{m}/withdrawals', fields: { account_number: account, amount: money } },
    { method: 'POST', template: '/machines/{m}/deposits', fields: { account_number: account, cash: cashLines } },
    { method: 'POST', template: '/machines/{m}/withdrawals/{t}/reversal', fields: { dispensed: cashLines, reason: text } },
    { method: 'POST', template: '/transactions/{t}/reversal', fields: { reason: text } },
    {
      method: 'POST',
      template: '/clients',
      fields: { name: text, role: choice('admin', 'teller', 'operator', 'auditor', 'atm', 'root'), machine_id: machineId(f) },
    },
    { method: 'GET', template: '/clients', query: true },
    { method: 'GET', template: '/clients/{c}' },
    { method: 'POST', template: '/clients/{c}/rotate', fields: {} },
    { method: 'POST', template: '/clients/{c}/revoke', fields: {} },
    { method: 'GET', template: '/audit-events', query: true },
    { method: 'GET', template: '/metrics' },
    { method: 'GET', template: '/reconciliation' },
    { method: 'GET', template: '/healthz' },
    { method: 'GET', template: '/healthz/live' },
    { method: 'GET', template: '/docs-json' },
    { method: 'GET', template: '/{x}' },
    { method: 'POST', template: '/{x}/{x}', fields: { amount: money } },
  ];
}

// Path segments: usually encoded as a client library would, sometimes raw
// (bad percent-encoding, latin1 bytes) as a hand-rolled client might send them.
const rawSegment = fc.oneof(
  fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '%2F', '..', '.', '%C0%AF', 'é', '\u00ff'),
  fc.stringMatching(/^[!-~]{1,12}$/),
);
function segment(values: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: values.map((v) => encodeURIComponent(typeof v === 'string' ? v : String(JSON.stringify(v)))) },
    { weight: 1, arbitrary: rawSegment },
  );
}

// djE6MjE0NzQ4MzY0OA: the cursor "v1:2147483648", past Postgres's integer id column.
const queryValue = fc.oneof(
  fc.constantFrom('1', '50', '200', '0', '201', '-1', 'abc', '1.5', '1e2', '', 'djE6MTA', 'djE6YWJj', 'djE6MjE0NzQ4MzY0OA', '%'),
  oddString.map(encodeURIComponent),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('limit', 'cursor', 'limit', 'cursor', 'offset', '__proto__', 'constructor[x]', 'limit[]'), queryValue), {
    maxLength: 3,
  })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'application/merge-patch+json'];
const OTHER_TYPES = [
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'a/b/c',
  'json',
  ';;',
  '',
];
/** `value` in about one request of `1 + absentWeight`, no header otherwise. */
const sometimes = <T>(value: fc.Arbitrary<T>, absentWeight: number) =>
  fc.oneof({ weight: 1, arbitrary: value }, { weight: absentWeight, arbitrary: fc.constant(undefined) });
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);
const headers = fc
  .record({
    'content-type': fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...JSON_TYPES) },
      { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
    ),
    // A small pool of keys is reused across routes and bodies: replays and 422 IDEMPOTENCY_KEY_REUSED.
    'idempotency-key': sometimes(
      fc.oneof(
        validId,
        fc.constantFrom('k1', 'k2', 'k3', '"k1"'),
        headerText,
        fc.constantFrom('"quoted"', '"bad\\', 'é', '  ', '"', ':x:'),
      ),
      1,
    ),
    'x-request-id': sometimes(headerText, 3),
    'content-encoding': sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), 15),
    accept: sometimes(fc.constantFrom('application/xml', '*/*', 'text/html', ''), 4),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>);

const MALFORMED = [
  '{',
  '{"amount":',
  '[1,2',
  '{"amount": 10,}',
  "{'amount': 10}",
  'null',
  '"x"',
  '42',
  'true',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"amount": NaN}',
  '{"amount": 1e999}',
];
function body(fields: Fields | undefined): fc.Arbitrary<Buffer | undefined> {
  // Every field present, or any subset; unknown fields now and then.
  const own = fc.oneof(fc.record(fields ?? {}), fc.record(fields ?? {}, { requiredKeys: [] }));
  const shaped = fc.tuple(own, sometimes(extraFields, 5)).map(([mine, extra]) => JSON.stringify({ ...mine, ...extra }));
  return fc.oneof(
    { weight: 12, arbitrary: shaped.map((text) => Buffer.from(text)) },
    { weight: 2, arbitrary: anyJson.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED).map((text) => Buffer.from(text)) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 16 * 1024 - 16, max: 40 * 1024 })
        .map((n) => Buffer.from(JSON.stringify({ amount: '1.00', reference: 'x'.repeat(n) }))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: deepBody },
    { weight: 1, arbitrary: shaped.map(duplicateFirstKey).map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: invalidUtf8 },
  );
}

// Nesting around and past the 32-level limit: 1,313 arrays once overflowed the
// validation pipe's stack (a 500).
const deepBody = fc
  .tuple(fc.integer({ min: 28, max: 3000 }), fc.boolean())
  .map(([depth, arrays]) =>
    Buffer.from(
      arrays
        ? `{"amount":"1.00","reference":${'['.repeat(depth)}${']'.repeat(depth)}}`
        : `${'{"amount":"1.00","x":'.repeat(depth)}1${'}'.repeat(depth)}`,
    ),
  );
/** `{"a":1,"b":2}` → `{"a":1,"a":1,"b":2}`: the same key twice (last one used to win). */
const duplicateFirstKey = (text: string): string => text.replace(/^\{("(?:[^"\\]|\\.)*":(?:"(?:[^"\\]|\\.)*"|[^,{}[\]]+))/, '{$1,$1');
// A valid body with a byte sequence that is not UTF-8 inside a string.
const invalidUtf8 = fc
  .constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82])
  .map((bytes) => Buffer.concat([Buffer.from('{"amount":"1.00","reference":"a'), Buffer.from(bytes), Buffer.from('"}')]));

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

export function fuzzRequest(f: FuzzFixture): fc.Arbitrary<FuzzRequest> {
  const ids = {
    a: segment(accountNumber(f)),
    m: segment(machineId(f)),
    t: segment(
      fc.oneof(fc.constantFrom(...f.transactionIds), fc.integer(), fc.constantFrom(2 ** 31, 2 ** 53, 999_999_999_999_999), oddString),
    ),
    // Clients: the built-in admin (not revocable), ids of the server's shape that do not exist, anything.
    c: segment(fc.oneof(fc.constantFrom('bootstrap', 'cl_0000000000000000', 'demo-admin'), oddString)),
    x: segment(oddString),
  };
  return fc.oneof(
    ...routes(f).map((route) => {
      const names = [...route.template.matchAll(/\{(\w)\}/g)].map((m) => m[1] as keyof typeof ids);
      return fc
        .record({
          method: fc.oneof(
            { weight: 9, arbitrary: fc.constant(route.method) },
            { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
          ),
          params: fc.tuple(...names.map((name) => ids[name])),
          query: route.query ? query : fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: query }),
          headers,
          body: route.method === 'GET' ? sometimes(body(undefined), 9) : body(route.fields),
        })
        .map(({ method, params, query: q, headers: h, body: b }) => {
          let i = 0;
          return { method, path: route.template.replace(/\{\w\}/g, () => params[i++]) + q, headers: h, body: b };
        });
    }),
  );
}
