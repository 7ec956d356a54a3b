import { PROBLEMS, ProblemCode } from '../src/common/problems';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

// The document as a client generator or a validating proxy reads it: what
// the server really answers, in the contract's conventions (API.md).
type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; schema?: Json }>;
  responses: Record<string, { content?: Record<string, { examples?: Record<string, { value: Json }> }> }>;
}
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

describe('OpenAPI conventions of /docs-json', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> }; tags: Json[] };
  let operations: Array<[string, string, Operation]>;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http().get('/docs-json')).body;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m): [string, string, Operation] => [m, path, item[m]]),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations.map(([, , op]) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/accounts/{n}/withdraw'].post.operationId).toBe('withdrawFromAccount');
  });

  it('documents 503 SERVICE_UNAVAILABLE with Retry-After on every database-backed operation', () => {
    const databaseBacked = operations.filter(([, path]) => !path.startsWith('/healthz'));
    expect(databaseBacked.length).toBeGreaterThanOrEqual(20);
    for (const [, , op] of databaseBacked) {
      const examples = op.responses['503']?.content?.['application/problem+json']?.examples;
      expect({ id: op.operationId, codes: Object.keys(examples ?? {}) }).toEqual({ id: op.operationId, codes: ['SERVICE_UNAVAILABLE'] });
      expect(op.responses['503']).toMatchObject({ headers: { 'Retry-After': expect.any(Object) } });
    }
  });

  it('gives every problem response one example per code, with that status', () => {
    for (const [, , op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const media = response.content?.['application/problem+json'];
        if (!media) continue;
        const examples = Object.entries(media.examples ?? {});
        expect({ op: op.operationId, status, count: examples.length > 0 }).toEqual({ op: op.operationId, status, count: true });
        for (const [code, { value }] of examples) {
          expect(value).toMatchObject({ code, status: Number(status), title: PROBLEMS[code as ProblemCode].title });
        }
      }
    }
  });

  it('shows the body the server really answers', async () => {
    const number = uniqueAccountNumber();
    await t.http().post('/accounts').send({ account_number: number, initial_deposit: '10.00' }).expect(201);
    const cases: Array<[string, () => Promise<{ status: number; body: Json }>]> = [
      ['/accounts/{n}/withdraw', () => t.http().post(`/accounts/${number}/withdraw`).send({ amount: '25.00' })],
      ['/accounts/{n}/withdraw', () => t.http().post(`/accounts/${number}/withdraw`).send({ amount: '0' })],
      ['/accounts/{n}/withdraw', () => t.http().post(`/accounts/${uniqueAccountNumber()}/withdraw`).send({ amount: '1.00' })],
    ];
    for (const [path, send] of cases) {
      const { status, body } = await send();
      const example = doc.paths[path].post.responses[String(status)].content?.['application/problem+json']?.examples?.[body.code as string];
      expect(example).toBeDefined();
      expect(Object.keys(example!.value).sort()).toEqual(Object.keys(body).sort());
      expect({ ...example!.value, detail: undefined, errors: undefined }).toEqual({ ...body, detail: undefined, errors: undefined });
    }
  });

  it('types ids and counts as integers, timestamps as date-time, money with its pattern', () => {
    const faults: string[] = [];
    const walk = (node: unknown, key: string, inOneOf: boolean): void => {
      if (Array.isArray(node)) return node.forEach((child) => walk(child, key, inOneOf));
      if (!node || typeof node !== 'object') return;
      const schema = node as Json;
      if (schema.type === 'number' && !inOneOf) faults.push(`${key}: a number outside oneOf`);
      if (schema.nullable && typeof schema.type !== 'string') faults.push(`${key}: nullable without a type`);
      if (key.endsWith('_at') && schema.type === 'string' && schema.format !== 'date-time') faults.push(`${key}: not a date-time`);
      for (const [child, value] of Object.entries(schema)) walk(value, child === 'properties' ? key : child, child === 'oneOf');
      for (const [field, value] of Object.entries((schema.properties as Json) ?? {})) walk(value, field, false);
    };
    walk(doc.components.schemas, '', false);
    expect(faults).toEqual([]);
    for (const [, , op] of operations) for (const p of op.parameters ?? []) expect(p.schema?.type).not.toBe('number');
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, Json> }>;
    expect(schemas.AccountView.properties.balance.pattern).toBe('^-?\\d+\\.\\d{2}$');
    expect(schemas.LedgerEntryView.properties.id.type).toBe('integer');
    expect(schemas.AccountView.properties.created_at.format).toBe('date-time');
    expect(schemas.MoneyMovementDto.properties.amount).toMatchObject({
      oneOf: [{ type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$' }, { type: 'number' }],
    });
  });

  it('refuses unknown fields in every request schema (additionalProperties: false), as the server does', async () => {
    const bodies = operations.flatMap(([, , op]) => {
      const body = (op as unknown as { requestBody?: { content: Record<string, { schema: Json }> } }).requestBody;
      return Object.values(body?.content ?? {}).map(({ schema }): [string, Json] => {
        const name = (schema.$ref as string | undefined)?.split('/').pop();
        return name ? [name, doc.components.schemas[name]] : [op.operationId, schema];
      });
    });
    expect(bodies.length).toBeGreaterThanOrEqual(10);
    for (const [name, schema] of bodies) expect({ name, extra: schema.additionalProperties }).toEqual({ name, extra: false });
    const res = await t.http().post(`/accounts/${uniqueAccountNumber()}/deposit`).send({ amount: '1.00', colour: 'red' });
    expect(res.status).toBe(400);
  });

  it('pre-fills nothing Try-it-out would send twice: no Idempotency-Key example, no fixed account number', () => {
    for (const [method, , op] of operations.filter(([m]) => m === 'post')) {
      const key = op.parameters?.find((p) => p.name === 'Idempotency-Key');
      expect({ method, op: op.operationId, key: !!key, example: key?.schema?.example }).toEqual({
        method,
        op: op.operationId,
        key: true,
        example: undefined,
      });
    }
    const open = doc.paths['/accounts'].post as unknown as { requestBody: { content: Record<string, { example: Json }> } };
    expect(open.requestBody.content['application/json'].example).not.toHaveProperty('account_number');
  });

  it('describes every tag, and /healthz without a check this service does not have', () => {
    for (const tag of doc.tags) expect(tag.description).toEqual(expect.any(String));
    const ready = JSON.stringify(doc.paths['/healthz'].get.responses);
    expect(ready).not.toMatch(/redis/i);
    expect(ready).toContain('database unreachable');
  });
});
