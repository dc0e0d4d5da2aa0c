import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Assessment (考核): manual add / deduct entries, and one-time tokens for ledger downloads and import uploads. */
export class Assessment1764000500000 implements MigrationInterface {
  name = 'Assessment1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'assessment_adjustment',
      [
        col.id(),
        col.str('subject_kind', 16),
        col.int('subject_id'),
        col.double('points'),
        col.str('reason', 500),
        col.int('unit_id'),
        col.int('actor_id'),
        col.date('effective_at'),
        col.date('created_at'),
      ],
      { indices: [{ name: 'idx_assessment_adjustment_subject', columnNames: ['subject_kind', 'subject_id', 'effective_at'] }] },
    );
    await createTable(q, 'file_token', [
      col.str('token', 32, { primary: true }),
      col.str('purpose', 16),
      col.text('spec'),
      col.int('member_id'),
      col.date('created_at'),
      col.date('expires_at'),
      col.date('used_at', true),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('file_token');
    await q.dropTable('assessment_adjustment');
  }
}
