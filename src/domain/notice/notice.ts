/**
 * A notice (通知) with receipts (回执): sent by a leader to members, units or roles; each recipient
 * confirms it (收到), or — when the notice asks for it — answers with a short reply (a count,
 * 「已传达」). A notice marked public (政策宣传) is also posted in the group conversations of its units.
 */
import { formatDailyNumber, parseDailyNumber } from '../calendar/daily-number';

/** What a receipt must carry: a bare 收到, a short text, or a number (a count). */
export type NoticeReplyKind = 'ack' | 'text' | 'number';

export const NOTICE_REPLY_KINDS: readonly NoticeReplyKind[] = ['ack', 'text', 'number'];

/** Longest reply kept with a receipt: a short answer, not a report. */
export const MAX_REPLY_LENGTH = 200;

export interface Notice {
  number: string;
  body: string;
  senderId: number;
  /** Confirm by this time (回执时限); reminders follow it. None: reminders only after sending. */
  deadline: Date | null;
  replyKind: NoticeReplyKind;
  /** 政策宣传: also posted in the groups bound to the target units. */
  isPublic: boolean;
  attachments: string[];
  sentAt: Date;
}

export interface Receipt {
  memberId: number;
  /** The unit the recipient was reached through (their grid, community …): 通知进度 groups by it. */
  unitId: number;
  confirmedAt: Date | null;
  reply: string | null;
}

export type ReplyCheck = { ok: true; reply: string | null } | { ok: false; reason: 'reply_required' | 'number_required' | 'reply_too_long' };

/** Whether what a recipient sent with 收到 fits the notice. */
export function checkReply(kind: NoticeReplyKind, raw: string): ReplyCheck {
  const reply = raw.trim();
  if (reply.length > MAX_REPLY_LENGTH) return { ok: false, reason: 'reply_too_long' };
  if (kind === 'ack') return { ok: true, reply: reply || null };
  if (!reply) return { ok: false, reason: kind === 'number' ? 'number_required' : 'reply_required' };
  if (kind === 'number' && !/^\d+(\.\d+)?/.test(reply)) return { ok: false, reason: 'number_required' };
  return { ok: true, reply };
}

export type ConfirmOutcome = { ok: true; receipt: Receipt } | { ok: false; reason: 'already_confirmed' } | ReplyCheckRefusal;
type ReplyCheckRefusal = Extract<ReplyCheck, { ok: false }>;

/** A recipient confirms: once; a later 收到 changes nothing. */
export function confirmReceipt(notice: Pick<Notice, 'replyKind'>, receipt: Receipt, raw: string, now: Date): ConfirmOutcome {
  if (receipt.confirmedAt) return { ok: false, reason: 'already_confirmed' };
  const check = checkReply(notice.replyKind, raw);
  if (!check.ok) return check;
  return { ok: true, receipt: { ...receipt, confirmedAt: now, reply: check.reply } };
}

export interface UnitProgress {
  unitId: number;
  confirmed: Receipt[];
  pending: Receipt[];
}

/** Receipts per unit, in the order the units first appear. */
export function progressByUnit(receipts: readonly Receipt[]): UnitProgress[] {
  const byUnit = new Map<number, UnitProgress>();
  for (const r of receipts) {
    const entry = byUnit.get(r.unitId) ?? { unitId: r.unitId, confirmed: [], pending: [] };
    (r.confirmedAt ? entry.confirmed : entry.pending).push(r);
    byUnit.set(r.unitId, entry);
  }
  return [...byUnit.values()];
}

export function formatNoticeNumber(now: Date, sequence: number, timeZone: string): string {
  return formatDailyNumber('TZ', now, sequence, timeZone);
}

/** `TZ20261130-0001` as typed (any case, short sequence), or null. */
export function parseNoticeNumber(text: string): string | null {
  return parseDailyNumber('TZ', text);
}
