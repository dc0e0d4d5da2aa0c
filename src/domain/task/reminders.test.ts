import { DEFAULT_TIME_ZONE } from '../calendar/working-calendar';
import { DateTime } from 'luxon';
import { WorkingCalendar } from '../calendar/working-calendar';
import {
  DEFAULT_REMINDER_POLICIES,
  fireDecision,
  planReminders,
  reminderJobId,
  reminderPolicies,
  shouldFire,
  type Rung,
} from './reminders';
import { createTask, type Task, type TaskPriority } from './task';

function sh(local: string): Date {
  return DateTime.fromISO(local, { zone: DEFAULT_TIME_ZONE }).toJSDate();
}
function show(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: DEFAULT_TIME_ZONE }).toFormat("yyyy-MM-dd'T'HH:mm");
}

const calendar = new WorkingCalendar();

function task(dispatched: string, due: string, priority: TaskPriority = 'normal', overrides: Partial<Task> = {}): Task {
  const created = createTask(
    { number: 'T20261124-0001', title: '排查消防隐患', dispatcherId: 1, assigneeId: 2, gridId: 7, deadline: sh(due), priority },
    sh(dispatched),
  );
  if (!created.ok) throw new Error(created.reason);
  return { ...created.task, ...overrides };
}

/** The plan as lines a reviewer can read: `key fireAt audience kind`. */
function plan(t: Task, now?: string): string[] {
  return planReminders(t, DEFAULT_REMINDER_POLICIES, calendar, now ? sh(now) : undefined).map(
    (r) => `${r.key} ${show(r.fireAt)} ${r.audience} ${r.kind}`,
  );
}

describe('the default ladder (issue 4)', () => {
  it('a task dispatched Tuesday 10:00, due Friday 17:30', () => {
    expect(plan(task('2026-11-24T10:00', '2026-11-27T17:30'))).toEqual([
      'ack-2wh 2026-11-24T12:00 assignee remind',
      'before-24h 2026-11-26T17:30 assignee remind',
      'before-2h 2026-11-27T15:30 assignee remind',
      'due 2026-11-27T17:30 assignee+gridHead overdue',
      'overdue-1wd 2026-11-30T17:30 community urge',
      'overdue-3wd 2026-12-02T17:30 levelAbove supervise',
    ]);
  });

  it('every rung carries the deadline version and what silences it', () => {
    const rungs = planReminders(task('2026-11-24T10:00', '2026-11-27T17:30', 'normal', { deadlineVersion: 3 }), DEFAULT_REMINDER_POLICIES, calendar);
    expect(rungs.every((r) => r.deadlineVersion === 3)).toBe(true);
    expect(rungs.map((r) => r.silencedBy)).toEqual(['acknowledgement', 'completion', 'completion', 'completion', 'completion', 'completion']);
  });

  it('escalation after the deadline counts working days across the National Day holiday', () => {
    expect(plan(task('2026-09-28T09:00', '2026-09-30T17:30'))).toEqual([
      'ack-2wh 2026-09-28T11:00 assignee remind',
      'before-24h 2026-09-29T17:30 assignee remind',
      'before-2h 2026-09-30T15:30 assignee remind',
      'due 2026-09-30T17:30 assignee+gridHead overdue',
      'overdue-1wd 2026-10-08T17:30 community urge',
      'overdue-3wd 2026-10-10T17:30 levelAbove supervise',
    ]);
  });

  it('the acknowledgement clock counts office hours only: Friday evening → Monday 10:30', () => {
    expect(plan(task('2026-11-27T20:00', '2026-12-04T17:30'))[0]).toBe('ack-2wh 2026-11-30T10:30 assignee remind');
  });
});

