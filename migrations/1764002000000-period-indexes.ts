import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes shaped by unit and period, so an agenda, 考核 or 统计 over one week or month reads that
 * period and the open items, not the years before:
 * - grid_event (grid, reported_at, category, state, handler_level): a grid's events of a period,
 *   counted from the index alone (the old (grid, category, reported_at) index scanned every
 *   category of every year before it could use the date);
 * - grid_event (grid, state, reported_at, handler_level): a grid's open events, however old,
 *   chosen from the index alone;
 * - task (scope unit, deadline): the tasks of a unit falling due in a period.
 */
const INDEXES: [string, TableIndex][] = [
  ['grid_event', new TableIndex({ name: 'idx_grid_event_period', columnNames: ['grid_unit_id', 'reported_at', 'category', 'state', 'handler_level'] })],
  ['grid_event', new TableIndex({ name: 'idx_grid_event_open', columnNames: ['grid_unit_id', 'state', 'reported_at', 'handler_level'] })],
  ['task', new TableIndex({ name: 'idx_task_scope_deadline', columnNames: ['scope_unit_id', 'deadline'] })],
];

export class PeriodIndexes1764002000000 implements MigrationInterface {
  name = 'PeriodIndexes1764002000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, index] of INDEXES) await queryRunner.createIndex(table, index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, index] of INDEXES) await queryRunner.dropIndex(table, index.name!);
  }
}
