import { openAccount } from './helpers/bank';
import { makeClient } from './helpers/clients';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp } from './helpers/test-app';

// Who may reverse what (API.md v1.2): ATM reversals the admin and the atm
// client bound to that machine; corrections the admin only.
describe('reversals: roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function withdrawal(): Promise<{ machine: string; account: string; id: number }> {
    const machine = await createMachine(t, [bill('20.00', 10)]);
    const account = await openAccount(t, '100.00');
    const res = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '40.00' });
    return { machine, account, id: res.body.transaction_id as number };
  }

  it("the atm client of the machine reverses its withdrawal; another machine's atm client and other roles get 403", async () => {
    const { machine, id } = await withdrawal();
    const other = await createMachine(t, [bill('20.00', 10)]);
    const own = await makeClient(t, 'atm', machine);
    const foreign = await makeClient(t, 'atm', other);
    const path = `/machines/${machine}/withdrawals/${id}/reversal`;
    for (const role of ['teller', 'operator', 'auditor'] as const) {
      const { key } = await makeClient(t, role);
      await expect(t.http(key).post(path).send({})).resolves.toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
    await expect(t.http(foreign.key).post(path).send({})).resolves.toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    await expect(t.http(null).post(path).send({})).resolves.toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    const res = await t.http(own.key).post(path).send({ reason: 'jam' });
    expect(res.status).toBe(201);
    await expect(t.http().get(`/transactions/${res.body.transaction_id}`)).resolves.toMatchObject({ body: { actor: own.id } });
  });

  it('corrections are for the admin only', async () => {
    const account = await openAccount(t, '100.00');
    const deposit = await t.http().post(`/accounts/${account}/deposit`).send({ amount: '10.00' });
    const path = `/transactions/${deposit.body.transaction_id}/reversal`;
    const { machine } = await withdrawal();
    for (const [role, bound] of [['teller'], ['operator'], ['auditor'], ['atm', machine]] as const) {
      const { key } = await makeClient(t, role, bound);
      await expect(t.http(key).post(path).send({ reason: 'x' })).resolves.toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
    await expect(t.http().post(path).send({ reason: 'keyed twice' })).resolves.toMatchObject({ status: 200 });
  });
});
