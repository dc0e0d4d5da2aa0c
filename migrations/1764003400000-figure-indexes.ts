import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Every figure of a period counted from an index of that period (issue 20): the figures' queries
 * group in the database over (unit, period) index ranges instead of reading the history.
 * - grid_event (grid, reported_at, category, state, handler_level, closed_by_level, urgency,
 *   closed_at) replaces idx_grid_event_period: the agenda's tally and 统计 are answered from the
 *   index alone (it lacked the closing level, urgency and closing time);
 * - grid_event (reporter, reported_at, state): a member's reports of a period (考核 of a member);
 * - grid_event_log (action, at, event_id) and task_history (at, task_id, action, actor_id): a period's ratings,
 *   督办 and task actions, instead of every row of every event or task the units ever had;
 * - task (grid, deadline) and (grid, state, deadline), (scope unit, state, deadline): tasks falling
 *   due in a period and the open ones, without the finished years;
 * - notice_receipt (unit, confirmed_at, notice): the console's notices awaiting receipts, found
 *   from the unconfirmed receipts alone.
 */
const ADDED: [string, TableIndex][] = [
  ['grid_event', new TableIndex({ name: 'idx_grid_event_figures', columnNames: ['grid_unit_id', 'reported_at', 'category', 'state', 'handler_level', 'closed_by_level', 'urgency', 'closed_at'] })],
  ['grid_event', new TableIndex({ name: 'idx_grid_event_reporter_period', columnNames: ['reporter_id', 'reported_at', 'state'] })],
  ['grid_event_log', new TableIndex({ name: 'idx_grid_event_log_period', columnNames: ['action', 'at', 'event_id'] })],
  ['task_history', new TableIndex({ name: 'idx_task_history_period', columnNames: ['at', 'task_id', 'action', 'actor_id'] })],
  ['task', new TableIndex({ name: 'idx_task_grid_deadline', columnNames: ['grid_id', 'deadline'] })],
  ['task', new TableIndex({ name: 'idx_task_grid_state', columnNames: ['grid_id', 'state', 'deadline'] })],
  ['task', new TableIndex({ name: 'idx_task_scope_state', columnNames: ['scope_unit_id', 'state', 'deadline'] })],
  ['notice_receipt', new TableIndex({ name: 'idx_notice_receipt_open', columnNames: ['unit_id', 'confirmed_at', 'notice_id'] })],
];
const REPLACED = new TableIndex({ name: 'idx_grid_event_period', columnNames: ['grid_unit_id', 'reported_at', 'category', 'state', 'handler_level'] });

export class FigureIndexes1764003400000 implements MigrationInterface {
  name = 'FigureIndexes1764003400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, index] of ADDED) await queryRunner.createIndex(table, index);
    await queryRunner.dropIndex('grid_event', REPLACED.name!);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('grid_event', REPLACED);
    for (const [table, index] of ADDED) await queryRunner.dropIndex(table, index.name!);
  }
}
