import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Dialect-neutral (Table API): runs unchanged on Postgres and SQLite. The
// integer primary key is `integer`, not `bigint`, so SQLite makes it its
// autoincrementing rowid. Timestamps are ISO 8601 UTC text on both.
export class CoreSchema1763700000000 implements MigrationInterface {
  name = 'CoreSchema1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'accounts',
        columns: [
          { name: 'account_number', type: 'varchar', length: '34', isPrimary: true },
          { name: 'holder_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'balance', type: 'bigint', default: 0 },
          { name: 'overdraft_limit', type: 'bigint', default: 0 },
          { name: 'daily_withdrawal_limit', type: 'bigint', isNullable: true },
          { name: 'withdrawn_today', type: 'bigint', default: 0 },
          { name: 'withdrawn_on', type: 'varchar', length: '10', isNullable: true },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          { name: 'created_at', type: 'varchar', length: '24' },
          { name: 'updated_at', type: 'varchar', length: '24' },
        ],
        checks: [
          { name: 'chk_accounts_status', expression: "status IN ('active', 'frozen', 'closed')" },
          { name: 'chk_accounts_overdraft', expression: 'overdraft_limit >= 0' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ledger_entries',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'type', type: 'varchar', length: '24' },
          { name: 'account_number', type: 'varchar', length: '34', isNullable: true },
          { name: 'machine_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'amount', type: 'bigint', isNullable: true },
          { name: 'balance_after', type: 'bigint', isNullable: true },
          { name: 'transfer_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'counterparty_account', type: 'varchar', length: '34', isNullable: true },
          { name: 'cash', type: 'text', isNullable: true },
          { name: 'reference', type: 'varchar', length: '140', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '24' },
        ],
      }),
    );
    await queryRunner.createIndices('ledger_entries', [
      new TableIndex({ name: 'idx_ledger_account', columnNames: ['account_number', 'id'] }),
      new TableIndex({ name: 'idx_ledger_machine', columnNames: ['machine_id', 'id'] }),
      new TableIndex({ name: 'idx_ledger_transfer', columnNames: ['transfer_id'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ledger_entries');
    await queryRunner.dropTable('accounts');
  }
}
