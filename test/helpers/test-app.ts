import { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig } from '../../src/config/app-config';
import { TransactionRunner } from '../../src/database/transaction-runner';

import { TEST_ADMIN_KEY } from './keys';

export { bearer, DEMO_KEYS, TEST_ADMIN_KEY } from './keys';

export interface TestApp {
  app: NestExpressApplication;
  /**
   * A supertest agent whose requests carry `Authorization: Bearer <key>`:
   * the test admin's key by default, another client's when given, none with null.
   */
  http: (key?: string | null) => ReturnType<typeof request>;
  /** Runs SQL through the app's transaction runner (SQLite's mutex included). */
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/**
 * Boots the real app (real database, real HTTP plumbing) on the database the
 * jest project chose: SQLite file or the run's Postgres database.
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  /** More provider overrides (a fixed Clock, …). */
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<TestApp> {
  const builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(AppConfig.fromEnv({ ...process.env, ADMIN_API_KEY: TEST_ADMIN_KEY, ...overrides }));
  const moduleRef = await customize(builder).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  configureApp(app);
  await app.init();
  const runner = app.get(TransactionRunner);
  return {
    app,
    http: (key = TEST_ADMIN_KEY) => {
      if (key === null) return request(app.getHttpServer());
      return request.agent(app.getHttpServer()).set('Authorization', `Bearer ${key}`);
    },
    sql: (query, params) => runner.read((em) => em.query(query, params)),
    close: async () => {
      await app.close();
      const dataSource = app.get(DataSource);
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

export const isPostgres = () => process.env.DB_TYPE === 'postgres';

/** `$1` on Postgres, `?` on SQLite. */
export const param = (index: number) => (isPostgres() ? `$${index}` : '?');

let counter = 0;
/** An account number no other spec or test uses. */
export function uniqueAccountNumber(prefix = 't'): string {
  counter += 1;
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${counter}`;
}

/**
 * The app's port, listening on 127.0.0.1 from the first call on: raw sockets
 * need a port, and supertest would otherwise listen anew per request.
 */
export async function listeningPort(t: TestApp): Promise<number> {
  if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
  return (t.app.getHttpServer().address() as AddressInfo).port;
}
