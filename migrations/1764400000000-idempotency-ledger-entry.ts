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
    // Keys answered by their ledger row have no body to fall back on: an
    // older version would replay them empty, so they are forgotten instead.
    await queryRunner.query('DELETE FROM idempotency_keys WHERE ledger_entry_id IS NOT NULL');
    await queryRunner.dropColumn('idempotency_keys', 'ledger_entry_id');
  }
}
