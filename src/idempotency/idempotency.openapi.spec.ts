import type { OpenAPIObject } from '@nestjs/swagger';
import { documentIdempotency } from './idempotency.openapi';

function doc(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/a': {
        post: { responses: { '200': { description: 'ok' }, '422': { description: 'Problem details; code: SAME_ACCOUNT' } } },
        get: { responses: { '200': { description: 'ok' } } },
      },
      '/b': {
        post: {
          parameters: [],
          responses: { '201': { description: 'created' }, '409': { description: 'Problem details; code: MACHINE_EXISTS' } },
        },
      },
    },
  };
}

describe('documentIdempotency', () => {
  it('adds the header and the 409/422 idempotency codes to every POST, once', () => {
    const document = documentIdempotency(documentIdempotency(doc()));
    for (const path of ['/a', '/b']) {
      const post = document.paths[path].post!;
      expect(post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
      expect((post.responses['409'] as { description: string }).description).toContain('IDEMPOTENCY_IN_PROGRESS');
      expect((post.responses['422'] as { description: string }).description).toContain('IDEMPOTENCY_KEY_REUSED');
    }
    expect((document.paths['/a'].post!.responses['422'] as { description: string }).description).toMatch(
      /^Problem details; code: SAME_ACCOUNT, IDEMPOTENCY_KEY_REUSED \([^)]*\)$/,
    );
    expect(document.paths['/b'].post!.responses['409']).toMatchObject({ headers: { 'Retry-After': expect.any(Object) as unknown } });
    expect(document.paths['/b'].post!.responses['201']).toMatchObject({
      headers: { 'Idempotent-Replayed': expect.any(Object) as unknown },
    });
    expect(document.paths['/a'].get!.parameters).toBeUndefined();
  });
});
