/**
 * 稍后提醒: a reminder put off by the person it reached. It comes back once, at the chosen time,
 * unless the item is done by then; the ladder's escalation rungs are not moved (a snooze never
 * hides a deadline).
 */
import type { WorkingCalendar } from '../calendar/working-calendar';

export type SnoozeChoice = '30m' | '2h' | 'morning';

export const SNOOZE_CHOICES: readonly SnoozeChoice[] = ['30m', '2h', 'morning'];

/** When a snoozed reminder comes back: in 30 minutes, in 2 hours, or at the start of the next working morning. */
export function snoozeUntil(choice: SnoozeChoice, now: Date, calendar: WorkingCalendar): Date {
  if (choice === '30m') return new Date(now.getTime() + 30 * 60_000);
  if (choice === '2h') return new Date(now.getTime() + 2 * 3_600_000);
  return calendar.officeStartOf(calendar.nextWorkingDay(now));
}

/** A BullMQ-safe job id (no `:`): one return per item, person and snooze time. */
export function snoozeJobId(subject: string, memberId: number, until: Date): string {
  return `snooze.${subject}.m${memberId}.${until.getTime()}`;
}
