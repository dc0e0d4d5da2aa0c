/**
 * The reminders of a notice's receipts, planned with the task ladder's planner
 * (src/domain/task/reminders.ts): working hours after sending, before and at the confirmation
 * deadline, quiet hours respected. A rung concerns the whole notice: when it fires, the recipients
 * who have not confirmed hear of it, and at the deadline the sender gets the list.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import { planReminders, type ReminderPolicy, type Rung, type RungPolicy } from '../task/reminders';
import type { Notice } from './notice';

/** 4 working hours after sending, one working day (7.5 working hours) after, 2 h before the deadline, and the deadline (to the sender). */
export const NOTICE_REMINDER_RUNGS: readonly RungPolicy[] = [
  { key: 'unread-4wh', anchor: { from: 'dispatch', workingHours: 4 }, audience: 'assignee', kind: 'remind', silencedBy: 'acknowledgement' },
  { key: 'unread-1wd', anchor: { from: 'dispatch', workingHours: 7.5 }, audience: 'assignee', kind: 'remind', silencedBy: 'acknowledgement' },
  { key: 'before-2h', anchor: { from: 'deadline', hours: -2 }, audience: 'assignee', kind: 'remind', silencedBy: 'acknowledgement' },
  { key: 'due', anchor: { from: 'deadline', hours: 0 }, audience: 'assignee+gridHead', kind: 'overdue', silencedBy: 'acknowledgement' },
];

export const NOTICE_REMINDER_POLICY: ReminderPolicy = { deferInQuietHours: true, rungs: NOTICE_REMINDER_RUNGS };

/** Far enough that no deadline-anchored rung of a notice without a deadline is ever planned. */
const NO_DEADLINE = new Date(8.64e15);

/** The rungs still to come for a notice, earliest first (none at or before `now`). */
export function planNoticeReminders(notice: Pick<Notice, 'sentAt' | 'deadline'>, calendar: WorkingCalendar, now: Date, policy: ReminderPolicy = NOTICE_REMINDER_POLICY): Rung[] {
  const rungs = notice.deadline ? policy.rungs : policy.rungs.filter((r) => r.anchor.from === 'dispatch');
  const task = { priority: 'normal' as const, state: 'dispatched' as const, dispatchedAt: notice.sentAt, acknowledgedAt: null, deadline: notice.deadline ?? NO_DEADLINE, deadlineVersion: 1 };
  return planReminders(task, { normal: { ...policy, rungs }, urgent: { ...policy, rungs } }, calendar, now);
}

/** A BullMQ-safe job id for a notice's rung (no `:`). */
export function noticeReminderJobId(number: string, rungKey: string): string {
  return `notice.${number}.${rungKey}`;
}
