import { MigrationInterface, QueryRunner, TableCheck, TableColumn } from 'typeorm';

// Low cash (API.md v1.2): a per-cassette threshold, null meaning "never low".
// Existing cassettes get null: no machine turns "low" by upgrading.
export class LowCash1764200000000 implements MigrationInterface {
  name = 'LowCash1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('cassettes', new TableColumn({ name: 'low_threshold', type: 'integer', isNullable: true }));
    await queryRunner.createCheckConstraint(
      'cassettes',
      new TableCheck({ name: 'chk_cassettes_low_threshold', expression: 'low_threshold IS NULL OR low_threshold >= 0' }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropCheckConstraint('cassettes', 'chk_cassettes_low_threshold');
    await queryRunner.dropColumn('cassettes', 'low_threshold');
  }
}
