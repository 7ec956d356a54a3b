// The keys the test servers accept. Every test app and every server process a
// spec starts runs with ADMIN_API_KEY = TEST_ADMIN_KEY (its built-in admin
// `bootstrap`), and the helpers send it unless a test names another key.

/** ADMIN_API_KEY of every test server (at least 32 characters, as the server demands). */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

/** The `Authorization` header of a request made with this key. */
export const bearer = (key: string = TEST_ADMIN_KEY): { authorization: string } => ({ authorization: `Bearer ${key}` });

/** The public keys of the demo clients (API.md v1.2, "Demo data"), seeded with the demo data. */
export const DEMO_KEYS = {
  admin: 'demo-admin-key',
  teller: 'demo-teller-key',
  operator: 'demo-operator-key',
  auditor: 'demo-auditor-key',
  atm: 'demo-atm-001-key',
} as const;
