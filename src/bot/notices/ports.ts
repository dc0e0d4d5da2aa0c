/** What the notices area (通知 with 回执) needs from storage; implemented in adapters/db/repositories/notice-repository.ts. */
import type { Notice, Receipt } from '../../domain/notice/notice';
import type { CoreRepos } from '../ports';

/** A notice as stored, with what the bot adds around it. */
export interface NoticeRecord extends Notice {
  id: number;
  /** How the sender named the recipients (「阳光社区、冯网格员」), for cards and 通知进度. */
  audience: string;
}

export type NewNoticeRecord = Omit<NoticeRecord, 'id'>;

export interface NoticeRepo {
  /** Stores the notice and one unconfirmed receipt per recipient. */
  create(notice: NewNoticeRecord, receipts: Receipt[]): Promise<NoticeRecord>;
  byNumber(number: string): Promise<NoticeRecord | null>;
  receipts(noticeId: number): Promise<Receipt[]>;
  /** `forUpdate` locks the receipt until the transaction ends (two presses of 收到 queue up). */
  receiptOf(noticeId: number, memberId: number, forUpdate?: boolean): Promise<Receipt | null>;
  saveReceipt(noticeId: number, receipt: Receipt): Promise<void>;
  /** Notices a member has not confirmed yet, newest first. */
  pendingFor(memberId: number, limit: number): Promise<NoticeRecord[]>;
}

export interface NoticesRepos extends CoreRepos {
  notices: NoticeRepo;
}
