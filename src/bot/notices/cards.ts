/** How notices read: the recipient's card, the reminder, the public post and 通知进度. */
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { OrgUnit } from '../../domain/org/org';
import type { Receipt } from '../../domain/notice/notice';
import type { BotMessage, CardButton, CardField } from '../message';
import type { Tx } from '../ports';
import { snoozeButton } from '../snooze/button';
import { t } from '../texts';
import type { NoticeRecord, NoticesRepos } from './ports';

function fields(notice: NoticeRecord, senderName: string, calendar: WorkingCalendar, now: Date): CardField[] {
  const out: CardField[] = [
    { label: t('notice.field.number'), value: notice.number },
    { label: t('notice.field.sender'), value: senderName },
  ];
  if (notice.deadline) out.push({ label: t('notice.field.deadline'), value: calendar.formatMoment(notice.deadline, now) });
  out.push({ label: t('notice.field.receipt'), value: t(`notice.reply.${notice.replyKind}`) });
  return out;
}

/** What confirming takes: a 收到 button, or the reply to type. */
function howToConfirm(notice: NoticeRecord): { line: string; buttons: CardButton[] } {
  if (notice.replyKind === 'ack') return { line: t('notice.howTo.ack', { number: notice.number }), buttons: [{ label: t('notice.button.ack'), command: `回执 ${notice.number}`, style: 'primary' }] };
  return { line: t(`notice.howTo.${notice.replyKind}`, { number: notice.number }), buttons: [] };
}

function bodyLines(notice: NoticeRecord): string[] {
  return [...notice.body.split('\n'), ...notice.attachments.map((a, i) => t('notice.attachment', { n: i + 1, ref: a }))];
}

function message(title: string, flds: CardField[], lines: string[], buttons: CardButton[]): BotMessage {
  const text = [`【${title}】`, ...flds.map((f) => `${f.label}：${f.value}`), ...lines].join('\n');
  return { text, card: { title, fields: flds, lines, buttons } };
}

export function noticeCard(notice: NoticeRecord, senderName: string, calendar: WorkingCalendar, now: Date): BotMessage {
  const how = howToConfirm(notice);
  return message(t('notice.card.new', { number: notice.number }), fields(notice, senderName, calendar, now), [...bodyLines(notice), how.line], how.buttons);
}

/** A reminder to confirm: the notice again, with 收到 (or the reply to type) and 稍后提醒. */
export function reminderCard(notice: NoticeRecord, senderName: string, calendar: WorkingCalendar, now: Date, atDeadline: boolean): BotMessage {
  const how = howToConfirm(notice);
  const lead = t(atDeadline ? 'notice.remind.due' : 'notice.remind.unread', { number: notice.number });
  return message(t('notice.card.remind', { number: notice.number }), fields(notice, senderName, calendar, now), [lead, ...bodyLines(notice), how.line], [...how.buttons, snoozeButton(notice.number)]);
}

/** 政策宣传 in a group: the text only, no receipt asked of the group. */
export function publicNoticeMessage(notice: NoticeRecord): BotMessage {
  const lines = bodyLines(notice);
  const title = t('notice.card.public');
  return { text: [`【${title}】`, ...lines].join('\n'), card: { title, lines } };
}

export async function progressText(tx: Tx<NoticesRepos>, notice: NoticeRecord, groups: { unit: OrgUnit; confirmed: Receipt[]; pending: Receipt[] }[]): Promise<string> {
  const name = async (id: number) => (await tx.repos.org.memberSummary(id))?.name ?? `#${id}`;
  const total = groups.reduce((n, g) => n + g.confirmed.length + g.pending.length, 0);
  const done = groups.reduce((n, g) => n + g.confirmed.length, 0);
  const lines = [t('notice.progress.head', { number: notice.number, done, total })];
  for (const g of groups) {
    lines.push(t('notice.progress.unit', { unit: g.unit.name, done: g.confirmed.length, total: g.confirmed.length + g.pending.length }));
    if (g.pending.length) lines.push(t('notice.progress.pending', { names: (await Promise.all(g.pending.map((r) => name(r.memberId)))).join('、') }));
    for (const r of g.confirmed) {
      const at = tx.calendar.formatMoment(r.confirmedAt!, tx.now);
      lines.push(r.reply ? t('notice.progress.replied', { name: await name(r.memberId), at, reply: r.reply }) : t('notice.progress.confirmed', { name: await name(r.memberId), at }));
    }
  }
  return lines.join('\n');
}
