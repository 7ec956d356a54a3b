import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { SqliteTransactions } from './sqlite-transactions';

// Group commit on a real (in-memory) SQLite connection: use cases that are
// ready in the same event-loop turn share one COMMIT, each inside its own
// savepoint; nobody hears of success before that COMMIT.
describe('SqliteTransactions', () => {
  let dataSource: DataSource;
  let sqlite: SqliteTransactions;
  let dir: string;
  const ambient = new AsyncLocalStorage<EntityManager>();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-tx-'));
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'db.sqlite'),
      prepareDatabase: (db: Database.Database) => {
        db.pragma('journal_mode = WAL');
      },
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    // Deferred: an orphan is only refused at COMMIT — a way to make a COMMIT fail.
    await dataSource.query(
      'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    sqlite = new SqliteTransactions(dataSource, ambient);
  });
  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (table: 'parent' | 'child', id: number, parent?: number) =>
    sqlite.run(() => {
      if (table === 'parent') sqlite.query('insertParent', 'INSERT INTO parent (id) VALUES (?)', [id]);
      else sqlite.query('insertChild', 'INSERT INTO child (id, parent_id) VALUES (?, ?)', [id, parent]);
      return Promise.resolve(id);
    });
  const ids = async (table: string) =>
    (await sqlite.read(() => dataSource.query<Array<{ id: number }>>(`SELECT id FROM ${table} ORDER BY id`), false)).map((r) => r.id);

  it('commits concurrent use cases together; a refused one changes nothing and the others stand', async () => {
    const outcomes = await Promise.allSettled([
      insert('parent', 1),
      sqlite.run(() => {
        sqlite.query('insertParent', 'INSERT INTO parent (id) VALUES (?)', [2]);
        return Promise.reject(new Error('refused'));
      }),
      insert('parent', 3),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await expect(ids('parent')).resolves.toEqual([1, 3]);
  });

  it('fails every use case of a group whose COMMIT fails, and applies none of them', async () => {
    await insert('parent', 1);
    const outcomes = await Promise.allSettled([insert('child', 10, 1), insert('child', 11, 999), insert('child', 12, 1)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(ids('child')).resolves.toEqual([]);
    await expect(insert('child', 13, 1)).resolves.toBe(13);
  });

  // A refusal or an idempotent replay may rest on what an earlier use case of
  // its group wrote: it must not reach the client before that is on disk,
  // and when the group is lost the client must hear of the failure instead.
  it('answers a refused use case only after its group commits, with the commit failure if it is lost', async () => {
    await insert('parent', 1);
    let refusedSettled = false;
    const lost = insert('child', 20, 999);
    const refused = sqlite.run(() => Promise.reject(new Error('refused')));
    refused.catch(() => (refusedSettled = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(refusedSettled).toBe(false);
    const [first, second] = await Promise.allSettled([lost, refused]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toBe((first as PromiseRejectedResult).reason);
    await expect(sqlite.run(async () => Promise.reject(new Error('alone')))).rejects.toThrow('alone');
  });

  it('answers a use case only after its COMMIT', async () => {
    let answered = false;
    const pending = insert('parent', 7).then(() => (answered = true));
    await Promise.resolve();
    expect(answered).toBe(false);
    await pending;
    expect(answered).toBe(true);
    await expect(ids('parent')).resolves.toEqual([7]);
  });

  it('a read outside a use case never sees an open group: it commits it first', async () => {
    const other = new Database(join(dir, 'db.sqlite'), { readonly: true });
    try {
      const writer = insert('parent', 5);
      // Another connection sees only committed rows: the group must be committed when the read runs.
      const seen = await sqlite.read(() => Promise.resolve(other.prepare('SELECT count(*) AS n FROM parent').get()), false);
      expect(seen).toEqual({ n: 1 });
      await expect(writer).resolves.toBe(5);
    } finally {
      other.close();
    }
  });

  it('a use case that yields to the event loop keeps its group open until it ends', async () => {
    const slow = sqlite.run(async () => {
      sqlite.query('insertParent', 'INSERT INTO parent (id) VALUES (?)', [1]);
      await sleep(20); // the group's deferred COMMIT fires meanwhile and must wait
      sqlite.query('insertParent', 'INSERT INTO parent (id) VALUES (?)', [2]);
      return 'done';
    });
    await expect(slow).resolves.toBe('done');
    await expect(ids('parent')).resolves.toEqual([1, 2]);
  });
});
