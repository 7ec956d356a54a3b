// The role table of API.md v1.2, route by route: every role either reaches the
// route (whatever it then answers) or gets 403 FORBIDDEN; atm keys only on
// their own machine. Bodies are deliberately invalid, so an allowed request
// stops at 400 and nothing changes while the matrix runs.
import { openAccount } from './helpers/bank';
import { makeClient, MadeClient } from './helpers/clients';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

type Who = 'admin' | 'teller' | 'operator' | 'auditor' | 'atm';
/** `atm-own`: an atm key on its own machine only. */
type Allowed = Array<Who | 'atm-own'>;
interface Row {
  method: 'get' | 'post' | 'patch';
  path: string;
  allowed: Allowed;
}

const BAD_BODY = { 'not-a-field': true };

function rows(account: string, machine: string, client: string): Row[] {
  const readers: Allowed = ['admin', 'teller', 'auditor'];
  const machineReaders: Allowed = ['admin', 'operator', 'auditor'];
  return [
    { method: 'get', path: `/accounts/${account}`, allowed: readers },
    { method: 'get', path: `/accounts/${account}/balance`, allowed: [...readers, 'atm'] },
    { method: 'get', path: `/accounts/${account}/transactions`, allowed: readers },
    { method: 'get', path: '/transactions/1', allowed: readers },
    { method: 'post', path: '/accounts', allowed: ['admin', 'teller'] },
    { method: 'patch', path: `/accounts/${account}`, allowed: ['admin', 'teller'] },
    { method: 'post', path: `/accounts/${account}/deposit`, allowed: ['admin', 'teller'] },
    { method: 'post', path: `/accounts/${account}/withdraw`, allowed: ['admin', 'teller'] },
    { method: 'post', path: '/transfers', allowed: ['admin', 'teller'] },
    { method: 'post', path: '/transactions/1/reversal', allowed: ['admin'] },
    { method: 'get', path: '/machines', allowed: machineReaders },
    { method: 'get', path: `/machines/${machine}`, allowed: [...machineReaders, 'atm-own'] },
    { method: 'get', path: `/machines/${machine}/inventory`, allowed: [...machineReaders, 'atm-own'] },
    { method: 'get', path: `/machines/${machine}/total`, allowed: [...machineReaders, 'atm-own'] },
    { method: 'get', path: `/machines/${machine}/transactions`, allowed: machineReaders },
    { method: 'post', path: '/machines', allowed: ['admin', 'operator'] },
    { method: 'patch', path: `/machines/${machine}`, allowed: ['admin', 'operator'] },
    { method: 'post', path: `/machines/${machine}/refill`, allowed: ['admin', 'operator'] },
    { method: 'post', path: `/machines/${machine}/maintenance`, allowed: ['admin', 'operator'] },
    { method: 'post', path: `/machines/${machine}/withdrawals`, allowed: ['admin', 'atm-own'] },
    { method: 'post', path: `/machines/${machine}/deposits`, allowed: ['admin', 'atm-own'] },
    { method: 'post', path: `/machines/${machine}/withdrawals/1/reversal`, allowed: ['admin', 'atm-own'] },
    { method: 'post', path: '/clients', allowed: ['admin'] },
    { method: 'get', path: '/clients', allowed: ['admin', 'auditor'] },
    { method: 'get', path: `/clients/${client}`, allowed: ['admin', 'auditor'] },
    { method: 'post', path: `/clients/${client}/rotate`, allowed: ['admin'] },
    { method: 'post', path: `/clients/${client}/revoke`, allowed: ['admin'] },
    { method: 'get', path: '/audit-events', allowed: ['admin', 'auditor'] },
    { method: 'get', path: '/metrics', allowed: ['admin', 'auditor'] },
    { method: 'get', path: '/reconciliation', allowed: ['admin', 'auditor'] },
  ];
}

