// Hostile input: property-based fuzzing (fast-check) of every route's path,
// query, headers and body. Never a 5xx, always problem+json with a catalogued
// code, and a refused request leaves the database exactly as it was. Runs
// in-process (the real app and HTTP stack on a real database) for speed.
import fc from 'fast-check';
import { createTestApp, listeningPort, TestApp } from '../helpers/test-app';
import { createDatabase, TestDatabase } from './harness/databases';
import { DbKind, LOAD, selectedDatabases } from './harness/env';
import { recordFigures } from './harness/figures';
import { fuzzAgent } from './harness/fuzz-client';
import { createFuzzFixture } from './harness/fuzz-fixture';
import { fuzzRequest } from './harness/fuzz-requests';
import { FuzzSession } from './harness/fuzz-session';

describe.each(selectedDatabases())('hostile input on %s', (kind: DbKind) => {
  let db: TestDatabase;
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    db = await createDatabase(kind, 'fuzz');
    t = await createTestApp({
      ...db.serverEnv,
      DB_MIGRATIONS_RUN: 'true',
      SEED_DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
    });
    port = await listeningPort(t);
  });

  afterAll(async () => {
    fuzzAgent.destroy();
    await t?.close();
    await db?.drop();
  });

  it(`survives ${LOAD.fuzzRequests} hostile requests: no 5xx, problem+json, refusals change nothing`, async () => {
    const fixture = await createFuzzFixture(`http://127.0.0.1:${port}`);
    const session = new FuzzSession(port, (query) => t.sql(query));
    await session.start(kind);
    const seed = Number(process.env.RELIABILITY_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fuzzRequest(fixture), (req) => session.probe(req)),
      { numRuns: LOAD.fuzzRequests, seed },
    );
    recordFigures({
      scenario: 'hostile input',
      database: kind,
      operations: session.sent,
      seconds: (Date.now() - started) / 1000,
      checksPassed: session.checksPassed,
      checksFailed: session.failures.size,
      notes: `seed ${seed} (RELIABILITY_FUZZ_SEED replays it); statuses ${session.spread()}`,
    });
    expect([...session.failures.values()]).toEqual([]);
  });
});
