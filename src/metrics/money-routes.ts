// Which answered requests moved money, and where their response says how much.
// Keyed by method and route template (Express's req.route.path); the metrics
// e2e spec fails if a key here is not a route of the app. A new money route
// (reversals) adds its line here.

export interface MoneyRoute {
  /** The `type` label: the operation (a transfer counts once, not as its two ledger legs). */
  type: string;
  /** The response field holding the amount moved (a money string). */
  field: 'amount' | 'balance';
}

export const MONEY_ROUTES: ReadonlyMap<string, MoneyRoute> = new Map([
  // Opening an account with an initial deposit writes a deposit; its balance is that deposit.
  ['POST /accounts', { type: 'deposit', field: 'balance' }],
  ['POST /accounts/:n/deposit', { type: 'deposit', field: 'amount' }],
  ['POST /accounts/:n/withdraw', { type: 'withdrawal', field: 'amount' }],
  ['POST /transfers', { type: 'transfer', field: 'amount' }],
  ['POST /machines/:id/withdrawals', { type: 'atm_withdrawal', field: 'amount' }],
  ['POST /machines/:id/deposits', { type: 'atm_deposit', field: 'amount' }],
]);
