import type { Role } from '../../src/auth/api-client.entity';
import { TestApp } from './test-app';

export interface MadeClient {
  id: string;
  key: string;
}

let counter = 0;

/** Makes a client through POST /clients (with the test admin's key) and returns its id and key. */
export async function makeClient(t: TestApp, role: Role, machineId?: string): Promise<MadeClient> {
  counter += 1;
  const res = await t
    .http()
    .post('/clients')
    .send({ name: `${role} ${process.pid}-${counter}`, role, ...(machineId ? { machine_id: machineId } : {}) });
  if (res.status !== 201) throw new Error(`make client failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, key: res.body.api_key as string };
}
