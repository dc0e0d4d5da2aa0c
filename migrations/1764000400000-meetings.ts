import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { col, createTable } from './support';

/** A text column that holds more than 64 KB on MySQL/MariaDB (agenda snapshots of a whole town). */
function bigText(q: QueryRunner, name: string): TableColumnOptions {
  return { name, type: q.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext', isNullable: false };
}

/** Meetings (周例会/月例会): agenda snapshots, carried items and 督办, minutes, monthly plans, exports. */
export class Meetings1764000400000 implements MigrationInterface {
  name = 'Meetings1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'meeting',
      [
        col.id(),
        col.str('number', 64),
        col.str('kind', 16),
        col.int('unit_id'),
        col.str('period_key', 16),
        col.date('held_at'),
        col.str('status', 16),
        bigText(q, 'agenda'),
        col.int('chair_id', { nullable: true }),
        col.date('composed_at'),
        col.date('closed_at', true),
        col.int('closed_by', { nullable: true }),
      ],
      {
        uniques: [
          { name: 'uq_meeting_number', columnNames: ['number'] },
          { name: 'uq_meeting_period', columnNames: ['unit_id', 'kind', 'period_key'] },
        ],
      },
    );
    await createTable(
      q,
      'meeting_item',
      [
        col.id(),
        col.int('meeting_id'),
        col.str('ref', 64),
        col.str('source', 16),
        col.str('title', 300),
        col.int('unit_id'),
        col.int('appearances'),
        col.int('supervisor_id', { nullable: true }),
        col.str('supervisor_name', 64, { nullable: true }),
        col.date('supervised_since', true),
      ],
      { uniques: [{ name: 'uq_meeting_item_ref', columnNames: ['meeting_id', 'ref'] }] },
    );
    await createTable(
      q,
      'meeting_minute',
      [
        col.id(),
        col.int('meeting_id'),
        col.str('kind', 16),
        col.text('text'),
        col.int('responsible_id', { nullable: true }),
        col.str('responsible_name', 64, { nullable: true }),
        col.date('deadline', true),
        col.str('task_number', 20, { nullable: true }),
        col.int('author_id'),
        col.date('at'),
      ],
      { indices: [{ name: 'idx_meeting_minute_meeting', columnNames: ['meeting_id'] }] },
    );
    await createTable(
      q,
      'meeting_plan',
      [col.id(), col.int('unit_id'), col.str('month', 7), col.text('text'), col.int('submitted_by'), col.str('submitted_by_name', 64), col.date('submitted_at')],
      { uniques: [{ name: 'uq_meeting_plan_month', columnNames: ['unit_id', 'month'] }] },
    );
    await createTable(
      q,
      'meeting_export',
      [col.str('token', 40, { primary: true }), col.int('meeting_id'), col.str('format', 8), col.date('created_at'), col.date('expires_at')],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['meeting_export', 'meeting_plan', 'meeting_minute', 'meeting_item', 'meeting']) await q.dropTable(t);
  }
}
