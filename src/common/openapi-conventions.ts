import type { OpenAPIObject } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** Request amounts (API.md, Money): a string like "10.50"; the number form is the other `oneOf` branch. */
export const REQUEST_MONEY_PATTERN = '^\\d+(\\.\\d{1,2})?$';
/** Response money: always exactly 2 decimals, signed where the field is signed. */
export const RESPONSE_MONEY_PATTERN = '^-?\\d+\\.\\d{2}$';

/** Fields that carry money in this API, in requests and responses alike. */
const MONEY_FIELDS = new Set([
  'amount',
  'balance',
  'available_balance',
  'balance_after',
  'overdraft_limit',
  'daily_withdrawal_limit',
  'initial_deposit',
  'denomination',
  'total',
  'inventory_total',
]);
const MONEY_EXAMPLE = /^-?\d+\.\d{2}$/;

type Schema = SchemaObject | ReferenceObject;
const isRef = <T extends object>(value: T | ReferenceObject | undefined): value is ReferenceObject => !!value && '$ref' in value;
const refName = (ref: ReferenceObject) => ref.$ref.split('/').pop() as string;

/**
 * The conventions of the contract, applied to the generated document once,
 * so every schema follows them whoever wrote its decorators:
 * - no fractional numbers exist in this API except the number form of a
 *   request amount (a `oneOf` branch): every other `number` is an `integer`;
 * - a field named `*_at` is an ISO 8601 timestamp (`format: date-time`);
 * - money strings carry their pattern;
 * - `nullable` always sits next to a `type` (OpenAPI 3.0; validating proxies
 *   skip a schema otherwise);
 * - the server refuses unknown body fields, so request schemas say
 *   `additionalProperties: false`.
 */
export function applyOpenApiConventions(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const requestSchemas = requestBodySchemas(document, schemas);
  for (const [name, schema] of Object.entries(schemas)) {
    if (isRef(schema)) continue;
    const request = requestSchemas.has(name);
    if (request && schema.type === 'object') schema.additionalProperties = false;
    for (const [field, property] of Object.entries(schema.properties ?? {})) conformProperty(field, property, request);
  }
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.patch, item.put, item.delete]) {
      for (const parameter of operation?.parameters ?? []) {
        if (!isRef(parameter) && parameter.schema && !isRef(parameter.schema)) integerOnly(parameter.schema);
      }
    }
  }
  return document;
}

function conformProperty(field: string, property: Schema, request: boolean): void {
  if (isRef(property)) return;
  integerOnly(property);
  if (property.type === 'array' && property.items && !isRef(property.items)) integerOnly(property.items);
  if (property.oneOf) conformOneOf(field, property, request);
  if (property.type !== 'string') return;
  if (field.endsWith('_at')) property.format = 'date-time';
  const money = MONEY_FIELDS.has(field) || (typeof property.example === 'string' && MONEY_EXAMPLE.test(property.example));
  if (money && !property.enum) property.pattern = request ? REQUEST_MONEY_PATTERN : RESPONSE_MONEY_PATTERN;
}

/** A request amount: `"10.50"` or `10.5`; null (where allowed) goes on the string branch only, so oneOf still matches once. */
function conformOneOf(field: string, property: SchemaObject, request: boolean): void {
  const branches = (property.oneOf ?? []).filter((branch): branch is SchemaObject => !isRef(branch));
  const text = branches.find((branch) => branch.type === 'string');
  if (text && request && MONEY_FIELDS.has(field)) text.pattern = REQUEST_MONEY_PATTERN;
  if (property.nullable && !property.type && text) {
    text.nullable = true;
    delete property.nullable;
  }
}

function integerOnly(schema: SchemaObject): void {
  if (schema.type === 'number') schema.type = 'integer';
}

/** Names of the component schemas a request body uses, directly or nested. */
function requestBodySchemas(document: OpenAPIObject, schemas: Record<string, Schema>): Set<string> {
  const found = new Set<string>();
  const visit = (schema: Schema | undefined): void => {
    if (!schema) return;
    if (isRef(schema)) {
      const name = refName(schema);
      if (found.has(name)) return;
      found.add(name);
      return visit(schemas[name]);
    }
    for (const child of [schema.items, ...Object.values(schema.properties ?? {}), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
      visit(child);
    }
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.post, item.patch, item.put]) {
      const body = operation?.requestBody;
      if (body && !isRef(body)) for (const media of Object.values(body.content)) visit(media.schema);
    }
  }
  return found;
}
