import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Trainings (培训) and who attended them: the 培训台账 and each member's yearly hours. */
export class Training1764002300000 implements MigrationInterface {
  name = 'Training1764002300000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, 'training', [col.id(), col.str('name', 100), col.str('day', 10), col.double('hours'), col.int('recorded_by'), col.date('created_at')], {
      indices: [{ name: 'idx_training_day', columnNames: ['day'] }],
    });
    await createTable(q, 'training_attendance', [col.id(), col.int('training_id'), col.int('member_id')], {
      uniques: [{ name: 'uq_training_attendance', columnNames: ['training_id', 'member_id'] }],
      indices: [{ name: 'idx_training_attendance_member', columnNames: ['member_id'] }],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('training_attendance');
    await q.dropTable('training');
  }
}
