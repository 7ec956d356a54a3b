import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

/**
 * operationIds are the method names generated clients expose, so they read
 * as verbs on the resource rather than Nest's `AccountsController_withdraw`.
 * A route missing here falls back to a camel-cased form of Nest's id.
 */
const OPERATION_IDS: Record<string, string> = {
  'post /accounts': 'openAccount',
  'get /accounts/{n}': 'getAccount',
  'patch /accounts/{n}': 'updateAccount',
  'get /accounts/{n}/balance': 'getAccountBalance',
  'post /accounts/{n}/deposit': 'depositToAccount',
  'post /accounts/{n}/withdraw': 'withdrawFromAccount',
  'get /accounts/{n}/transactions': 'listAccountTransactions',
  'post /transfers': 'transferBetweenAccounts',
  'get /transactions/{id}': 'getTransaction',
  'post /transactions/{id}/reversal': 'reverseTransaction',
  'post /machines': 'createMachine',
  'get /machines': 'listMachines',
  'get /machines/{id}': 'getMachine',
  'patch /machines/{id}': 'updateMachine',
  'get /machines/{id}/inventory': 'getMachineInventory',
  'get /machines/{id}/total': 'getMachineTotal',
  'get /machines/{id}/transactions': 'listMachineTransactions',
  'post /machines/{id}/refill': 'refillMachine',
  'post /machines/{id}/maintenance': 'resetMachineCassettes',
  'post /machines/{id}/withdrawals': 'withdrawAtMachine',
  'post /machines/{id}/deposits': 'depositAtMachine',
  'post /machines/{id}/withdrawals/{transaction_id}/reversal': 'reverseAtmWithdrawal',
  'post /clients': 'createClient',
  'get /clients': 'listClients',
  'get /clients/{id}': 'getClient',
  'post /clients/{id}/rotate': 'rotateClientKey',
  'post /clients/{id}/revoke': 'revokeClient',
  'get /audit-events': 'listAuditEvents',
  'get /metrics': 'getMetrics',
  'get /reconciliation': 'reconcile',
  'get /healthz': 'checkReadiness',
  'get /healthz/live': 'checkLiveness',
};

/** Tag descriptions: the groups Swagger UI shows. */
export const TAGS: Array<{ name: string; description: string }> = [
  { name: 'accounts', description: 'Open, read, freeze or close accounts; teller deposits and withdrawals; account history' },
  { name: 'transfers', description: 'Move money between two accounts: both legs commit together or not at all' },
  { name: 'transactions', description: 'The append-only ledger: one row per money movement or cash-inventory change' },
  { name: 'machines', description: 'ATMs and their cassettes: inventory, refills, maintenance, cash withdrawals and deposits' },
  { name: 'clients', description: 'API clients, their roles and keys (admin)' },
  { name: 'audit', description: 'Who changed what, for every change that writes no ledger row' },
  { name: 'operations', description: 'Metrics and reconciliation for operators' },
  { name: 'health', description: 'Probes for orchestrators: readiness (database) and liveness' },
];

/**
 * Try-it-out sends a schema's example as is, twice if the user clicks twice:
 * opening an account without a number lets the server generate one, so the
 * second click opens a second account instead of 409 ACCOUNT_EXISTS.
 */
const REQUEST_EXAMPLES: Record<string, object> = {
  openAccount: { holder_name: 'Ada Lovelace', initial_deposit: '100.00', overdraft_limit: '0.00' },
};

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

/** Readable operationIds, tag descriptions and Try-it-out-safe request examples. */
export function nameOperations(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.operationId = OPERATION_IDS[`${method} ${path}`] ?? camelCase(operation.operationId);
      setRequestExample(operation);
    }
  }
  const used = new Set(Object.values(document.paths).flatMap((item) => METHODS.flatMap((m) => item[m]?.tags ?? [])));
  document.tags = [
    ...TAGS.filter((tag) => used.has(tag.name)),
    ...[...used].filter((name) => !TAGS.some((tag) => tag.name === name)).map((name) => ({ name })),
  ];
  return document;
}

function setRequestExample(operation: OperationObject): void {
  const example = operation.operationId ? REQUEST_EXAMPLES[operation.operationId] : undefined;
  const body = operation.requestBody;
  if (!example || !body || '$ref' in body) return;
  for (const media of Object.values(body.content)) media.example = example;
}

/** `AccountsController_withdraw` → `accountsWithdraw`. */
function camelCase(nestId: string | undefined): string | undefined {
  if (!nestId) return nestId;
  const [controller, method] = nestId.split('_');
  if (!method) return nestId;
  const noun = controller.replace(/Controller$/, '');
  return noun.charAt(0).toLowerCase() + noun.slice(1) + method.charAt(0).toUpperCase() + method.slice(1);
}
