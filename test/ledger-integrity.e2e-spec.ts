import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

// The schema itself refuses what the code must never write: a bug in a
// use case fails its request instead of corrupting the ledger.
describe('ledger integrity in the schema', () => {
  let t: TestApp;
  let account: string;
  let depositId: number;

  beforeAll(async () => {
    t = await createTestApp();
    account = uniqueAccountNumber('li');
    await t.http().post('/accounts').send({ account_number: account }).expect(201);
    const res = await t.http().post(`/accounts/${account}/deposit`).set('X-Request-Id', 'ledger-integrity-1').send({ amount: '5.00' });
    if (res.status !== 200) throw new Error(`deposit failed: ${res.status}`);
    depositId = res.body.transaction_id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const insert = (columns: string) =>
    t.sql(`INSERT INTO ledger_entries (type, account_number, machine_id, amount, reverses, created_at) VALUES (${columns})`);

  it('a transaction shows who wrote it, the request, and reversal links', async () => {
    const res = await t.http().get(`/transactions/${depositId}`).expect(200);
    expect(res.body).toMatchObject({ actor: 'bootstrap', request_id: 'ledger-integrity-1', reverses: null, reversed_by: null });
    const page = await t.http().get(`/accounts/${account}/transactions`).expect(200);
    expect(page.body.items[0]).toMatchObject({ id: depositId, actor: 'bootstrap', request_id: 'ledger-integrity-1', reversed_by: null });
  });

  it('refuses an unknown type, an unknown account or machine, and a negative cassette count', async () => {
    await expect(insert(`'gift', '${account}', NULL, 1, NULL, 'x'`)).rejects.toThrow();
    await expect(insert(`'deposit', 'no-such-account-li', NULL, 1, NULL, 'x'`)).rejects.toThrow();
    await expect(insert(`'refill', NULL, 'no-such-machine-li', NULL, NULL, 'x'`)).rejects.toThrow();
    await expect(insert(`'reversal', '${account}', NULL, -1, 999999999999, 'x'`)).rejects.toThrow();
    const machine = await createMachine(t, [bill('20.00', 1)]);
    await expect(t.sql(`UPDATE cassettes SET count = -1 WHERE machine_id = '${machine}'`)).rejects.toThrow();
    // Over capacity is allowed: an ATM reversal returns pieces even to a full cassette.
    await t.sql(`UPDATE cassettes SET count = 2001 WHERE machine_id = '${machine}'`);
  });

  it('lets a row be reversed at most once, and shows the link both ways', async () => {
    await insert(`'reversal', '${account}', NULL, -500, ${depositId}, 'x'`);
    await expect(insert(`'reversal', '${account}', NULL, -500, ${depositId}, 'x'`)).rejects.toThrow();
    const [row] = await t.sql<{ id: unknown }>(`SELECT id FROM ledger_entries WHERE reverses = ${depositId}`);
    const reversal = await t
      .http()
      .get(`/transactions/${Number(row.id)}`)
      .expect(200);
    expect(reversal.body).toMatchObject({ type: 'reversal', reverses: depositId, reversed_by: null, actor: 'system', request_id: null });
    await expect(t.http().get(`/transactions/${depositId}`)).resolves.toMatchObject({ body: { reversed_by: Number(row.id) } });
  });

  it('takes ids up to 2^53 − 1 (404 when unknown), 400 past them', async () => {
    await expect(t.http().get('/transactions/9007199254740991')).resolves.toMatchObject({ status: 404 });
    await expect(t.http().get('/transactions/9007199254740992')).resolves.toMatchObject({ status: 400 });
  });
});
