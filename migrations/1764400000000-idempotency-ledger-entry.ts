import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// A keyed deposit or withdrawal stores its Idempotency-Key in the same
// statement as its ledger row, pointing at that row; a replay is rebuilt from
// it (issue 16) instead of from a stored body. Nullable: every other key keeps
// its stored response. No foreign key: the key row is written by the very
// statement that writes its ledger row, and ledger rows are never deleted; a
// foreign key would add a lookup and a row lock to every keyed movement.
// Postgres adds a nullable column without rewriting the table; SQLite's
// table is rebuilt by TypeORM (idempotency keys only: at most a day of them).
export class IdempotencyLedgerEntry1764400000000 implements MigrationInterface {
  name = 'IdempotencyLedgerEntry1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('idempotency_keys', new TableColumn({ name: 'ledger_entry_id', type: 'bigint', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // An earlier version replays only stored bodies: write each key's body
    // from its ledger row first, exactly as the deposit/withdraw view renders
    // it ({"account_number","balance","amount","transaction_id"}, money as
    // decimal text with two digits), so a retry across the revert still replays.
    const postgres = queryRunner.connection.options.type === 'postgres';
    const money = (column: string) => {
      const fraction = postgres ? `lpad(CAST(abs(${column}) % 100 AS text), 2, '0')` : `printf('%02d', abs(${column}) % 100)`;
      return `(CASE WHEN ${column} < 0 THEN '-' ELSE '' END) || CAST(abs(${column}) / 100 AS text) || '.' || ${fraction}`;
    };
    await queryRunner.query(
      `UPDATE idempotency_keys SET content_type = 'application/json', body =
        '{"account_number":"' || l.account_number || '","balance":"' || ${money('l.balance_after')} ||
        '","amount":"' || ${money('abs(l.amount)')} || '","transaction_id":' || CAST(l.id AS text) || '}'
       FROM ledger_entries AS l WHERE l.id = idempotency_keys.ledger_entry_id`,
    );
    await queryRunner.dropColumn('idempotency_keys', 'ledger_entry_id');
  }
}
