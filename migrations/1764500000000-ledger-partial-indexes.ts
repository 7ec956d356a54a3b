import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// Three ledger indexes cover a column that is NULL on most rows (machine_id
// on teller rows, transfer_id on all but transfers, reverses on all but
// reversals), yet every ledger INSERT added a NULL entry to each: five
// b-tree inserts per row where two carry information. Partial indexes keep
// only the non-NULL entries. Every query that uses them names a value
// (`machine_id = …`, `transfer_id = …`, `reverses = …`), which implies IS NOT
// NULL, so both databases still use them; uniqueness of `reverses` (a row is
// reversed at most once) is unchanged. On a large Postgres ledger the new
// indexes are built while writes to ledger_entries wait (about a second per
// million rows here): run it in a maintenance window.
const PARTIAL = [
  { name: 'idx_ledger_machine', columnNames: ['machine_id', 'id'], isUnique: false, where: 'machine_id IS NOT NULL' },
  { name: 'idx_ledger_transfer', columnNames: ['transfer_id'], isUnique: false, where: 'transfer_id IS NOT NULL' },
  { name: 'uq_ledger_reverses', columnNames: ['reverses'], isUnique: true, where: 'reverses IS NOT NULL' },
];

export class LedgerPartialIndexes1764500000000 implements MigrationInterface {
  name = 'LedgerPartialIndexes1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of PARTIAL) {
      await queryRunner.dropIndex('ledger_entries', index.name);
      await queryRunner.createIndex('ledger_entries', new TableIndex(index));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { where: _where, ...index } of PARTIAL) {
      await queryRunner.dropIndex('ledger_entries', index.name);
      await queryRunner.createIndex('ledger_entries', new TableIndex(index));
    }
  }
}
