import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from './helpers/test-app';

// The schema comes only from migrations; the entities must describe exactly
// that schema, or `npm run migration:generate` (how a developer starts the
// next migration) proposes changes nobody asked for — dropping the checks
// and the foreign key, or rebuilding every SQLite table.
describe('entities and migrations agree', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('migration:generate finds nothing to change after the migrations ran', async () => {
    const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});
