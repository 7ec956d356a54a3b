// Reverting this session's migrations on a database with keyed movements:
// the keys the posting wrote (answered from their ledger row) get the body an
// earlier version would have stored, byte for byte, so a retry across the
// revert still replays instead of applying the movement again.
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/migrations';
import { formatMoney } from '../src/common/money';
import { freshDatabase, FreshDatabase } from './helpers/fresh-database';
import { isPostgres } from './helpers/test-app';

describe('reverting the migrations of issue 16', () => {
  let db: FreshDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = new DataSource(
      isPostgres()
        ? { type: 'postgres', url: db.env.DATABASE_URL, migrations: MIGRATIONS }
        : { type: 'better-sqlite3', database: db.env.SQLITE_PATH, migrations: MIGRATIONS },
    );
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const p = (n: number) => (isPostgres() ? `$${n}` : '?');

  it('writes each claimed key its body from the ledger row, then drops the column; up again works', async () => {
    const now = '2026-12-05T00:00:00.000Z';
    await dataSource.query(
      `INSERT INTO accounts (account_number, holder_name, balance, overdraft_limit, daily_withdrawal_limit, withdrawn_today, withdrawn_on, status, created_at, updated_at)
       VALUES ('down1', NULL, -550, 1000, NULL, 0, NULL, 'active', ${p(1)}, ${p(2)})`,
      [now, now],
    );
    const rows: Array<{ type: string; amount: number; balance: number }> = [
      { type: 'deposit', amount: 123456, balance: 123456 },
      { type: 'withdrawal', amount: -124006, balance: -550 },
      { type: 'withdrawal', amount: -5, balance: 7 },
    ];
    const expected: Record<string, string> = {};
    for (const [index, row] of rows.entries()) {
      const [inserted] = await dataSource.query<Array<{ id: unknown }>>(
        `INSERT INTO ledger_entries (type, account_number, amount, balance_after, created_at, actor) VALUES (${p(1)}, 'down1', ${p(2)}, ${p(3)}, ${p(4)}, 'test') RETURNING id`,
        [row.type, row.amount, row.balance, now],
      );
      const id = Number(inserted.id);
      const key = `down-${index}`;
      await dataSource.query(
        `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, created_at, ledger_entry_id) VALUES ('c', ${p(1)}, 'f', 200, ${p(2)}, ${p(3)})`,
        [key, now, id],
      );
      expected[key] = JSON.stringify({
        account_number: 'down1',
        balance: formatMoney(BigInt(row.balance)),
        amount: formatMoney(BigInt(Math.abs(row.amount))),
        transaction_id: id,
      });
    }
    // A key with a stored body (a refusal) keeps it.
    await dataSource.query(
      `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, content_type, body, created_at) VALUES ('c', 'down-refusal', 'f', 422, 'application/problem+json', '{"code":"X"}', ${p(1)})`,
      [now],
    );

    await dataSource.undoLastMigration({ transaction: 'each' }); // partial ledger indexes
    await dataSource.undoLastMigration({ transaction: 'each' }); // idempotency_keys.ledger_entry_id
    const keys = await dataSource.query<Array<{ idempotency_key: string; content_type: string; body: string }>>(
      `SELECT idempotency_key, content_type, body FROM idempotency_keys ORDER BY idempotency_key`,
    );
    expect(keys).toEqual([
      { idempotency_key: 'down-0', content_type: 'application/json', body: expected['down-0'] },
      { idempotency_key: 'down-1', content_type: 'application/json', body: expected['down-1'] },
      { idempotency_key: 'down-2', content_type: 'application/json', body: expected['down-2'] },
      { idempotency_key: 'down-refusal', content_type: 'application/problem+json', body: '{"code":"X"}' },
    ]);
    expect(expected['down-1']).toContain('"balance":"-5.50","amount":"1240.06"');
    await expect(dataSource.runMigrations({ transaction: 'each' })).resolves.toHaveLength(2);
  });
});
