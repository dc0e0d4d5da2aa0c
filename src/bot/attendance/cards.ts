/** How attendance records read: a leave request's card, a check's place. */
import type { BotMessage } from '../message';
import { t } from '../texts';
import type { LeaveRecord } from './ports';

export function locationLine(outside: boolean | null, where: string | null): string {
  if (outside === true) return t('attendance.where.outside', { where: where ?? '' });
  if (outside === false) return t('attendance.where.inside', { where: where ?? '' });
  return where ? t('attendance.where.plain', { where }) : t('attendance.where.none');
}

export function leaveCard(leave: LeaveRecord, name: string, gridName: string): BotMessage {
  const title = t('leave.card.title', { id: `L${leave.id}` });
  const fields = [
    { label: t('leave.card.who'), value: `${name}（${gridName}）` },
    { label: t('leave.card.when'), value: leave.start === leave.end ? leave.start : `${leave.start} 至 ${leave.end}` },
    { label: t('leave.card.reason'), value: leave.reason },
  ];
  const buttons = [
    { label: t('leave.button.approve'), command: `准假 L${leave.id}`, style: 'primary' as const },
    { label: t('leave.button.refuse'), command: `驳回请假 L${leave.id}`, style: 'danger' as const },
  ];
  return { text: [title, ...fields.map((f) => `${f.label}：${f.value}`)].join('\n'), card: { title, fields, buttons } };
}
