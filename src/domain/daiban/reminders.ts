/**
 * The reminders of a 代办's time limit, on the task ladder (src/domain/task/reminders.ts): 24 h and
 * 2 h before the limit, at it (to the gridworker and the grid head), 1 and 3 working days after
 * (the community, then the level above). Planned at 受理, silenced by 办结 or 退回.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import { DEFAULT_REMINDER_RUNGS, planReminders, type ReminderPolicy, type Rung } from '../task/reminders';
import { isOpen, type Daiban } from './daiban';

/** The task ladder without its acknowledgement rung (受理 is the acknowledgement). */
export const DAIBAN_REMINDER_POLICY: ReminderPolicy = { deferInQuietHours: true, rungs: DEFAULT_REMINDER_RUNGS.filter((r) => r.silencedBy === 'completion') };

/** The rungs still to come for an accepted request, earliest first (none at or before `now`). */
export function planDaibanReminders(d: Pick<Daiban, 'state' | 'acceptedAt' | 'deadline' | 'deadlineVersion'>, calendar: WorkingCalendar, now: Date, policy: ReminderPolicy = DAIBAN_REMINDER_POLICY): Rung[] {
  if (!isOpen(d) || !d.acceptedAt || !d.deadline) return [];
  const task = { priority: 'normal' as const, state: 'accepted' as const, dispatchedAt: d.acceptedAt, acknowledgedAt: d.acceptedAt, deadline: d.deadline, deadlineVersion: d.deadlineVersion };
  return planReminders(task, { normal: policy, urgent: policy }, calendar, now);
}

/** Whether a rung firing now still applies: the request open, and planned for its current limit. */
export function daibanRungApplies(d: Pick<Daiban, 'state' | 'deadlineVersion'>, deadlineVersion: number): boolean {
  return isOpen(d) && d.deadlineVersion === deadlineVersion;
}

/** A BullMQ-safe job id for a rung (no `:`). */
export function daibanReminderJobId(number: string, rungKey: string, deadlineVersion: number): string {
  return `daiban.${number}.${rungKey}.v${deadlineVersion}`;
}
