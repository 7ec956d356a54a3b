// The HTTP scenarios: what each one requests. Paths and bodies are picked at
// random per request by the load driver.
import { ACCOUNTS, ATM_AMOUNTS, HISTORY_ACCOUNTS, HOT_ACCOUNT, MACHINES } from './fixtures';
import { LoadSpec } from './load-spec';

export type ScenarioName =
  | 'live'
  | 'balance'
  | 'withdraw'
  | 'withdraw-hot'
  | 'withdraw-idempotent'
  | 'deposit'
  | 'transfer'
  | 'atm-withdrawal'
  | 'atm-withdrawal-idempotent'
  | 'history-small'
  | 'history-large';

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** Scenarios that need code which may not have landed yet. */
  needs?: 'machines';
  /** Not one of the scenarios: run only when named in --only. */
  diagnostic?: true;
  load: Pick<LoadSpec, 'method' | 'paths' | 'bodies' | 'idempotencyKeys'>;
}

const oneCentBody = [JSON.stringify({ amount: '0.01' })];
// 1,000 transfers of 0.01 between two different accounts of the 1,000, both directions.
const transferBodies = ACCOUNTS.map((from, i) =>
  JSON.stringify({ from_account: from, to_account: ACCOUNTS[(i * 7 + 13) % ACCOUNTS.length], amount: '0.01' }),
);

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  // Diagnostic only (--only=live): the HTTP stack's floor, no database.
  live: {
    name: 'live',
    title: 'GET /healthz/live (no database: the HTTP stack alone)',
    diagnostic: true,
    load: { method: 'GET', paths: ['/healthz/live'] },
  },
  balance: {
    name: 'balance',
    title: 'GET /accounts/{n}/balance, random of 1,000',
    load: { method: 'GET', paths: ACCOUNTS.map((n) => `/accounts/${n}/balance`) },
  },
  withdraw: {
    name: 'withdraw',
    title: 'POST /accounts/{n}/withdraw 0.01, random of 1,000',
    load: { method: 'POST', paths: ACCOUNTS.map((n) => `/accounts/${n}/withdraw`), bodies: oneCentBody },
  },
  'withdraw-hot': {
    name: 'withdraw-hot',
    title: 'POST /accounts/{n}/withdraw 0.01, one hot account',
    load: { method: 'POST', paths: [`/accounts/${HOT_ACCOUNT}/withdraw`], bodies: oneCentBody },
  },
  'withdraw-idempotent': {
    name: 'withdraw-idempotent',
    title: 'withdraw, random of 1,000, unique Idempotency-Key each',
    load: { method: 'POST', paths: ACCOUNTS.map((n) => `/accounts/${n}/withdraw`), bodies: oneCentBody, idempotencyKeys: true },
  },
  // Diagnostic (--only=deposit): the teller deposit, the other everyday movement.
  deposit: {
    name: 'deposit',
    title: 'POST /accounts/{n}/deposit 0.01, random of 1,000',
    diagnostic: true,
    load: { method: 'POST', paths: ACCOUNTS.map((n) => `/accounts/${n}/deposit`), bodies: oneCentBody },
  },
  // Diagnostic (--only=transfer): two accounts locked in one transaction.
  transfer: {
    name: 'transfer',
    title: 'POST /transfers 0.01 between two of 1,000 accounts',
    diagnostic: true,
    load: { method: 'POST', paths: ['/transfers'], bodies: transferBodies },
  },
  'atm-withdrawal': {
    name: 'atm-withdrawal',
    title: 'POST /machines/{id}/withdrawals, 10 machines × 1,000 accounts',
    needs: 'machines',
    load: {
      method: 'POST',
      paths: MACHINES.map((id) => `/machines/${id}/withdrawals`),
      bodies: ACCOUNTS.flatMap((n) => ATM_AMOUNTS.map((amount) => JSON.stringify({ account_number: n, amount }))),
    },
  },
  'atm-withdrawal-idempotent': {
    name: 'atm-withdrawal-idempotent',
    title: 'ATM withdrawal, 10 machines × 1,000 accounts, unique Idempotency-Key each',
    needs: 'machines',
    load: {
      method: 'POST',
      paths: MACHINES.map((id) => `/machines/${id}/withdrawals`),
      bodies: ACCOUNTS.flatMap((n) => ATM_AMOUNTS.map((amount) => JSON.stringify({ account_number: n, amount }))),
      idempotencyKeys: true,
    },
  },
  'history-small': {
    name: 'history-small',
    title: 'GET /accounts/{n}/transactions (first page of 50), 10k ledger rows',
    load: { method: 'GET', paths: HISTORY_ACCOUNTS.map((n) => `/accounts/${n}/transactions`) },
  },
  'history-large': {
    name: 'history-large',
    title: 'GET /accounts/{n}/transactions (first page of 50), 1M ledger rows',
    load: { method: 'GET', paths: HISTORY_ACCOUNTS.map((n) => `/accounts/${n}/transactions`) },
  },
};
