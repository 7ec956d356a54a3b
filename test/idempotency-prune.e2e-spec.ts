import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { AppConfig } from '../src/config/app-config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { IDEMPOTENCY_OPTIONS, IdempotencyOptions, IdempotencyPruner } from '../src/idempotency/idempotency.pruner';
import { bearer, param, TEST_ADMIN_KEY } from './helpers/test-app';

const TTL_SECONDS = 60;

/** The app with a fast prune timer and small batches: no test has to sleep a real interval. */
async function bootWithPruner(options: IdempotencyOptions): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(AppConfig.fromEnv({ ...process.env, ADMIN_API_KEY: TEST_ADMIN_KEY, IDEMPOTENCY_TTL_SECONDS: String(TTL_SECONDS) }))
    .overrideProvider(IDEMPOTENCY_OPTIONS)
    .useValue(options)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  configureApp(app);
  return app.init();
}

describe('idempotency key pruning', () => {
  let app: NestExpressApplication;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    app.get(TransactionRunner).read((em) => em.query<T[]>(query, params));
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
  const insertKeys = async (keys: string[], createdAt: string) => {
    for (const key of keys) {
      await sql(
        `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, content_type, body, created_at)
        VALUES ('bootstrap', ${param(1)}, 'f', 200, 'application/json', '{}', ${param(2)})`,
        [key, createdAt],
      );
    }
  };
  const present = async (keys: string[]) => {
    const rows = await sql<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM idempotency_keys WHERE idempotency_key IN (${keys.map((_, i) => param(i + 1)).join(', ')})`,
      keys,
    );
    return rows.map((r) => r.idempotency_key).sort();
  };
  const keysNamed = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${randomUUID()}-${i}`);

  afterEach(async () => {
    await app.close();
    const dataSource = app.get(DataSource);
    if (dataSource.isInitialized) await dataSource.destroy();
  });

  it('pruneExpired deletes every expired key in batches and keeps live ones; a pruned key is free again', async () => {
    app = await bootWithPruner({ pruneIntervalMs: 0, pruneBatchSize: 7 });
    const expired = keysNamed('old', 20);
    const live = keysNamed('new', 3);
    await insertKeys(expired, ago(TTL_SECONDS + 1));
    await insertKeys(live, ago(TTL_SECONDS - 5));
    await expect(app.get(IdempotencyPruner).pruneExpired()).resolves.toBeGreaterThanOrEqual(20);
    await expect(present([...expired, ...live])).resolves.toEqual([...live].sort());
    const opened = await request(app.getHttpServer()).post('/accounts').set(bearer()).set('Idempotency-Key', expired[0]).send({});
    expect(opened.status).toBe(201);
    expect(opened.headers['idempotent-replayed']).toBeUndefined();
  });

  it('runs in the background on its interval', async () => {
    app = await bootWithPruner({ pruneIntervalMs: 50, pruneBatchSize: 4 });
    const expired = keysNamed('bg-old', 10);
    const live = keysNamed('bg-new', 2);
    await insertKeys(live, ago(1));
    await insertKeys(expired, ago(TTL_SECONDS + 1));
    const deadline = Date.now() + 5000;
    while ((await present(expired)).length > 0 && Date.now() < deadline) await sleep(25);
    await expect(present([...expired, ...live])).resolves.toEqual([...live].sort());
  });
});
