import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Time-limited tasks (限时办结) and their history (办理记录). */
export class Tasks1764000200000 implements MigrationInterface {
  name = 'Tasks1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'task',
      [
        col.id(),
        col.str('number', 20),
        col.str('batch', 20),
        col.str('title', 200),
        col.text('details'),
        col.str('priority', 16),
        col.str('state', 24),
        col.int('dispatcher_id'),
        col.int('assignee_id'),
        col.int('grid_id', { nullable: true }),
        col.int('scope_unit_id'),
        col.str('source_kind', 16),
        col.str('source_ref', 64),
        col.str('event_number', 20, { nullable: true }),
        col.bool('requires_verification', false),
        col.date('dispatched_at'),
        col.date('acknowledged_at', true),
        col.date('submitted_at', true),
        col.date('finished_at', true),
        col.date('deadline'),
        col.int('deadline_version'),
        col.date('extension_deadline', true),
        col.text('extension_reason', true),
        col.date('extension_requested_at', true),
        col.text('result', true),
        col.text('result_photos'),
        col.text('scheduled_rungs'),
        col.str('escalation', 16, { nullable: true }),
        col.date('created_at'),
        col.date('updated_at'),
      ],
      {
        uniques: [{ name: 'uq_task_number', columnNames: ['number'] }],
        indices: [
          { name: 'idx_task_assignee', columnNames: ['assignee_id', 'state', 'deadline'] },
          { name: 'idx_task_dispatcher', columnNames: ['dispatcher_id', 'state', 'deadline'] },
          { name: 'idx_task_batch', columnNames: ['batch'] },
          { name: 'idx_task_source', columnNames: ['source_kind', 'source_ref'] },
        ],
      },
    );
    await createTable(
      q,
      'task_history',
      [
        col.id(),
        col.int('task_id'),
        col.date('at'),
        col.str('action', 32),
        col.int('actor_id', { nullable: true }),
        col.str('from_state', 24, { nullable: true }),
        col.str('to_state', 24),
        col.text('note', true),
        col.text('attachments'),
        col.date('deadline', true),
      ],
      { indices: [{ name: 'idx_task_history_task', columnNames: ['task_id'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('task_history');
    await q.dropTable('task');
  }
}
