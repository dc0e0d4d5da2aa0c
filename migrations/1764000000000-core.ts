import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Organisation, bindings, handled-message record, outbox, dialogs, settings, sequences, audit log. */
export class Core1764000000000 implements MigrationInterface {
  name = 'Core1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'org_unit',
      [
        col.id(),
        col.str('code', 32),
        col.str('name', 100),
        col.str('level', 16),
        col.int('parent_id', { nullable: true }),
        col.str('path', 255),
        col.text('boundary', true),
        col.bool('active', true),
        col.date('created_at'),
        col.date('updated_at'),
      ],
      { uniques: [{ name: 'uq_org_unit_code', columnNames: ['code'] }], indices: [{ name: 'idx_org_unit_path', columnNames: ['path'] }] },
    );
    await createTable(q, 'member', [col.id(), col.str('name', 100), col.str('phone', 32, { nullable: true }), col.bool('active', true), col.date('created_at')]);
    await createTable(
      q,
      'member_role',
      [col.id(), col.int('member_id'), col.str('role', 32), col.int('unit_id'), col.date('created_at')],
      { uniques: [{ name: 'uq_member_role', columnNames: ['member_id', 'role', 'unit_id'] }] },
    );
    await createTable(
      q,
      'channel_binding',
      [
        col.id(),
        col.str('channel', 16),
        col.str('platform_user_id', 191),
        col.int('member_id'),
        col.str('display_name', 200, { nullable: true }),
        col.date('last_seen_at'),
      ],
      {
        uniques: [{ name: 'uq_channel_binding', columnNames: ['channel', 'platform_user_id'] }],
        indices: [{ name: 'idx_channel_binding_member', columnNames: ['member_id'] }],
      },
    );
    await createTable(
      q,
      'conversation_binding',
      [col.id(), col.str('channel', 16), col.str('conversation_id', 191), col.int('unit_id'), col.str('title', 200, { nullable: true }), col.date('created_at')],
      {
        uniques: [{ name: 'uq_conversation_binding', columnNames: ['channel', 'conversation_id'] }],
        indices: [{ name: 'idx_conversation_binding_unit', columnNames: ['unit_id'] }],
      },
    );
    await createTable(q, 'invite', [
      col.str('code', 16, { primary: true }),
      col.int('member_id'),
      col.int('created_by', { nullable: true }),
      col.date('expires_at'),
      col.date('used_at', true),
    ]);
    await createTable(q, 'processed_key', [col.str('key', 191, { primary: true }), col.date('processed_at')]);
    await createTable(
      q,
      'outbox',
      [
        col.str('id', 64, { primary: true }),
        col.str('source_key', 191),
        col.str('kind', 16),
        col.str('channel', 16, { nullable: true }),
        col.text('payload'),
        col.str('status', 16),
        col.int('attempts', { default: 0 }),
        col.text('last_error', true),
        col.date('created_at'),
        col.date('dispatched_at', true),
        col.date('sent_at', true),
      ],
      {
        indices: [
          { name: 'idx_outbox_source', columnNames: ['source_key'] },
          { name: 'idx_outbox_dispatch', columnNames: ['dispatched_at', 'created_at'] },
        ],
      },
    );
    await createTable(q, 'dialog_state', [col.str('key', 191, { primary: true }), col.str('kind', 64), col.text('data'), col.date('expires_at'), col.date('updated_at')]);
    await createTable(q, 'setting', [col.str('key', 191, { primary: true }), col.text('value'), col.date('updated_at')]);
    await createTable(q, 'sequence', [col.str('name', 64, { primary: true }), col.int('value')]);
    await createTable(
      q,
      'audit_log',
      [col.id(), col.date('at'), col.int('actor_member_id', { nullable: true }), col.str('action', 64), col.str('target', 191, { nullable: true }), col.text('detail', true)],
      { indices: [{ name: 'idx_audit_at', columnNames: ['at'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_log', 'sequence', 'setting', 'dialog_state', 'outbox', 'processed_key', 'invite', 'conversation_binding', 'channel_binding', 'member_role', 'member', 'org_unit']) {
      await q.dropTable(t);
    }
  }
}
