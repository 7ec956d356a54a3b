import { createTestApp, TestApp } from './helpers/test-app';

// Every route of the contract (API.md), as OpenAPI paths.
const CONTRACT: Array<[string, string, string[]]> = [
  ['post', '/accounts', ['201', '400', '409']],
  ['get', '/accounts/{n}', ['200', '400', '404']],
  ['patch', '/accounts/{n}', ['200', '400', '404', '409']],
  ['get', '/accounts/{n}/balance', ['200', '404']],
  ['post', '/accounts/{n}/deposit', ['200', '400', '404', '409']],
  ['post', '/accounts/{n}/withdraw', ['200', '400', '404', '409', '422']],
  ['get', '/accounts/{n}/transactions', ['200', '404']],
  ['post', '/transfers', ['201', '400', '404', '409', '422']],
  ['get', '/transactions/{id}', ['200', '404']],
  ['post', '/machines', ['201', '400', '409']],
  ['get', '/machines', ['200']],
  ['get', '/machines/{id}', ['200', '404']],
  ['patch', '/machines/{id}', ['200', '404']],
  ['get', '/machines/{id}/inventory', ['200', '404']],
  ['get', '/machines/{id}/total', ['200', '404']],
  ['post', '/machines/{id}/refill', ['200', '404', '422']],
  ['post', '/machines/{id}/maintenance', ['200', '404']],
  ['get', '/machines/{id}/transactions', ['200', '404']],
  ['post', '/machines/{id}/withdrawals', ['201', '404', '409', '422']],
  ['post', '/machines/{id}/deposits', ['201', '404', '409', '422']],
  ['get', '/healthz', ['200', '503']],
  ['get', '/healthz/live', ['200']],
];

describe('OpenAPI document at /docs-json', () => {
  let t: TestApp;
  let doc: {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>>;
  };
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http().get('/docs-json')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(CONTRACT)('describes %s %s with its responses', (method, path, statuses) => {
    const operation = doc.paths[path]?.[method];
    expect(operation).toBeDefined();
    for (const status of statuses) expect(Object.keys(operation.responses)).toContain(status);
    const problems = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400 && !path.startsWith('/healthz'));
    for (const [status, response] of problems) {
      expect({ status, types: Object.keys(response.content ?? {}) }).toEqual({ status, types: ['application/problem+json'] });
    }
  });

  const WITH_BODY = CONTRACT.filter(([method, path]) => ['post', 'patch'].includes(method) && path !== '/machines/{id}/maintenance');
  it.each(WITH_BODY)('describes the request body of %s %s', (method, path) => {
    expect(doc.paths[path][method].requestBody).toBeDefined();
  });

  it('documents the optional 429 RATE_LIMITED on every operation but the health probes', () => {
    for (const [method, path] of CONTRACT) {
      const documented = Object.keys(doc.paths[path][method].responses).includes('429');
      expect({ method, path, documented }).toEqual({ method, path, documented: !path.startsWith('/healthz') });
    }
  });

  it('documents the free-text rule (no control characters) on every name, location and reference', async () => {
    const schemas = (await t.http().get('/docs-json')).body.components.schemas as Record<
      string,
      { properties: Record<string, { pattern?: string }> }
    >;
    const freeText = Object.entries(schemas).flatMap(([schema, { properties }]) =>
      Object.entries(properties ?? {})
        .filter(([field]) => ['holder_name', 'name', 'location', 'reference'].includes(field) && /Dto$/.test(schema))
        .map(([field, property]) => [`${schema}.${field}`, property.pattern]),
    );
    expect(freeText.length).toBeGreaterThanOrEqual(8);
    for (const [, pattern] of freeText) expect(new RegExp(pattern as string).test('a\u0000b')).toBe(false);
  });

  it('defines the bearer scheme and requires it, with the roles allowed, on every operation but the health probes', async () => {
    const full = (await t.http().get('/docs-json')).body as {
      components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
      paths: Record<string, Record<string, { security?: Array<Record<string, string[]>>; 'x-roles'?: string[] }>>;
    };
    expect(full.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [method, path] of CONTRACT) {
      const { security, 'x-roles': roles } = full.paths[path][method];
      const open = path.startsWith('/healthz');
      expect({ method, path, security, admin: roles?.includes('admin') }).toEqual({
        method,
        path,
        security: open ? [] : [{ bearer: [] }],
        admin: true,
      });
    }
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http().get('/docs/');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });
});
