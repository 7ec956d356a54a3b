import { MigrationInterface, QueryRunner, TableCheck, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

// One line: TypeORM reads SQLite's checks back from the CREATE TABLE text line by line.
const LEDGER_TYPES_V12 = [
  'deposit',
  'withdrawal',
  'transfer_in',
  'transfer_out',
  'atm_withdrawal',
  'atm_deposit',
  'refill',
  'maintenance_reset',
  'atm_reversal',
  'reversal',
]
  .map((type) => `'${type}'`)
  .join(', ');

// The database enforces what the code always did, and the ledger gets the
// v1.2 columns in one step: who wrote a row (actor, request_id) and which row
// it undoes (reverses: unique, so a row is undone at most once whatever the
// code does). Table API, so the same file runs on both databases; only the
// 64-bit id is Postgres-only (SQLite's rowid already is 64 bits).
export class LedgerIntegrity1764000000000 implements MigrationInterface {
  name = 'LedgerIntegrity1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    if (postgres) {
      await queryRunner.query('ALTER TABLE ledger_entries ALTER COLUMN id TYPE bigint');
      await queryRunner.query('ALTER SEQUENCE ledger_entries_id_seq AS bigint');
    }
    await queryRunner.addColumns('ledger_entries', [
      new TableColumn({ name: 'actor', type: 'varchar', length: '64', default: "'system'" }),
      new TableColumn({ name: 'request_id', type: 'varchar', length: '128', isNullable: true }),
      // The id's own type: SQLite's rowid is `integer`.
      new TableColumn({ name: 'reverses', type: postgres ? 'bigint' : 'integer', isNullable: true }),
    ]);
    await queryRunner.createForeignKeys('ledger_entries', [
      new TableForeignKey({ columnNames: ['account_number'], referencedTableName: 'accounts', referencedColumnNames: ['account_number'] }),
      new TableForeignKey({
        columnNames: ['counterparty_account'],
        referencedTableName: 'accounts',
        referencedColumnNames: ['account_number'],
      }),
      new TableForeignKey({ columnNames: ['machine_id'], referencedTableName: 'machines', referencedColumnNames: ['machine_id'] }),
      new TableForeignKey({ columnNames: ['reverses'], referencedTableName: 'ledger_entries', referencedColumnNames: ['id'] }),
    ]);
    await queryRunner.createCheckConstraint(
      'ledger_entries',
      new TableCheck({ name: 'chk_ledger_type', expression: `type IN (${LEDGER_TYPES_V12})` }),
    );
    await queryRunner.createIndex(
      'ledger_entries',
      new TableIndex({ name: 'uq_ledger_reverses', columnNames: ['reverses'], isUnique: true }),
    );
    // Cash given back by an ATM reversal returns to the cassette it came from
    // even if a refill has filled it since: capacity binds refills and
    // deposits (checked by the posting core), never the count itself.
    await queryRunner.dropCheckConstraint('cassettes', 'chk_cassettes_count');
    await queryRunner.createCheckConstraint('cassettes', new TableCheck({ name: 'chk_cassettes_count', expression: 'count >= 0' }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropCheckConstraint('cassettes', 'chk_cassettes_count');
    await queryRunner.createCheckConstraint(
      'cassettes',
      new TableCheck({ name: 'chk_cassettes_count', expression: 'count >= 0 AND count <= capacity' }),
    );
    await queryRunner.dropIndex('ledger_entries', 'uq_ledger_reverses');
    await queryRunner.dropCheckConstraint('ledger_entries', 'chk_ledger_type');
    const table = await queryRunner.getTable('ledger_entries');
    await queryRunner.dropForeignKeys('ledger_entries', table?.foreignKeys ?? []);
    await queryRunner.dropColumns('ledger_entries', ['actor', 'request_id', 'reverses']);
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('ALTER SEQUENCE ledger_entries_id_seq AS integer');
      await queryRunner.query('ALTER TABLE ledger_entries ALTER COLUMN id TYPE integer');
    }
  }
}
