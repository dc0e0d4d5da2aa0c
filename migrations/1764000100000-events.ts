import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Events (事件) of the closed loop and their timeline (流转记录). */
export class Events1764000100000 implements MigrationInterface {
  name = 'Events1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'grid_event',
      [
        col.id(),
        col.str('number', 20),
        col.str('category', 50),
        col.str('item', 50, { nullable: true }),
        col.str('urgency', 16),
        col.text('description'),
        col.str('location', 500, { nullable: true }),
        col.text('attachments'),
        col.int('grid_unit_id'),
        col.int('reporter_id'),
        col.date('reported_at'),
        col.str('state', 24),
        col.int('handler_unit_id'),
        col.str('handler_level', 16),
        col.str('assignee_kind', 16, { nullable: true }),
        col.int('assignee_id', { nullable: true }),
        col.int('dispatcher_id', { nullable: true }),
        col.date('deadline', true),
        col.int('task_id', { nullable: true }),
        col.text('result', true),
        col.int('closed_by_unit_id', { nullable: true }),
        col.str('closed_by_level', 16, { nullable: true }),
        col.date('closed_at', true),
        col.str('rating', 24, { nullable: true }),
        col.int('reopen_count', { default: 0 }),
        col.str('supervision', 16, { nullable: true }),
        col.int('urge_count', { default: 0 }),
        col.date('updated_at'),
      ],
      {
        uniques: [{ name: 'uq_grid_event_number', columnNames: ['number'] }],
        indices: [
          { name: 'idx_grid_event_grid', columnNames: ['grid_unit_id', 'category', 'reported_at'] },
          { name: 'idx_grid_event_reporter', columnNames: ['reporter_id'] },
          { name: 'idx_grid_event_handler', columnNames: ['handler_unit_id', 'state'] },
          { name: 'idx_grid_event_task', columnNames: ['task_id'] },
        ],
      },
    );
    await createTable(
      q,
      'grid_event_log',
      [
        col.id(),
        col.int('event_id'),
        col.str('action', 32),
        col.int('actor_id'),
        col.date('at'),
        col.str('from_state', 24, { nullable: true }),
        col.str('to_state', 24),
        col.str('level', 16),
        col.int('unit_id'),
        col.text('note', true),
        col.text('attachments'),
        col.text('detail', true),
      ],
      { indices: [{ name: 'idx_grid_event_log_event', columnNames: ['event_id'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('grid_event_log');
    await q.dropTable('grid_event');
  }
}
