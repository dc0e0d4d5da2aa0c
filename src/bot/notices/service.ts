/**
 * The use cases of 通知 with 回执: send a notice to members, units (their whole subtree) or a role
 * within a unit; confirm it (收到, with the short reply it may ask for); show who confirmed, per
 * unit; remind those who have not, on the notice ladder. Refusals are SessionErrors the bot words.
 */
import { hasAuthority, isWithin, roleRank, type Member, type OrgUnit, type Role } from '../../domain/org/org';
import { confirmReceipt, formatNoticeNumber, progressByUnit, type NoticeReplyKind, type Receipt } from '../../domain/notice/notice';
import { noticeReminderJobId, planNoticeReminders } from '../../domain/notice/reminders';
import type { Rung } from '../../domain/task/reminders';
import { SessionError } from '../errors';
import type { BotMessage } from '../message';
import { Notifier } from '../notify';
import type { Tx } from '../ports';
import { t } from '../texts';
import { noticeCard, progressText, publicNoticeMessage, reminderCard } from './cards';
import type { NoticeRecord, NoticesRepos } from './ports';

export const NOTICE_REMINDER_TIMER = 'notice.reminder';

/** One named recipient set: a member, a unit's whole subtree, or one role within a unit's subtree. */
export type NoticeTarget = { kind: 'member'; memberId: number } | { kind: 'unit'; unit: OrgUnit } | { kind: 'role'; unit: OrgUnit; role: Role };

export interface SendNoticeInput {
  targets: NoticeTarget[];
  /** The targets as typed, for the cards. */
  audience: string;
  body: string;
  deadline: Date | null;
  replyKind: NoticeReplyKind;
  isPublic: boolean;
  attachments: string[];
}

/** Who may send notices: a grid head or above, or a department (职能部门). */
export const NOTICE_SENDERS = { anyOf: ['grid_head', 'department'] } as const;

/** Whether `sender` may send a notice to a unit: a grid head or above there, or a department above it. */
export function maySendTo(sender: Member, unitPath: string): boolean {
  return sender.roles.some((g) => (roleRank(g.role) >= roleRank('grid_head') || g.role === 'department') && isWithin(unitPath, g.unitPath));
}

export class NoticeService<R extends NoticesRepos = NoticesRepos> {
  async send(tx: Tx<R>, sender: Member, input: SendNoticeInput): Promise<{ notice: NoticeRecord; receipts: Receipt[] }> {
    const receipts = await this.recipients(tx, sender, input.targets);
    if (!receipts.length) throw new SessionError('notice.err.noRecipients', { audience: input.audience });
    const day = tx.calendar.localDate(tx.now);
    const number = formatNoticeNumber(tx.now, await tx.repos.sequences.next(`notice-${day}`), tx.calendar.timeZone);
    const notice = await tx.repos.notices.create({ number, audience: input.audience, body: input.body, senderId: sender.id, deadline: input.deadline, replyKind: input.replyKind, isPublic: input.isPublic, attachments: input.attachments, sentAt: tx.now }, receipts);
    const notify = new Notifier(tx);
    const card = noticeCard(notice, sender.name, tx.calendar, tx.now);
    for (const r of receipts) await notify.member(r.memberId, card);
    if (notice.isPublic) await this.postPublic(tx, notice, input.targets);
    for (const rung of planNoticeReminders(notice, tx.calendar, tx.now)) {
      tx.effects.schedule({ name: NOTICE_REMINDER_TIMER, jobId: noticeReminderJobId(number, rung.key), data: { number, rung: { ...rung, fireAt: rung.fireAt.toISOString() } }, runAt: rung.fireAt });
    }
    await tx.repos.audit.record({ at: tx.now, actorMemberId: sender.id, action: 'notice.send', target: number, detail: { recipients: receipts.length, isPublic: notice.isPublic } });
    return { notice, receipts };
  }

  /** A recipient confirms (收到), with the reply the notice asks for. */
  async confirm(tx: Tx<R>, member: Member, number: string, reply: string): Promise<{ notice: NoticeRecord; receipt: Receipt }> {
    const notice = await this.byNumber(tx, number);
    const receipt = await tx.repos.notices.receiptOf(notice.id, member.id, true);
    if (!receipt) throw new SessionError('notice.err.notRecipient', { number });
    const outcome = confirmReceipt(notice, receipt, reply, tx.now);
    if (!outcome.ok) throw new SessionError(`notice.refusal.${outcome.reason}`, { number, confirmedAt: receipt.confirmedAt ? tx.calendar.formatMoment(receipt.confirmedAt, tx.now) : '' });
    await tx.repos.notices.saveReceipt(notice.id, outcome.receipt);
    return { notice, receipt: outcome.receipt };
  }

