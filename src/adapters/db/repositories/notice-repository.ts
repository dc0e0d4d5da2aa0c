/** Notices and receipts on TypeORM: rows ↔ NoticeRecord / Receipt, nothing more. */
import { In, IsNull, type EntityManager } from 'typeorm';
import type { NoticeReplyKind, Receipt } from '../../../domain/notice/notice';
import type { NewNoticeRecord, NoticeRecord, NoticeRepo } from '../../../bot/notices/ports';
import { NoticeReceiptSchema, NoticeSchema, type NoticeReceiptRow, type NoticeRow } from '../schemas/notices';

function toRecord(r: NoticeRow): NoticeRecord {
  return {
    id: r.id,
    number: r.number,
    audience: r.audience,
    body: r.body,
    senderId: r.senderId,
    deadline: r.deadline,
    replyKind: r.replyKind as NoticeReplyKind,
    isPublic: Boolean(r.isPublic),
    attachments: JSON.parse(r.attachments) as string[],
    sentAt: r.sentAt,
  };
}

function toReceipt(r: NoticeReceiptRow): Receipt {
  return { memberId: r.memberId, unitId: r.unitId, confirmedAt: r.confirmedAt, reply: r.reply };
}

export class TypeOrmNoticeRepo implements NoticeRepo {
  constructor(private readonly em: EntityManager) {}

  private notices() {
    return this.em.getRepository(NoticeSchema);
  }

  private receiptRows() {
    return this.em.getRepository(NoticeReceiptSchema);
  }

  /** Row locks exist on MySQL/MariaDB; SQLite runs one writer at a time anyway. */
  private get canLock(): boolean {
    return this.em.connection.options.type === 'mysql';
  }

  async create(notice: NewNoticeRecord, receipts: Receipt[]): Promise<NoticeRecord> {
    const result = await this.notices().insert({ ...notice, attachments: JSON.stringify(notice.attachments) });
    const id = Number(result.identifiers[0].id);
    if (receipts.length) await this.receiptRows().insert(receipts.map((r) => ({ noticeId: id, ...r })));
    return { ...notice, id };
  }

  async byNumber(number: string): Promise<NoticeRecord | null> {
    const row = await this.notices().findOne({ where: { number } });
    return row ? toRecord(row) : null;
  }

  async receipts(noticeId: number): Promise<Receipt[]> {
    return (await this.receiptRows().find({ where: { noticeId }, order: { id: 'ASC' } })).map(toReceipt);
  }

  async receiptOf(noticeId: number, memberId: number, forUpdate = false): Promise<Receipt | null> {
    const row = await this.receiptRows().findOne({ where: { noticeId, memberId }, ...(forUpdate && this.canLock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return row ? toReceipt(row) : null;
  }

  async saveReceipt(noticeId: number, receipt: Receipt): Promise<void> {
    await this.receiptRows().update({ noticeId, memberId: receipt.memberId }, { confirmedAt: receipt.confirmedAt, reply: receipt.reply });
  }

  async pendingFor(memberId: number, limit: number): Promise<NoticeRecord[]> {
    const rows = await this.receiptRows().find({ where: { memberId, confirmedAt: IsNull() }, order: { id: 'DESC' }, take: limit });
    if (!rows.length) return [];
    const notices = await this.notices().find({ where: { id: In(rows.map((r) => r.noticeId)) }, order: { id: 'DESC' } });
    return notices.map(toRecord);
  }
}
