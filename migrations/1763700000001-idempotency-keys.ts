import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Stored responses of POSTs sent with Idempotency-Key, written in the same
// transaction as the effect. Primary key (scope, key) is what makes a
// concurrent duplicate's insert wait for the first request's commit on
// Postgres; created_at is indexed for the background prune.
export class IdempotencyKeys1763700000001 implements MigrationInterface {
  name = 'IdempotencyKeys1763700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'scope', type: 'varchar', length: '64', isPrimary: true, default: "''" },
          { name: 'idempotency_key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'status', type: 'integer' },
          { name: 'content_type', type: 'varchar', length: '64', isNullable: true },
          { name: 'body', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '24' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'idempotency_keys',
      new TableIndex({ name: 'idx_idempotency_keys_created', columnNames: ['created_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys');
  }
}
