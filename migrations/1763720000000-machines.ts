import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// Machines and their cassettes, dialect-neutral (Table API). A cassette is
// keyed by (machine_id, denomination): one cassette per denomination. The
// checks keep a bug from ever storing a negative or overfull cassette.
export class Machines1763720000000 implements MigrationInterface {
  name = 'Machines1763720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'machines',
        columns: [
          { name: 'machine_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200', isNullable: true },
          { name: 'location', type: 'varchar', length: '200', isNullable: true },
          { name: 'status', type: 'varchar', length: '16', default: "'in_service'" },
          { name: 'created_at', type: 'varchar', length: '24' },
          { name: 'updated_at', type: 'varchar', length: '24' },
        ],
        checks: [{ name: 'chk_machines_status', expression: "status IN ('in_service', 'out_of_service')" }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'cassettes',
        columns: [
          { name: 'machine_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'denomination', type: 'bigint', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '8' },
          { name: 'count', type: 'integer' },
          { name: 'capacity', type: 'integer' },
          { name: 'initial_count', type: 'integer' },
        ],
        foreignKeys: [{ columnNames: ['machine_id'], referencedTableName: 'machines', referencedColumnNames: ['machine_id'] }],
        checks: [
          { name: 'chk_cassettes_denomination', expression: 'denomination > 0' },
          { name: 'chk_cassettes_kind', expression: "kind IN ('bill', 'coin')" },
          { name: 'chk_cassettes_count', expression: 'count >= 0 AND count <= capacity' },
          { name: 'chk_cassettes_capacity', expression: 'capacity > 0' },
          { name: 'chk_cassettes_initial', expression: 'initial_count >= 0 AND initial_count <= capacity' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('cassettes');
    await queryRunner.dropTable('machines');
  }
}
