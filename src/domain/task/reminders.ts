/**
 * The reminder ladder (提醒、逾期、催办、督办) as a pure plan: from a task, a policy and the working
 * calendar, the rungs to schedule; and, when a rung's job fires, whether it still applies.
 */
import type { WorkingCalendar } from '../calendar/working-calendar';
import { isActiveTask, type Task, type TaskPriority } from './task';

/** Who hears of a rung. The bot resolves these to people from the org tree. */
export type RungAudience =
  /** the assignee alone */
  | 'assignee'
  /** the assignee and the head of the task's grid (网格长) */
  | 'assignee+gridHead'
  /** the community (社区) above the grid */
  | 'community'
  /** the level above the community, i.e. the town (镇/街道) centre */
  | 'levelAbove';

export type RungKind =
  /** 提醒 */
  | 'remind'
  /** 逾期: the deadline has passed */
  | 'overdue'
  /** 催办: urging from the level above the assignee */
  | 'urge'
  /** 督办: supervision listed for the level above */
  | 'supervise';

/** What silences a rung: acknowledging the task, or finishing it. */
export type RungSilencer = 'acknowledgement' | 'completion';

/** When a rung fires, relative to the task. */
export type RungAnchor =
  /** Working hours after the task was dispatched (to its current assignee). */
  | { from: 'dispatch'; workingHours: number }
  /** Hours relative to the deadline: negative before it, 0 at it. */
  | { from: 'deadline'; hours: number }
  /** Working days after the deadline ({@link WorkingCalendar.addWorkingDays}). */
  | { from: 'deadline'; workingDays: number };

export interface RungPolicy {
  /** Stable, part of the job id: keep it when tuning a deployment. */
  key: string;
  anchor: RungAnchor;
  audience: RungAudience;
  kind: RungKind;
  silencedBy: RungSilencer;
  /** Overrides the policy's {@link ReminderPolicy.deferInQuietHours} for this rung. */
  deferInQuietHours?: boolean;
}

export interface ReminderPolicy {
  /** Whether rungs falling in quiet hours wait for the morning (non-urgent) or go at once (urgent). */
  deferInQuietHours: boolean;
  rungs: readonly RungPolicy[];
}

/** One policy per priority; a deployment overrides this object as a whole or per priority. */
export type ReminderPolicies = Readonly<Record<TaskPriority, ReminderPolicy>>;

/** The ladder of issue 4: 2 working hours to acknowledge, 24 h and 2 h before, due, 1 and 3 working days late. */
export const DEFAULT_REMINDER_RUNGS: readonly RungPolicy[] = [
  { key: 'ack-2wh', anchor: { from: 'dispatch', workingHours: 2 }, audience: 'assignee', kind: 'remind', silencedBy: 'acknowledgement' },
  { key: 'before-24h', anchor: { from: 'deadline', hours: -24 }, audience: 'assignee', kind: 'remind', silencedBy: 'completion' },
  { key: 'before-2h', anchor: { from: 'deadline', hours: -2 }, audience: 'assignee', kind: 'remind', silencedBy: 'completion' },
  { key: 'due', anchor: { from: 'deadline', hours: 0 }, audience: 'assignee+gridHead', kind: 'overdue', silencedBy: 'completion' },
  { key: 'overdue-1wd', anchor: { from: 'deadline', workingDays: 1 }, audience: 'community', kind: 'urge', silencedBy: 'completion' },
  { key: 'overdue-3wd', anchor: { from: 'deadline', workingDays: 3 }, audience: 'levelAbove', kind: 'supervise', silencedBy: 'completion' },
];

/**
 * @defaultValue 普通: the default ladder, deferred out of quiet hours (22:00–07:00) to 07:00;
 * 紧急: the same ladder, never deferred.
 */
export const DEFAULT_REMINDER_POLICIES: ReminderPolicies = {
  normal: { deferInQuietHours: true, rungs: DEFAULT_REMINDER_RUNGS },
  urgent: { deferInQuietHours: false, rungs: DEFAULT_REMINDER_RUNGS },
};

/** A deployment's overrides on top of the defaults, per priority. */
export function reminderPolicies(overrides: Partial<Record<TaskPriority, Partial<ReminderPolicy>>> = {}): ReminderPolicies {
  return {
    normal: { ...DEFAULT_REMINDER_POLICIES.normal, ...overrides.normal },
    urgent: { ...DEFAULT_REMINDER_POLICIES.urgent, ...overrides.urgent },
  };
}

/** One scheduled step of the ladder. Serialisable: it can ride in a job's payload. */
export interface Rung {
  key: string;
  fireAt: Date;
  audience: RungAudience;
  kind: RungKind;
  silencedBy: RungSilencer;
  /** The task's deadline version the rung was planned for. */
  deadlineVersion: number;
}

type PlannableTask = Pick<Task, 'priority' | 'state' | 'dispatchedAt' | 'acknowledgedAt' | 'deadline' | 'deadlineVersion'>;

