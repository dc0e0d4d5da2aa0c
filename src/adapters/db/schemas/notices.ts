/** Table mappings of notices (通知) and their receipts (回执). Plain row types; no decorators. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface NoticeRow {
  id: number;
  /** TZ20261130-0001 */
  number: string;
  audience: string;
  body: string;
  senderId: number;
  deadline: Date | null;
  replyKind: string;
  isPublic: boolean;
  /** JSON array of attachment references. */
  attachments: string;
  sentAt: Date;
}

export interface NoticeReceiptRow {
  id: number;
  noticeId: number;
  memberId: number;
  unitId: number;
  confirmedAt: Date | null;
  reply: string | null;
}

export const NoticeSchema = new EntitySchema<NoticeRow>({
  name: 'Notice',
  tableName: 'notice',
  columns: {
    id: idColumn,
    number: { type: 'varchar', length: 20, unique: true },
    audience: { type: 'varchar', length: 500 },
    body: { type: 'text' },
    senderId: { name: 'sender_id', type: 'int' },
    deadline: dateColumn('deadline', true),
    replyKind: { name: 'reply_kind', type: 'varchar', length: 8 },
    isPublic: { name: 'is_public', type: 'boolean' },
    attachments: { type: 'text' },
    sentAt: dateColumn('sent_at'),
  },
});

export const NoticeReceiptSchema = new EntitySchema<NoticeReceiptRow>({
  name: 'NoticeReceipt',
  tableName: 'notice_receipt',
  columns: {
    id: idColumn,
    noticeId: { name: 'notice_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    confirmedAt: dateColumn('confirmed_at', true),
    reply: { type: 'varchar', length: 200, nullable: true },
  },
  uniques: [{ name: 'uq_notice_receipt', columns: ['noticeId', 'memberId'] }],
  indices: [{ name: 'idx_notice_receipt_open', columns: ['unitId', 'confirmedAt', 'noticeId'] }],
});

export const noticeSchemas = [NoticeSchema, NoticeReceiptSchema];
