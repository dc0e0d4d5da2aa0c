import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A period's figures read from index entries alone, never from the rows of the years kept (issue 20
 * goal 5). Each index below is led by (unit, period column) and holds every column its figure
 * reads, so the cost is that of the period's entries:
 * - grid_event_log.rating: the rating of a `rate` step, copied out of the JSON detail, so 满意率
 *   per grid is counted from (action, grid, at, actor, rating) without reading a log row;
 * - task_history (grid, at, action, to_state, actor, task): a grid's task actions and its 核查
 *   submissions and answers, without a join to the task;
 * - task (grid, deadline, state, submitted_at, finished_at, assignee): the tasks falling due in a
 *   period, judged from the index;
 * - task (scope unit, grid, deadline, state, submitted_at, finished_at): the same for tasks without
 *   a grid (a community's or town's own), whose `grid_id IS NULL` is then an index range instead of
 *   a row read of every task of the scope.
 * Existing `rate` rows get their rating from their detail in one statement.
 */
const REPLACED: [string, TableIndex, TableIndex][] = [
  [
    'grid_event_log',
    new TableIndex({ name: 'idx_grid_event_log_grid', columnNames: ['action', 'grid_unit_id', 'at'] }),
    new TableIndex({ name: 'idx_grid_event_log_grid_rating', columnNames: ['action', 'grid_unit_id', 'at', 'actor_id', 'rating'] }),
  ],
  [
    'task_history',
    new TableIndex({ name: 'idx_task_history_grid', columnNames: ['grid_id', 'at', 'action', 'actor_id'] }),
    new TableIndex({ name: 'idx_task_history_grid_steps', columnNames: ['grid_id', 'at', 'action', 'to_state', 'actor_id', 'task_id'] }),
  ],
  [
    'task',
    new TableIndex({ name: 'idx_task_grid_deadline', columnNames: ['grid_id', 'deadline'] }),
    new TableIndex({ name: 'idx_task_grid_due', columnNames: ['grid_id', 'deadline', 'state', 'submitted_at', 'finished_at', 'assignee_id'] }),
  ],
];
const ADDED = new TableIndex({ name: 'idx_task_scope_due', columnNames: ['scope_unit_id', 'grid_id', 'deadline', 'state', 'submitted_at', 'finished_at'] });

export class CoveringFigures1764004000000 implements MigrationInterface {
  name = 'CoveringFigures1764004000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('grid_event_log', new TableColumn({ name: 'rating', type: 'varchar', length: '16', isNullable: true }));
    const extract = queryRunner.connection.options.type === 'mysql' ? "JSON_UNQUOTE(JSON_EXTRACT(detail, '$.rating'))" : "json_extract(detail, '$.rating')";
    await queryRunner.query(`UPDATE grid_event_log SET rating = ${extract} WHERE action = 'rate' AND detail IS NOT NULL`);
    for (const [table, old, index] of REPLACED) {
      await queryRunner.createIndex(table, index);
      await queryRunner.dropIndex(table, old.name!);
    }
    await queryRunner.createIndex('task', ADDED);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('task', ADDED.name!);
    for (const [table, old, index] of REPLACED) {
      await queryRunner.createIndex(table, old);
      await queryRunner.dropIndex(table, index.name!);
    }
    await queryRunner.dropColumn('grid_event_log', 'rating');
  }
}