describe('quiet hours (22:00–07:00)', () => {
  it('defer a normal task\'s reminders to 07:00', () => {
    expect(plan(task('2026-11-24T10:00', '2026-11-27T08:00'))).toEqual([
      'ack-2wh 2026-11-24T12:00 assignee remind',
      'before-24h 2026-11-26T08:00 assignee remind',
      'before-2h 2026-11-27T07:00 assignee remind', // 06:00 deferred
      'due 2026-11-27T08:00 assignee+gridHead overdue',
      'overdue-1wd 2026-11-30T08:00 community urge',
      'overdue-3wd 2026-12-02T08:00 levelAbove supervise',
    ]);
  });

  it('do not defer an urgent task\'s reminders', () => {
    expect(plan(task('2026-11-24T10:00', '2026-11-27T08:00', 'urgent'))).toContain('before-2h 2026-11-27T06:00 assignee remind');
  });

  it('move the overdue notice of a late-evening deadline to the morning, unless urgent', () => {
    expect(plan(task('2026-11-24T10:00', '2026-11-26T23:30'))).toContain('due 2026-11-27T07:00 assignee+gridHead overdue');
    expect(plan(task('2026-11-24T10:00', '2026-11-26T23:30', 'urgent'))).toContain('due 2026-11-26T23:30 assignee+gridHead overdue');
  });

  it('drop a reminder that deferral would push past the deadline', () => {
    // Deadline 01:00: "before-2h" at 23:00 would wait until 07:00, after the deadline.
    const lines = plan(task('2026-11-24T10:00', '2026-11-27T01:00'));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['ack-2wh', 'before-24h', 'due', 'overdue-1wd', 'overdue-3wd']);
    expect(lines).toContain('due 2026-11-27T07:00 assignee+gridHead overdue');
  });

  it('for an early-morning deadline, defer the day-before reminder and drop the 2-hour one', () => {
    // Deadline 06:30: before-24h (06:30 the day before) waits until 07:00; before-2h (04:30) would
    // wait until 07:00 too, after the deadline, so it is dropped.
    const lines = plan(task('2026-11-24T10:00', '2026-11-27T06:30'));
    expect(lines).toContain('before-24h 2026-11-26T07:00 assignee remind');
    expect(lines.filter((l) => l.startsWith('before-2h'))).toEqual([]);
  });
});

describe('a task created late', () => {
  it('a task due in 5 hours gets no 24-hour reminder and no late one', () => {
    expect(plan(task('2026-11-24T09:00', '2026-11-24T14:00'))).toEqual([
      'ack-2wh 2026-11-24T11:00 assignee remind',
      'before-2h 2026-11-24T12:00 assignee remind',
      'due 2026-11-24T14:00 assignee+gridHead overdue',
      'overdue-1wd 2026-11-25T14:00 community urge',
      'overdue-3wd 2026-11-27T14:00 levelAbove supervise',
    ]);
  });

  it('an acknowledgement reminder that would fall on the deadline yields to the due rung', () => {
    // 16:00 + 2 working hours = next day 09:00, which is the deadline itself.
    expect(plan(task('2026-11-24T16:00', '2026-11-25T09:00')).map((l) => l.split(' ')[0])).toEqual(['before-2h', 'due', 'overdue-1wd', 'overdue-3wd']);
  });

  it('an acknowledgement reminder at the same time as "before-2h" is merged into it', () => {
    expect(plan(task('2026-11-24T10:00', '2026-11-24T14:00')).map((l) => l.split(' ')[0])).toEqual(['before-2h', 'due', 'overdue-1wd', 'overdue-3wd']);
  });

  it('re-planning later keeps only the rungs still to come', () => {
    const t = task('2026-11-24T10:00', '2026-11-27T17:30', 'normal', { state: 'accepted', acknowledgedAt: sh('2026-11-24T10:30') });
    expect(plan(t, '2026-11-27T16:00').map((l) => l.split(' ')[0])).toEqual(['due', 'overdue-1wd', 'overdue-3wd']);
  });

  it('an acknowledged task gets no acknowledgement reminder; a finished one gets nothing', () => {
    const accepted = task('2026-11-24T10:00', '2026-11-27T17:30', 'normal', { state: 'accepted', acknowledgedAt: sh('2026-11-24T10:30') });
    expect(plan(accepted)[0]).toMatch(/^before-24h/);
    expect(plan({ ...accepted, state: 'submitted' })).toEqual([]);
    expect(plan({ ...accepted, state: 'done' })).toEqual([]);
    expect(plan({ ...accepted, state: 'withdrawn' })).toEqual([]);
  });
});

