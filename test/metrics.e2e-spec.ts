import { MONEY_ROUTES } from '../src/metrics/money-routes';
import { openAccount } from './helpers/bank';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

type Labels = Record<string, string>;
type Samples = Map<string, number>;

const key = (name: string, labels: Labels = {}) =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`)
    .join(',')}}`;

/** Every sample of a scrape, by name and sorted labels. */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Labels = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name] = value;
    samples.set(key(match[1], labels), Number(match[3]));
  }
  return samples;
}

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async () => {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return { text: res.text, samples: parse(res.text) };
  };
  const delta = (before: Samples, after: Samples, name: string, labels: Labels = {}) =>
    (after.get(key(name, labels)) ?? 0) - (before.get(key(name, labels)) ?? 0);

  it('counts requests, money movements and replays by exactly what was done, with route templates as labels', async () => {
    const machine = await createMachine(t, [bill('20.00', 10)]);
    const before = (await scrape()).samples;
    const a = await openAccount(t, '100.00');
    const b = await openAccount(t);
    const ok = (res: { status: number }) => expect(res.status).toBeLessThan(300);
    ok(await t.http().post(`/accounts/${a}/deposit`).send({ amount: '10.00' }));
    ok(await t.http().post(`/accounts/${a}/withdraw`).send({ amount: '2.50' }));
    ok(await t.http().post('/transfers').send({ from_account: a, to_account: b, amount: 1 }));
    expect((await t.http().post(`/accounts/${b}/withdraw`).send({ amount: '1000.00' })).status).toBe(422);
    for (let i = 0; i < 2; i++) ok(await t.http().post(`/accounts/${a}/deposit`).set('Idempotency-Key', `m-${a}`).send({ amount: '5.00' }));
    ok(await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: a, amount: '40.00' }));
    ok(
      await t
        .http()
        .post(`/machines/${machine}/deposits`)
        .send({ account_number: a, cash: [{ denomination: '20.00', count: 1 }] }),
    );
    for (let i = 0; i < 2; i++) ok(await t.http().get(`/accounts/${a}`));
    expect((await t.http().get(`/no-such-route/${a}`)).status).toBe(404);
    const { text, samples: after } = await scrape();

    const moved = (type: string) => [
      delta(before, after, 'atm_money_movements_total', { type }),
      delta(before, after, 'atm_money_moved_minor_units_total', { type }),
    ];
    // Opening with 100.00, the deposit, the keyed deposit once (its replay moved nothing); opening with 0.00 moved nothing.
    expect(moved('deposit')).toEqual([3, 10000 + 1000 + 500]);
    expect(moved('withdrawal')).toEqual([1, 250]);
    expect(moved('transfer')).toEqual([1, 100]);
    expect(moved('atm_withdrawal')).toEqual([1, 4000]);
    expect(moved('atm_deposit')).toEqual([1, 2000]);
    expect(delta(before, after, 'atm_idempotent_replays_total', { route: '/accounts/:n/deposit' })).toBe(1);

    const requests = (method: string, route: string, status: string) =>
      delta(before, after, 'atm_http_requests_total', { method, route, status });
    expect(requests('POST', '/accounts', '201')).toBe(2);
    expect(requests('POST', '/accounts/:n/deposit', '200')).toBe(3);
    expect(requests('POST', '/accounts/:n/withdraw', '200')).toBe(1);
    expect(requests('POST', '/accounts/:n/withdraw', '422')).toBe(1);
    expect(requests('GET', '/accounts/:n', '200')).toBe(2);
    expect(requests('GET', 'unmatched', '404')).toBe(1);
    const durations = { method: 'GET', route: '/accounts/:n', status: '200' };
    expect(delta(before, after, 'atm_http_request_duration_seconds_count', durations)).toBe(2);
    expect(delta(before, after, 'atm_http_request_duration_seconds_bucket', { ...durations, le: '+Inf' })).toBe(2);

    // No account number, machine id or transaction id in any request label: templates only.
    const requestLines = text.split('\n').filter((line) => /^atm_(http|idempotent|money)/.test(line));
    for (const id of [a, b, machine]) expect(requestLines.filter((line) => line.includes(id))).toEqual([]);
    const routes = new Set(requestLines.flatMap((line) => [...(/route="([^"]*)"/.exec(line) ?? [])].slice(1)));
    for (const route of routes) expect(route).toMatch(/^(unmatched|(\/([a-z-]+|:[a-z_]+))+)$/);
  });

  it('every money route it counts is a route of the app', async () => {
    const paths = Object.entries((await t.http().get('/docs-json')).body.paths as Record<string, Record<string, unknown>>);
    const routes = paths.flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const route of MONEY_ROUTES.keys()) expect(routes).toContain(route);
  });

  it('reads cassette counts and cash status from the database when scraped', async () => {
    const machine = await createMachine(t, [{ ...bill('20.00', 3), low_threshold: 2 }, bill('50.00', 0)]);
    const cassette = (samples: Samples, denomination: string) =>
      samples.get(key('atm_cassette_count', { machine_id: machine, denomination }));
    const status = (samples: Samples) =>
      ['ok', 'low', 'empty'].filter((s) => samples.get(key('atm_machine_cash_status', { machine_id: machine, cash_status: s })) === 1);
    const first = (await scrape()).samples;
    expect([cassette(first, '20.00'), cassette(first, '50.00'), status(first)]).toEqual([3, 0, ['ok']]);
    const account = await openAccount(t, '100.00');
    expect((await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '20.00' })).status).toBe(201);
    const second = (await scrape()).samples;
    expect([cassette(second, '20.00'), status(second)]).toEqual([2, ['low']]);
    // The per-status totals count every machine of this scrape once.
    const machines = new Set(
      [...second.keys()].filter((k) => k.startsWith('atm_machine_cash_status{')).map((k) => /machine_id="([^"]*)"/.exec(k)?.[1]),
    );
    const totals = ['ok', 'low', 'empty'].map((s) => second.get(key('atm_machines', { cash_status: s })) ?? NaN);
    expect(totals.reduce((x, y) => x + y, 0)).toBe(machines.size);
    expect(totals[1]).toBeGreaterThanOrEqual(1);
  });

  it('has process metrics and the database pool gauges', async () => {
    const { samples } = await scrape();
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
      'atm_db_pool_connections_in_use',
      'atm_db_pool_waiting',
    ]) {
      expect(samples.get(key(name))).toBeGreaterThanOrEqual(0);
    }
  });
});
