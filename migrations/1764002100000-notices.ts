import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/** Notices (通知) and one receipt (回执) per recipient. */
export class Notices1764002100000 implements MigrationInterface {
  name = 'Notices1764002100000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'notice',
      [
        col.id(),
        col.str('number', 20),
        col.str('audience', 500),
        col.text('body'),
        col.int('sender_id'),
        col.date('deadline', true),
        col.str('reply_kind', 8),
        col.bool('is_public', false),
        col.text('attachments'),
        col.date('sent_at'),
      ],
      { uniques: [{ name: 'uq_notice_number', columnNames: ['number'] }] },
    );
    await createTable(
      q,
      'notice_receipt',
      [col.id(), col.int('notice_id'), col.int('member_id'), col.int('unit_id'), col.date('confirmed_at', true), col.str('reply', 200, { nullable: true })],
      { uniques: [{ name: 'uq_notice_receipt', columnNames: ['notice_id', 'member_id'] }], indices: [{ name: 'idx_notice_receipt_member', columnNames: ['member_id', 'confirmed_at'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notice_receipt');
    await q.dropTable('notice');
  }
}