describe('a deployment\'s own policy', () => {
  it('can change one priority and keep the other', () => {
    const policies = reminderPolicies({
      urgent: {
        rungs: [
          { key: 'ack-30m', anchor: { from: 'dispatch', workingHours: 0.5 }, audience: 'assignee', kind: 'remind', silencedBy: 'acknowledgement' },
          { key: 'due', anchor: { from: 'deadline', hours: 0 }, audience: 'assignee+gridHead', kind: 'overdue', silencedBy: 'completion' },
        ],
      },
    });
    expect(policies.normal).toEqual(DEFAULT_REMINDER_POLICIES.normal);
    expect(policies.urgent.deferInQuietHours).toBe(false);
    const rungs = planReminders(task('2026-11-24T10:00', '2026-11-24T23:00', 'urgent'), policies, calendar);
    expect(rungs.map((r) => `${r.key} ${show(r.fireAt)}`)).toEqual(['ack-30m 2026-11-24T10:30', 'due 2026-11-24T23:00']);
  });

  it('a single rung may override the quiet-hours rule', () => {
    const policies = reminderPolicies({
      normal: {
        rungs: [{ key: 'due', anchor: { from: 'deadline', hours: 0 }, audience: 'assignee+gridHead', kind: 'overdue', silencedBy: 'completion', deferInQuietHours: false }],
      },
    });
    const rungs = planReminders(task('2026-11-24T10:00', '2026-11-24T23:00'), policies, calendar);
    expect(rungs.map((r) => show(r.fireAt))).toEqual(['2026-11-24T23:00']);
  });
});

describe('when a rung fires', () => {
  const dispatched = task('2026-11-24T10:00', '2026-11-27T17:30');
  const [ackRung, before24h] = planReminders(dispatched, DEFAULT_REMINDER_POLICIES, calendar) as [Rung, Rung];
  const at = sh('2026-11-26T17:30');

  it('fires for an open task of the same deadline version', () => {
    expect(fireDecision(dispatched, ackRung, 1, at)).toEqual({ fire: true });
    expect(shouldFire({ ...dispatched, state: 'accepted', acknowledgedAt: at }, before24h, 1, at)).toBe(true);
    expect(shouldFire({ ...dispatched, state: 'extension_requested', acknowledgedAt: at }, before24h, 1, at)).toBe(true);
  });

  it('stays silent once the task is acknowledged, for the acknowledgement rung only', () => {
    expect(fireDecision({ ...dispatched, state: 'accepted', acknowledgedAt: at }, ackRung, 1, at)).toEqual({ fire: false, reason: 'acknowledged' });
  });

  it('stays silent for finished, submitted, returned and withdrawn tasks', () => {
    for (const state of ['done', 'submitted', 'returned', 'withdrawn'] as const) {
      expect(fireDecision({ ...dispatched, state }, before24h, 1, at)).toEqual({ fire: false, reason: 'not_active' });
    }
  });

  it('stays silent for a rung of an older deadline', () => {
    expect(fireDecision({ ...dispatched, deadlineVersion: 2 }, before24h, 1, at)).toEqual({ fire: false, reason: 'stale_version' });
  });

  it('job ids are unique per task, rung and version, and contain no colon', () => {
    expect(reminderJobId('T20261124-0001', 'before-2h', 2)).toBe('reminder.T20261124-0001.before-2h.v2');
    expect(reminderJobId('T20261124-0001', 'before-2h', 2)).not.toContain(':');
  });
});
