import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/**
 * Residents' voice (issue 16): residents' groups bound to grids, residents known by a sealed platform
 * identity (PII vault), which events each reported and where, the access log of those identities,
 * and 回访 answers.
 */
export class Residents1764003050000 implements MigrationInterface {
  name = 'Residents1764003050000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, 'resident_group', [col.id(), col.str('channel', 16), col.str('conversation_id', 256), col.int('unit_id'), col.int('bound_by'), col.date('created_at')], {
      uniques: [{ name: 'uq_resident_group_conversation', columnNames: ['channel', 'conversation_id'] }],
      indices: [{ name: 'idx_resident_group_unit', columnNames: ['unit_id'] }],
    });
    await createTable(
      q,
      'chat_resident',
      [col.id(), col.str('identity_mac', 64, { nullable: true }), col.text('identity_sealed', true), col.text('phone_sealed', true), col.date('created_at'), col.date('last_seen_at'), col.date('purged_at', true)],
      { uniques: [{ name: 'uq_chat_resident_identity', columnNames: ['identity_mac'] }], indices: [{ name: 'idx_chat_resident_seen', columnNames: ['last_seen_at'] }] },
    );
    await createTable(
      q,
      'resident_report',
      [col.id(), col.int('event_id'), col.str('event_number', 20), col.int('resident_id'), col.str('channel', 16), col.str('conversation_id', 256), col.date('created_at')],
      { uniques: [{ name: 'uq_resident_report_event', columnNames: ['event_id'] }], indices: [{ name: 'idx_resident_report_resident', columnNames: ['resident_id'] }] },
    );
    await createTable(
      q,
      'resident_access',
      [col.id(), col.date('at'), col.int('resident_id'), col.int('member_id', { nullable: true }), col.str('action', 16), col.str('purpose', 32), col.str('event_number', 20, { nullable: true })],
      { indices: [{ name: 'idx_resident_access_resident', columnNames: ['resident_id', 'at'] }] },
    );
    await createTable(
      q,
      'event_followup',
      [col.id(), col.int('event_id'), col.str('event_number', 20), col.int('grid_unit_id'), col.int('member_id'), col.str('method', 16), col.str('rating', 24), col.text('note', true), col.date('at')],
      { indices: [{ name: 'idx_event_followup_grid', columnNames: ['grid_unit_id', 'at'] }, { name: 'idx_event_followup_event', columnNames: ['event_id'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['event_followup', 'resident_access', 'resident_report', 'chat_resident', 'resident_group']) await q.dropTable(table);
  }
}
