// The rows the fuzzer aims at: accounts in every state, a machine in service
// and one out of service, a real transaction id. Created through the API.
import { FuzzFixture } from './fuzz-values';
import { send } from './http';

async function post(baseUrl: string, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const reply = await send(baseUrl, { method, path, body });
  if (reply.status >= 300) throw new Error(`fixture ${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Record<string, unknown>;
}

export async function createFuzzFixture(baseUrl: string): Promise<FuzzFixture> {
  const id = `fz${Date.now().toString(36)}`;
  const [active, empty, frozen, closed] = [`${id}a`, `${id}b`, `${id}f`, `${id}c`];
  await post(baseUrl, 'POST', '/accounts', { account_number: active, initial_deposit: '5000.00', daily_withdrawal_limit: '3000.00' });
  await post(baseUrl, 'POST', '/accounts', { account_number: empty, overdraft_limit: '50.00' });
  await post(baseUrl, 'POST', '/accounts', { account_number: frozen, initial_deposit: '10.00' });
  await post(baseUrl, 'PATCH', `/accounts/${frozen}`, { status: 'frozen' });
  await post(baseUrl, 'POST', '/accounts', { account_number: closed });
  await post(baseUrl, 'PATCH', `/accounts/${closed}`, { status: 'closed' });
  const deposit = await post(baseUrl, 'POST', `/accounts/${active}/deposit`, { amount: '1.00' });
  const cassettes = [
    { denomination: '100.00', kind: 'bill', count: 20, capacity: 2000 },
    { denomination: '20.00', kind: 'bill', count: 100, capacity: 2000 },
    { denomination: '5.00', kind: 'bill', count: 100, capacity: 2000 },
    { denomination: '1.00', kind: 'coin', count: 200, capacity: 2000 },
    { denomination: '0.25', kind: 'coin', count: 400, capacity: 2000 },
  ];
  const [inService, outOfService] = [`${id}m1`, `${id}m2`];
  await post(baseUrl, 'POST', '/machines', { machine_id: inService, cassettes });
  await post(baseUrl, 'POST', '/machines', { machine_id: outOfService, cassettes });
  await post(baseUrl, 'PATCH', `/machines/${outOfService}`, { status: 'out_of_service' });
  return {
    accounts: [active, empty, frozen, closed],
    machines: [inService, outOfService],
    transactionIds: [Number(deposit.transaction_id)],
  };
}
