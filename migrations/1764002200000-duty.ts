import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** The duty roster (值班表): one person per unit, local day and shift. */
export class Duty1764002200000 implements MigrationInterface {
  name = 'Duty1764002200000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, 'duty_roster', [col.id(), col.int('unit_id'), col.str('day', 10), col.str('shift', 8), col.int('member_id'), col.int('entered_by'), col.date('updated_at')], {
      uniques: [{ name: 'uq_duty_roster_shift', columnNames: ['unit_id', 'day', 'shift'] }],
      indices: [{ name: 'idx_duty_roster_day', columnNames: ['day', 'shift'] }],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('duty_roster');
  }
}
