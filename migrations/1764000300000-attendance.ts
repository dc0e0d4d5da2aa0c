import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Attendance (签到/签退, 巡查, 请假) and the info report (信息报送, 特殊信息). */
export class Attendance1764000300000 implements MigrationInterface {
  name = 'Attendance1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'attendance_check',
      [
        col.id(),
        col.int('member_id'),
        col.int('unit_id'),
        col.str('kind', 8),
        col.date('at'),
        col.str('local_date', 10),
        col.double('latitude', true),
        col.double('longitude', true),
        col.str('location_text', 200, { nullable: true }),
        { name: 'outside', type: 'boolean', isNullable: true },
      ],
      { indices: [{ name: 'ix_attendance_check_unit_day', columnNames: ['unit_id', 'local_date'] }, { name: 'ix_attendance_check_member', columnNames: ['member_id', 'at'] }] },
    );
    await createTable(
      q,
      'patrol_log',
      [
        col.id(),
        col.int('member_id'),
        col.int('unit_id'),
        col.str('local_date', 10),
        col.date('at'),
        col.text('notes'),
        col.text('photos'),
        col.str('location', 200, { nullable: true }),
        col.text('comment', true),
        col.int('commented_by', { nullable: true }),
        col.date('commented_at', true),
      ],
      { indices: [{ name: 'ix_patrol_log_unit_day', columnNames: ['unit_id', 'local_date'] }, { name: 'ix_patrol_log_member', columnNames: ['member_id', 'at'] }] },
    );
    await createTable(
      q,
      'leave_request',
      [
        col.id(),
        col.int('member_id'),
        col.int('unit_id'),
        col.str('start_date', 10),
        col.str('end_date', 10),
        col.str('reason', 500),
        col.str('status', 16),
        col.int('decided_by', { nullable: true }),
        col.date('decided_at', true),
        col.int('cover_member_id', { nullable: true }),
        col.date('created_at'),
      ],
      { indices: [{ name: 'ix_leave_request_member', columnNames: ['member_id', 'end_date'] }] },
    );
    await createTable(
      q,
      'info_report',
      [col.id(), col.int('unit_id'), col.int('member_id'), col.str('period', 10), col.bool('unchanged', false), col.text('items'), col.date('reported_at'), col.int('revisions', { default: 0 })],
      { uniques: [{ name: 'uq_info_report_member_period', columnNames: ['member_id', 'period'] }], indices: [{ name: 'ix_info_report_unit_period', columnNames: ['unit_id', 'period'] }] },
    );
    await createTable(q, 'special_info', [col.id(), col.int('unit_id'), col.int('member_id'), col.text('text'), col.date('at')]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['special_info', 'info_report', 'leave_request', 'patrol_log', 'attendance_check']) await q.dropTable(table);
  }
}
