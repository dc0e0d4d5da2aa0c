import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './support';

/**
 * Where an event came from (issue 16): a member's report (every existing row), a resident's, an
 * intake order's; the outside order's deadline; timeline steps taken by a non-member.
 */
export class EventOrigin1764003000000 implements MigrationInterface {
  name = 'EventOrigin1764003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('grid_event', [
      new TableColumn({ ...col.str('origin_kind', 16), default: "'member'" }),
      new TableColumn(col.int('origin_ref', { nullable: true })),
      new TableColumn(col.str('origin_external_id', 100, { nullable: true })),
      new TableColumn(col.date('due_at', true)),
    ]);
    await q.changeColumn('grid_event', 'reporter_id', new TableColumn(col.int('reporter_id', { nullable: true })));
    await q.createIndex('grid_event', new TableIndex({ name: 'idx_grid_event_origin', columnNames: ['origin_kind', 'origin_ref'] }));
    await q.changeColumn('grid_event_log', 'actor_id', new TableColumn(col.int('actor_id', { nullable: true })));
    await q.addColumn('grid_event_log', new TableColumn(col.str('actor_origin', 200, { nullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('grid_event_log', 'actor_origin');
    await q.changeColumn('grid_event_log', 'actor_id', new TableColumn(col.int('actor_id')));
    await q.dropIndex('grid_event', 'idx_grid_event_origin');
    await q.changeColumn('grid_event', 'reporter_id', new TableColumn(col.int('reporter_id')));
    await q.dropColumns('grid_event', ['due_at', 'origin_external_id', 'origin_ref', 'origin_kind']);
  }
}
