import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** 代办: the catalogue of service items, the requests, their steps and document photos (sealed). */
export class Daiban1764003300000 implements MigrationInterface {
  name = 'Daiban1764003300000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, 'daiban_item', [col.id(), col.str('name', 32), col.text('materials'), col.str('office', 64), col.int('limit_days'), col.date('updated_at')], {
      uniques: [{ name: 'uq_daiban_item_name', columnNames: ['name'] }],
    });
    await createTable(
      q,
      'daiban',
      [
        col.id(),
        col.str('number', 20),
        col.str('item', 32),
        col.text('materials'),
        col.str('ticked', 200),
        col.str('office', 64),
        col.int('limit_days'),
        col.int('household_id'),
        col.int('unit_id'),
        col.str('unit_path', 255),
        col.int('handler_id'),
        col.str('origin', 16),
        col.str('state', 16),
        col.text('note'),
        col.date('registered_at'),
        col.date('accepted_at', true),
        col.date('complete_at', true),
        col.date('submitted_at', true),
        col.date('submitted_on', true),
        col.str('submitted_office', 64, { nullable: true }),
        col.date('closed_at', true),
        col.str('return_reason', 200, { nullable: true }),
        col.date('deadline', true),
        col.int('deadline_version', { default: 0 }),
      ],
      {
        uniques: [{ name: 'uq_daiban_number', columnNames: ['number'] }],
        indices: [
          { name: 'ix_daiban_path', columnNames: ['unit_path', 'state'] },
          { name: 'ix_daiban_handler', columnNames: ['handler_id', 'state'] },
          { name: 'ix_daiban_household', columnNames: ['household_id'] },
        ],
      },
    );
    await createTable(q, 'daiban_step', [col.id(), col.int('daiban_id'), col.date('at'), col.str('action', 32), col.int('member_id', { nullable: true }), col.str('note', 500, { nullable: true })], {
      indices: [{ name: 'ix_daiban_step', columnNames: ['daiban_id', 'at'] }],
    });
    await createTable(q, 'daiban_photo', [col.id(), col.int('daiban_id'), col.text('ref_sealed'), col.int('member_id'), col.date('at')], {
      indices: [{ name: 'ix_daiban_photo', columnNames: ['daiban_id'] }],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('daiban_photo');
    await q.dropTable('daiban_step');
    await q.dropTable('daiban');
    await q.dropTable('daiban_item');
  }
}
