import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The grid a period's ratings, 督办 and task actions count for, stored on the row itself (issue 20
 * item 5): 考核 of grids counts a period's grid_event_log / task_history rows from one index range
 * per grid, instead of joining every row to its event or task (a random read each).
 * - grid_event_log.grid_unit_id: the event's grid (an event never changes grid);
 * - task_history.grid_id: the task's grid when the action was done (a reassignment may move it).
 * Existing rows are filled from their event / task in one statement each.
 */
const INDEXES: [string, TableIndex][] = [
  ['grid_event_log', new TableIndex({ name: 'idx_grid_event_log_grid', columnNames: ['action', 'grid_unit_id', 'at'] })],
  ['task_history', new TableIndex({ name: 'idx_task_history_grid', columnNames: ['grid_id', 'at', 'action', 'actor_id'] })],
];

export class FigureOwners1764003450000 implements MigrationInterface {
  name = 'FigureOwners1764003450000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('grid_event_log', new TableColumn({ name: 'grid_unit_id', type: 'int', isNullable: true }));
    await queryRunner.addColumn('task_history', new TableColumn({ name: 'grid_id', type: 'int', isNullable: true }));
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query('UPDATE grid_event_log l JOIN grid_event e ON e.id = l.event_id SET l.grid_unit_id = e.grid_unit_id');
      await queryRunner.query('UPDATE task_history h JOIN task t ON t.id = h.task_id SET h.grid_id = t.grid_id');
    } else {
      await queryRunner.query('UPDATE grid_event_log SET grid_unit_id = (SELECT e.grid_unit_id FROM grid_event e WHERE e.id = grid_event_log.event_id)');
      await queryRunner.query('UPDATE task_history SET grid_id = (SELECT t.grid_id FROM task t WHERE t.id = task_history.task_id)');
    }
    for (const [table, index] of INDEXES) await queryRunner.createIndex(table, index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, index] of INDEXES) await queryRunner.dropIndex(table, index.name!);
    await queryRunner.dropColumn('task_history', 'grid_id');
    await queryRunner.dropColumn('grid_event_log', 'grid_unit_id');
  }
}