  /** 通知进度: the sender sees every unit; a leader the units within their authority. */
  async progress(tx: Tx<R>, member: Member, number: string): Promise<string> {
    const notice = await this.byNumber(tx, number);
    const groups = progressByUnit(await tx.repos.notices.receipts(notice.id));
    const visible: { unit: OrgUnit; confirmed: Receipt[]; pending: Receipt[] }[] = [];
    for (const g of groups) {
      const unit = await tx.repos.org.unit(g.unitId);
      if (!unit) continue;
      if (notice.senderId === member.id || hasAuthority(member, unit.path, 'grid_head')) visible.push({ unit, confirmed: g.confirmed, pending: g.pending });
    }
    if (!visible.length) throw new SessionError('notice.err.notYours', { number });
    return progressText(tx, notice, visible);
  }

  /** A rung of the ladder: the recipients who have not confirmed are reminded; at the deadline the sender gets the list. */
  async remind(tx: Tx<R>, number: string, rung: Pick<Rung, 'kind' | 'key'>): Promise<number> {
    const notice = await tx.repos.notices.byNumber(number);
    if (!notice) return 0;
    const pending = (await tx.repos.notices.receipts(notice.id)).filter((r) => !r.confirmedAt);
    if (!pending.length) return 0;
    const notify = new Notifier(tx);
    const sender = await tx.repos.org.memberSummary(notice.senderId);
    for (const r of pending) await notify.member(r.memberId, reminderCard(notice, sender?.name ?? '', tx.calendar, tx.now, rung.kind === 'overdue'));
    if (rung.kind === 'overdue') await notify.member(notice.senderId, this.pendingListMessage(notice, await this.progress(tx, { id: notice.senderId, name: sender?.name ?? '', roles: [] }, notice.number)));
    return pending.length;
  }

  /** The reminder a snoozed notice returns with, or null when the member has confirmed (or never was a recipient). */
  async snoozedReminder(tx: Tx<R>, number: string, memberId: number): Promise<BotMessage | null> {
    const notice = await tx.repos.notices.byNumber(number);
    if (!notice) return null;
    const receipt = await tx.repos.notices.receiptOf(notice.id, memberId);
    if (!receipt || receipt.confirmedAt) return null;
    const sender = await tx.repos.org.memberSummary(notice.senderId);
    return reminderCard(notice, sender?.name ?? '', tx.calendar, tx.now, false);
  }

  private pendingListMessage(notice: NoticeRecord, progress: string): BotMessage {
    const text = [t('notice.due.sender', { number: notice.number }), progress].join('\n');
    return { text, card: { title: t('notice.card.due', { number: notice.number }), lines: text.split('\n'), buttons: [{ label: t('notice.button.progress'), command: `通知进度 ${notice.number}` }] } };
  }

  private async byNumber(tx: Tx<R>, number: string): Promise<NoticeRecord> {
    const notice = await tx.repos.notices.byNumber(number);
    if (!notice) throw new SessionError('notice.err.unknown', { number });
    return notice;
  }

  /** Every member the targets name, once each (the first target naming them gives the unit), the sender left out. */
  private async recipients(tx: Tx<R>, sender: Member, targets: NoticeTarget[]): Promise<Receipt[]> {
    const byMember = new Map<number, Receipt>();
    const add = (memberId: number, unitId: number) => {
      if (memberId !== sender.id && !byMember.has(memberId)) byMember.set(memberId, { memberId, unitId, confirmedAt: null, reply: null });
    };
    for (const target of targets) {
      if (target.kind === 'member') {
        const member = await tx.repos.org.member(target.memberId);
        const grant = member?.roles.find((g) => maySendTo(sender, g.unitPath)) ?? null;
        if (!member || !grant) throw new SessionError('notice.err.memberOutside', { name: member?.name ?? String(target.memberId) });
        add(member.id, grant.unitId);
        continue;
      }
      if (!maySendTo(sender, target.unit.path)) throw new SessionError('notice.err.unitOutside', { unit: target.unit.name });
      for (const m of await tx.repos.org.membersUnder(target.unit.path)) {
        if (target.kind === 'role' && m.role !== target.role) continue;
        add(m.id, m.unitId);
      }
    }
    return [...byMember.values()];
  }

  /** 政策宣传: the notice as a post in every group bound to a target unit or a unit below it. */
  private async postPublic(tx: Tx<R>, notice: NoticeRecord, targets: NoticeTarget[]): Promise<void> {
    const notify = new Notifier(tx);
    const seen = new Set<string>();
    for (const target of targets) {
      if (target.kind === 'member') continue;
      for (const unit of await tx.repos.org.subtree(target.unit.path)) {
        for (const c of await tx.repos.org.conversationsOf(unit.id)) {
          const key = `${c.channel}|${c.conversationId}`;
          if (seen.has(key)) continue;
          seen.add(key);
          notify.conversation(c.channel, c.conversationId, publicNoticeMessage(notice));
        }
      }
    }
  }
}
