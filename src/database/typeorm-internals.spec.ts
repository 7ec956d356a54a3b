import { QueryRunner } from 'typeorm';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { markTransaction, releaseOrDiscard } from './typeorm-internals';

// Pins the TypeORM internals typeorm-internals.ts relies on. If a TypeORM
// upgrade fails this spec, the transaction runner would silently lose a
// guarantee (savepoints inside our transactions, discarding a timed-out
// connection): adapt typeorm-internals.ts before upgrading.
const fakeDriver = () => {
  const dataSource = { options: {}, subscribers: [], logger: { logQuery: () => undefined } };
  return { dataSource, options: {}, supportedIsolationLevels: [], connectedQueryRunners: [] as unknown[] };
};

const queryRunners: Array<[string, () => QueryRunner]> = [
  ['PostgresQueryRunner', () => new PostgresQueryRunner(fakeDriver() as never, 'master')],
  ['BetterSqlite3QueryRunner', () => new BetterSqlite3QueryRunner(fakeDriver() as never)],
];

describe.each(queryRunners)('TypeORM internals: %s', (_, create) => {
  it('markTransaction makes a nested startTransaction a savepoint, not a second BEGIN', async () => {
    const runner = create();
    const statements: string[] = [];
    jest.spyOn(runner, 'query').mockImplementation((sql: string) => Promise.resolve(statements.push(sql)));
    markTransaction(runner, true);
    expect(runner.isTransactionActive).toBe(true);
    await runner.startTransaction();
    expect(statements).toEqual(['SAVEPOINT typeorm_1']);
    markTransaction(runner, false);
    expect(runner.isTransactionActive).toBe(false);
  });
});

describe('TypeORM internals: discarding a Postgres connection', () => {
  it('releaseOrDiscard hands the error to the pool release (which then closes the connection)', async () => {
    const runner = new PostgresQueryRunner(fakeDriver() as never, 'master');
    const release = jest.fn();
    Object.assign(runner, { releaseCallback: release });
    const broken = new Error('query read timeout');
    await releaseOrDiscard(runner, broken);
    expect(release).toHaveBeenCalledWith(broken);
    expect(runner.isReleased).toBe(true);
  });

  it('without an error it is the public release()', async () => {
    const runner = new PostgresQueryRunner(fakeDriver() as never, 'master');
    const release = jest.fn();
    Object.assign(runner, { releaseCallback: release });
    await releaseOrDiscard(runner, undefined);
    expect(release).toHaveBeenCalledWith(undefined);
  });
});
