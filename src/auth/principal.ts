import type { Role } from './api-client.entity';

/** Who a request acts as, once its key is verified. */
export interface Principal {
  /** The client id: the `actor` of everything the request writes. */
  readonly id: string;
  readonly role: Role;
  /** An atm client's machine; null for every other role. */
  readonly machineId: string | null;
}

/** The built-in admin that ADMIN_API_KEY acts as (API.md v1.2). */
export const BOOTSTRAP: Principal = { id: 'bootstrap', role: 'admin', machineId: null };
