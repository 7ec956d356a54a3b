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
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) >= 400 && path.startsWith('/healthz') === false) {
        expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
      }
    }
    if (method === 'post' || method === 'patch') {
      if (path !== '/machines/{id}/maintenance') expect(operation.requestBody).toBeDefined();
    }
  });

  it('documents the optional 429 RATE_LIMITED on every operation but the health probes', () => {
    for (const [method, path] of CONTRACT) {
      const responses = Object.keys(doc.paths[path][method].responses);
      if (path.startsWith('/healthz')) expect(responses).not.toContain('429');
      else expect(responses).toContain('429');
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

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http().get('/docs/');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });
});
