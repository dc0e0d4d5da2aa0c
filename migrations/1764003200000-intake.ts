import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/**
 * The intake (issue 17): outside clients (a county's 12345 hotline, an Open311 platform) with their
 * hashed API key, signing secret and callback address; the orders they pushed, unique per client and
 * external id (a replay finds the row, never adds one) and linked to the event they became (none
 * while waiting in the community inbox); each status change to call back, numbered per order, with
 * its delivery state; the address words that place an order without coordinates.
 */
export class Intake1764003200000 implements MigrationInterface {
  name = 'Intake1764003200000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'intake_client',
      [
        col.id(),
        col.str('name', 64),
        col.str('key_hash', 64),
        col.str('signing_secret', 200),
        col.str('callback_url', 500, { nullable: true }),
        col.int('unit_id'),
        col.int('created_by', { nullable: true }),
        col.date('created_at'),
        col.date('revoked_at', true),
      ],
      { uniques: [{ name: 'uq_intake_client_key', columnNames: ['key_hash'] }] },
    );
    await createTable(
      q,
      'intake_order',
      [
        col.id(),
        col.int('client_id'),
        col.str('external_id', 64),
        col.str('source', 16),
        col.str('service_code', 64, { nullable: true }),
        col.str('category', 64),
        col.text('description'),
        col.str('address', 200, { nullable: true }),
        col.double('latitude', true),
        col.double('longitude', true),
        col.text('contact', true),
        col.date('deadline', true),
        col.int('event_id', { nullable: true }),
        col.int('inbox_unit_id', { nullable: true }),
        col.str('placement', 32),
        col.str('status', 24),
        col.int('callback_seq', { default: 0 }),
        col.date('callback_lock_until', true),
        col.date('created_at'),
        col.date('updated_at'),
      ],
      {
        uniques: [{ name: 'uq_intake_order_external', columnNames: ['client_id', 'external_id'] }],
        indices: [
          { name: 'idx_intake_order_event', columnNames: ['event_id'] },
          { name: 'idx_intake_order_inbox', columnNames: ['inbox_unit_id', 'event_id'] },
        ],
      },
    );
    await createTable(
      q,
      'intake_callback',
      [
        col.id(),
        col.int('order_id'),
        col.int('seq'),
        col.str('status', 24),
        col.text('body'),
        col.date('created_at'),
        col.date('enqueued_at', true),
        col.date('delivered_at', true),
        col.int('attempts', { default: 0 }),
        col.str('last_outcome', 64, { nullable: true }),
      ],
      {
        uniques: [{ name: 'uq_intake_callback_seq', columnNames: ['order_id', 'seq'] }],
        indices: [{ name: 'idx_intake_callback_enqueued', columnNames: ['enqueued_at'] }],
      },
    );
    await createTable(q, 'grid_address_word', [col.int('unit_id', { primary: true }), col.str('word', 64, { primary: true }), col.date('created_at')]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('grid_address_word');
    await q.dropTable('intake_callback');
    await q.dropTable('intake_order');
    await q.dropTable('intake_client');
  }
}
