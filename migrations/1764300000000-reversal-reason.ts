import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// A reversal keeps its reason (1–200 characters) as its row's reference, so
// the column grows from 140 to 200 characters. Postgres widens a varchar in
// place (no rewrite); SQLite does not enforce the length, and TypeORM
// rebuilds the table only so its declared type matches the entity.
export class ReversalReason1764300000000 implements MigrationInterface {
  name = 'ReversalReason1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, '140', '200');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A longer reason would not fit back: cut it rather than fail the revert.
    await queryRunner.query('UPDATE ledger_entries SET reference = SUBSTR(reference, 1, 140) WHERE LENGTH(reference) > 140');
    await this.resize(queryRunner, '200', '140');
  }

  private async resize(queryRunner: QueryRunner, from: string, to: string): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`ALTER TABLE ledger_entries ALTER COLUMN reference TYPE varchar(${to})`);
      return;
    }
    await queryRunner.changeColumn(
      'ledger_entries',
      new TableColumn({ name: 'reference', type: 'varchar', length: from, isNullable: true }),
      new TableColumn({ name: 'reference', type: 'varchar', length: to, isNullable: true }),
    );
  }
}