/**
 * The rungs still to come for a task, earliest first.
 *
 * - Non-urgent rungs inside quiet hours move to the end of quiet hours (07:00); urgent ones don't.
 * - A reminder (`remind`) that would fire at or after the deadline is dropped: the `due` rung
 *   says more. Two reminders at the same instant (after deferral) become one, the later rung.
 * - A rung not after `now` is dropped, never fired late: a task dispatched 5 h before its
 *   deadline gets no `before-24h` (the dispatch message itself states the deadline). Escalation
 *   rungs cannot be in the past for a new task, because its deadline is in the future.
 * - A task that no longer owes work gets no rungs; an acknowledged one no acknowledgement rung.
 *
 * @param now when the plan is made; defaults to the task's dispatch time.
 */
export function planReminders(
  task: PlannableTask,
  policies: ReminderPolicies,
  calendar: WorkingCalendar,
  now: Date = task.dispatchedAt,
): Rung[] {
  if (!isActiveTask(task)) return [];
  const policy = policies[task.priority];
  const start = Math.max(now.getTime(), task.dispatchedAt.getTime());
  const deadline = task.deadline.getTime();

  const planned = policy.rungs
    .filter((rung) => !(rung.silencedBy === 'acknowledgement' && task.acknowledgedAt !== null))
    .map((rung, order) => {
      const raw = anchorTime(rung.anchor, task, calendar);
      const defer = rung.deferInQuietHours ?? policy.deferInQuietHours;
      const fireAt = defer ? calendar.nextOutOfQuiet(raw) : raw;
      return { order, rung: toRung(rung, fireAt, task.deadlineVersion) };
    })
    .filter(({ rung }) => rung.fireAt.getTime() > start)
    .filter(({ rung }) => !(rung.kind === 'remind' && rung.fireAt.getTime() >= deadline));

  const byTime = [...planned].sort((a, b) => a.rung.fireAt.getTime() - b.rung.fireAt.getTime() || a.order - b.order);
  return byTime
    .filter(({ rung }, i) => {
      const following = byTime[i + 1]?.rung;
      return !(following && rung.kind === 'remind' && following.kind === 'remind' && following.fireAt.getTime() === rung.fireAt.getTime());
    })
    .map(({ rung }) => rung);
}

function anchorTime(anchor: RungAnchor, task: PlannableTask, calendar: WorkingCalendar): Date {
  if (anchor.from === 'dispatch') return calendar.addWorkingHours(task.dispatchedAt, anchor.workingHours);
  if ('workingDays' in anchor) return calendar.addWorkingDays(task.deadline, anchor.workingDays);
  return new Date(task.deadline.getTime() + anchor.hours * 3_600_000);
}

function toRung(policy: RungPolicy, fireAt: Date, deadlineVersion: number): Rung {
  return { key: policy.key, fireAt, audience: policy.audience, kind: policy.kind, silencedBy: policy.silencedBy, deadlineVersion };
}

export type FireDecision =
  | { fire: true }
  | {
      fire: false;
      reason:
        /** done, withdrawn, submitted or returned: the assignee owes nothing now */
        | 'not_active'
        /** an acknowledgement reminder for a task already acknowledged */
        | 'acknowledged'
        /** planned for an older deadline: the newer plan has its own rung */
        | 'stale_version';
    };

/**
 * Whether a rung's job, firing now, should still send its message. The job carries the rung and
 * the deadline version it was planned for; the task is read fresh from storage.
 */
export function fireDecision(
  task: Pick<Task, 'state' | 'acknowledgedAt' | 'deadlineVersion'>,
  rung: Pick<Rung, 'silencedBy'>,
  deadlineVersion: number,
  _now: Date,
): FireDecision {
  if (!isActiveTask(task)) return { fire: false, reason: 'not_active' };
  if (deadlineVersion !== task.deadlineVersion) return { fire: false, reason: 'stale_version' };
  if (rung.silencedBy === 'acknowledgement' && (task.acknowledgedAt !== null || task.state !== 'dispatched')) {
    return { fire: false, reason: 'acknowledged' };
  }
  return { fire: true };
}

/** {@link fireDecision} as a yes/no. */
export function shouldFire(
  task: Pick<Task, 'state' | 'acknowledgedAt' | 'deadlineVersion'>,
  rung: Pick<Rung, 'silencedBy'>,
  deadlineVersion: number,
  now: Date,
): boolean {
  return fireDecision(task, rung, deadlineVersion, now).fire;
}

/**
 * A BullMQ-safe job id for a rung (no `:`), unique per task, rung and deadline version, so a
 * re-plan of the same version schedules nothing twice and a new version schedules afresh.
 */
export function reminderJobId(taskNumber: string, rungKey: string, deadlineVersion: number): string {
  return `reminder.${taskNumber}.${rungKey}.v${deadlineVersion}`;
}