describe('roles (API.md v1.2 role table)', () => {
  let t: TestApp;
  let account: string;
  let own: string;
  let other: string;
  let target: MadeClient;
  const keys = {} as Record<Who, string>;
  /** The routes this build serves (a route another issue has not added yet is left out). */
  let served: Set<string>;

  beforeAll(async () => {
    t = await createTestApp();
    account = await openAccount(t, '100.00');
    own = await createMachine(t, [bill('20.00', 10)]);
    other = await createMachine(t, [bill('20.00', 10)]);
    for (const role of ['admin', 'teller', 'operator', 'auditor'] as const) keys[role] = (await makeClient(t, role)).key;
    keys.atm = (await makeClient(t, 'atm', own)).key;
    target = await makeClient(t, 'teller');
    const doc = (await t.http().get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    served = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
  });

  afterAll(async () => {
    await t.close();
  });

  const template = (row: Row) =>
    `${row.method} ${row.path
      .replace(`/accounts/${account}`, '/accounts/{n}')
      .replace(/\/machines\/[^/]+/, '/machines/{id}')
      .replace(/\/transactions\/1/, '/transactions/{id}')
      .replace(/\/withdrawals\/1\//, '/withdrawals/{transaction_id}/')
      .replace(`/clients/${target.id}`, '/clients/{id}')}`;

  const send = (row: Row, key: string, path = row.path) => {
    const req = t.http(key)[row.method](path);
    return row.method === 'get' ? req : req.send(BAD_BODY);
  };

  it.each(['admin', 'teller', 'operator', 'auditor', 'atm'] as const)('%s: each route allowed or 403 as the table says', async (role) => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const row of rows(account, own, target.id)) {
      if (!served.has(template(row))) continue;
      const res = await send(row, keys[role]);
      const allowed = row.allowed.includes(role) || (role === 'atm' && row.allowed.includes('atm-own'));
      const refused = res.status === 403 ? `403 ${res.body.status} ${res.body.code}` : res.status === 401 ? '401' : 'allowed';
      outcomes.push(`${row.method} ${row.path} ${refused}`);
      expected.push(`${row.method} ${row.path} ${allowed ? 'allowed' : '403 403 FORBIDDEN'}`);
    }
    expect(outcomes).toEqual(expected);
    expect(outcomes.length).toBeGreaterThanOrEqual(25);
  });

  it('an atm key on another machine: 403 on every machine route, even those it may use on its own', async () => {
    const machineRows = rows(account, other, target.id).filter((row) => row.allowed.includes('atm-own'));
    expect(machineRows.length).toBeGreaterThanOrEqual(5);
    for (const row of machineRows.filter((r) => served.has(template(r)))) {
      const res = await send(row, keys.atm);
      expect([row.path, res.status, res.body.code]).toEqual([row.path, 403, 'FORBIDDEN']);
    }
  });

  it('an atm key on its own machine withdraws; the same request on another machine changes nothing', async () => {
    const body = { account_number: account, amount: '20.00' };
    await expect(t.http(keys.atm).post(`/machines/${other}/withdrawals`).send(body)).resolves.toMatchObject({ status: 403 });
    await expect(t.http(keys.atm).post(`/machines/${own}/withdrawals`).send(body)).resolves.toMatchObject({ status: 201 });
    await expect(t.http().get(`/accounts/${account}/balance`)).resolves.toMatchObject({ body: { balance: '80.00' } });
    await expect(t.http().get(`/machines/${other}/total`)).resolves.toMatchObject({ body: { total: '200.00' } });
  });

  it('an atm key reads any account balance (the customer is at the ATM), nothing else of accounts', async () => {
    await expect(t.http(keys.atm).get(`/accounts/${account}/balance`)).resolves.toMatchObject({ status: 200 });
    await expect(t.http(keys.atm).get('/accounts/no-such-account/balance')).resolves.toMatchObject({ status: 404 });
    await expect(t.http(keys.atm).get(`/accounts/${account}`)).resolves.toMatchObject({ status: 403 });
  });
});
