import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The app's own schema, owned by the app (Django's migrations never see this table). */
export class CreateNotes1700000000000 implements MigrationInterface {
  name = 'CreateNotes1700000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'sample_note',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'owner_id', type: 'varchar', length: '64' },
          { name: 'text', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
      true,
    );
    await runner.createIndex('sample_note', new TableIndex({ name: 'sample_note_owner_id', columnNames: ['owner_id'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('sample_note', true);
  }
}
