import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// API clients (API.md v1.2, "Authentication and roles") and the audit trail of
// every change that writes no ledger row. A key is never stored, only its
// SHA-256 (unique: one key names one client). `machine_id` binds an atm client
// to its machine; the checks keep a bug from storing an atm client without one
// or another role with one.
export class ClientsAndAudit1764100000000 implements MigrationInterface {
  name = 'ClientsAndAudit1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_clients',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'machine_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'key_hash', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'varchar', length: '24' },
          { name: 'revoked_at', type: 'varchar', length: '24', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['machine_id'], referencedTableName: 'machines', referencedColumnNames: ['machine_id'] }],
        checks: [
          { name: 'chk_api_clients_role', expression: "role IN ('admin', 'teller', 'operator', 'auditor', 'atm')" },
          {
            name: 'chk_api_clients_machine',
            expression: "(role = 'atm' AND machine_id IS NOT NULL) OR (role <> 'atm' AND machine_id IS NULL)",
          },
        ],
      }),
    );
    await queryRunner.createIndex(
      'api_clients',
      new TableIndex({ name: 'uq_api_clients_key_hash', columnNames: ['key_hash'], isUnique: true }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'actor', type: 'varchar', length: '64' },
          { name: 'action', type: 'varchar', length: '32' },
          { name: 'resource_type', type: 'varchar', length: '16' },
          { name: 'resource_id', type: 'varchar', length: '64' },
          { name: 'changes', type: 'text' },
          { name: 'request_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '24' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'idx_audit_resource', columnNames: ['resource_type', 'resource_id', 'id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
    await queryRunner.dropTable('api_clients');
  }
}
