import { DEFAULT_TIME_ZONE } from '../calendar/working-calendar';
import { DateTime } from 'luxon';
import {
  applyTaskAction,
  availableTaskActions,
  TASK_TRANSITIONS,
  taskRelationsOf,
  type TaskAction,
  type TaskActionResult,
  type TaskActor,
} from './lifecycle';
import { createTask, formatTaskNumber, isOverdue, parseTaskNumber, wasSubmittedLate, type Task, type TaskState } from './task';

function sh(local: string): Date {
  return DateTime.fromISO(local, { zone: DEFAULT_TIME_ZONE }).toJSDate();
}

const DISPATCHER = 1;
const ASSIGNEE = 2;
const STRANGER = 3;
const dispatcher: TaskActor = { memberId: DISPATCHER, relations: ['dispatcher'] };
const assignee: TaskActor = { memberId: ASSIGNEE, relations: ['assignee'] };
const stranger: TaskActor = { memberId: STRANGER, relations: [] };
const dispatchedAt = sh('2026-11-24T10:00');
const now = sh('2026-11-25T09:00');
const deadline = sh('2026-11-27T17:30');

function newTask(overrides: Partial<Task> = {}): Task {
  const created = createTask(
    { number: 'T20261124-0001', title: '入户走访调查', dispatcherId: DISPATCHER, assigneeId: ASSIGNEE, gridId: 7, deadline },
    dispatchedAt,
  );
  if (!created.ok) throw new Error(created.reason);
  return { ...created.task, ...overrides };
}

function inState(state: TaskState, overrides: Partial<Task> = {}): Task {
  const extras: Partial<Task> = {
    accepted: { acknowledgedAt: dispatchedAt },
    extension_requested: {
      acknowledgedAt: dispatchedAt,
      pendingExtension: { deadline: sh('2026-12-02T17:30'), reason: '住户外出', requestedAt: dispatchedAt },
    },
    submitted: { acknowledgedAt: dispatchedAt, submittedAt: now, result: '已完成' },
    done: { acknowledgedAt: dispatchedAt, finishedAt: now },
    withdrawn: { finishedAt: now },
  }[state as string] ?? {};
  return newTask({ state, ...extras, ...overrides });
}

function ok(result: TaskActionResult): Extract<TaskActionResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}

/** A valid example of every action. */
const EXAMPLES: Record<TaskAction['type'], TaskAction> = {
  accept: { type: 'accept' },
  progress: { type: 'progress', note: '已走访20户', attachments: ['photo-1'] },
  complete: { type: 'complete', result: '全部走访完毕', attachments: ['photo-2'] },
  request_extension: { type: 'request_extension', deadline: sh('2026-12-02T17:30'), reason: '部分住户外出' },
  approve_extension: { type: 'approve_extension' },
  refuse_extension: { type: 'refuse_extension', reason: '请按时完成' },
  return: { type: 'return', reason: '不属于本网格' },
  reassign: { type: 'reassign', assigneeId: 9 },
  set_deadline: { type: 'set_deadline', deadline: sh('2026-11-30T17:30') },
  approve: { type: 'approve' },
  reject: { type: 'reject', reason: '照片不清楚' },
  withdraw: { type: 'withdraw', reason: '任务取消' },
};

describe('task creation', () => {
  it('a new task waits for acknowledgement with deadline version 1', () => {
    const task = newTask();
    expect(task).toMatchObject({ state: 'dispatched', deadlineVersion: 1, priority: 'normal', requiresVerification: true, acknowledgedAt: null });
  });

  it('refuses a deadline in the past and a blank title', () => {
    const base = { number: 'T1', title: '调查', dispatcherId: 1, assigneeId: 2, deadline: dispatchedAt };
    expect(createTask(base, dispatchedAt)).toEqual({ ok: false, reason: 'deadline_in_past' });
    expect(createTask({ ...base, title: '  ', deadline }, dispatchedAt)).toEqual({ ok: false, reason: 'title_required' });
  });
});

describe('every allowed transition', () => {
  const cases = TASK_TRANSITIONS.flatMap((row) =>
    row.from.map((from) => ({ row, from, verification: row.when !== 'no_verification' })),
  );
  it.each(cases.map((c) => [`${c.row.action} from ${c.from} by ${c.row.by}${c.row.when ? ` (${c.row.when})` : ''}`, c] as const))(
    '%s',
    (_name, { row, from, verification }) => {
      const task = inState(from, { requiresVerification: verification });
      const actor = row.by === 'assignee' ? assignee : dispatcher;
      const result = ok(applyTaskAction(task, EXAMPLES[row.action], actor, now));
      expect(result.task.state).toBe(row.to === 'same' ? from : row.to);
      const [first] = result.events;
      expect(first).toMatchObject({ type: 'task_action', entry: { action: row.action, actorId: actor.memberId, from, at: now } });
    },
  );
});

describe('what each action does to the task', () => {
  it('签收 records the acknowledgement', () => {
    const { task } = ok(applyTaskAction(newTask(), { type: 'accept' }, assignee, now));
    expect(task.acknowledgedAt).toEqual(now);
  });

  it('办结 waits for the dispatcher\'s check, which finishes it', () => {
    const submitted = ok(applyTaskAction(inState('accepted'), EXAMPLES.complete, assignee, now));
    expect(submitted.task).toMatchObject({ state: 'submitted', result: '全部走访完毕', submittedAt: now, finishedAt: null });
    expect(submitted.events).toContainEqual({ type: 'reminders_ended', taskNumber: 'T20261124-0001' });
    expect(submitted.events[0]).toMatchObject({ entry: { attachments: ['photo-2'], note: '全部走访完毕' } });
    const done = ok(applyTaskAction(submitted.task, { type: 'approve' }, dispatcher, now));
    expect(done.task).toMatchObject({ state: 'done', finishedAt: now });
  });

  it('办结 of a task without verification finishes it at once', () => {
    const { task } = ok(applyTaskAction(inState('accepted', { requiresVerification: false }), EXAMPLES.complete, assignee, now));
    expect(task).toMatchObject({ state: 'done', finishedAt: now });
  });

  it('核查不通过 sends it back to the assignee with the reason', () => {
    const result = ok(applyTaskAction(inState('submitted'), EXAMPLES.reject, dispatcher, now));
    expect(result.task).toMatchObject({ state: 'accepted', submittedAt: null });
    expect(result.events[0]).toMatchObject({ entry: { note: '照片不清楚', to: 'accepted' } });
  });

  it('an approved extension moves the deadline and bumps its version', () => {
    const requested = ok(applyTaskAction(inState('accepted'), EXAMPLES.request_extension, assignee, now));
    expect(requested.task.pendingExtension).toMatchObject({ reason: '部分住户外出', deadline: sh('2026-12-02T17:30') });
    expect(requested.task.deadline).toEqual(deadline);
    const approved = ok(applyTaskAction(requested.task, { type: 'approve_extension' }, dispatcher, now));
    expect(approved.task).toMatchObject({ state: 'accepted', deadline: sh('2026-12-02T17:30'), deadlineVersion: 2, pendingExtension: null });
    expect(approved.events).toContainEqual({ type: 'reminders_replanned', taskNumber: 'T20261124-0001', deadlineVersion: 2 });
  });

  it('a refused extension keeps the deadline and its version', () => {
    const { task, events } = ok(applyTaskAction(inState('extension_requested'), EXAMPLES.refuse_extension, dispatcher, now));
    expect(task).toMatchObject({ state: 'accepted', deadline, deadlineVersion: 1, pendingExtension: null });
    expect(events.map((e) => e.type)).toEqual(['task_action']);
  });

  it('改派 restarts the acknowledgement clock for the new assignee', () => {
    const { task, events } = ok(applyTaskAction(inState('returned'), { type: 'reassign', assigneeId: 9, gridId: 8 }, dispatcher, now));
    expect(task).toMatchObject({ state: 'dispatched', assigneeId: 9, gridId: 8, dispatchedAt: now, acknowledgedAt: null, deadlineVersion: 2 });
    expect(events).toContainEqual({ type: 'reminders_replanned', taskNumber: 'T20261124-0001', deadlineVersion: 2 });
  });

  it('撤回 ends the reminders', () => {
    const { task, events } = ok(applyTaskAction(inState('accepted'), EXAMPLES.withdraw, dispatcher, now));
    expect(task).toMatchObject({ state: 'withdrawn', finishedAt: now });
    expect(events).toContainEqual({ type: 'reminders_ended', taskNumber: 'T20261124-0001' });
  });

  it('a progress note keeps the state and is recorded', () => {
    const { task, events } = ok(applyTaskAction(inState('accepted'), EXAMPLES.progress, assignee, now));
    expect(task.state).toBe('accepted');
    expect(events[0]).toMatchObject({ entry: { note: '已走访20户', from: 'accepted', to: 'accepted' } });
  });
});

describe('every refusal', () => {
  it('someone unrelated is told it is not their task, in any state', () => {
    expect(applyTaskAction(newTask(), { type: 'accept' }, stranger, now)).toEqual({ ok: false, reason: 'not_your_task' });
  });

  it('an action the table does not list for the state is wrong_state, and nothing changes', () => {
    const states: TaskState[] = ['dispatched', 'accepted', 'extension_requested', 'submitted', 'done', 'returned', 'withdrawn'];
    for (const state of states) {
      for (const action of Object.values(EXAMPLES)) {
        const listed = TASK_TRANSITIONS.some((t) => t.action === action.type && t.from.includes(state));
        if (listed) continue;
        const task = inState(state);
        const both: TaskActor = { memberId: 1, relations: ['assignee', 'dispatcher'] };
        // Before 签收 the assignee is told to sign first rather than only "wrong state".
        const expected = state === 'dispatched' && ['progress', 'complete', 'request_extension'].includes(action.type) ? 'not_accepted' : 'wrong_state';
        expect([state, action.type, applyTaskAction(task, action, both, now)]).toEqual([state, action.type, { ok: false, reason: expected }]);
      }
    }
  });

  it('the assignee cannot approve their own work; the dispatcher cannot acknowledge for them', () => {
    expect(applyTaskAction(inState('submitted'), { type: 'approve' }, assignee, now)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(applyTaskAction(newTask(), { type: 'accept' }, dispatcher, now)).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it.each<[string, Task, TaskAction, TaskActor, string]>([
    ['a blank progress note', inState('accepted'), { type: 'progress', note: ' ' }, assignee, 'note_required'],
    ['办结 without a result', inState('accepted'), { type: 'complete', result: '' }, assignee, 'result_required'],
    ['延期 without a reason', inState('accepted'), { type: 'request_extension', deadline: sh('2026-12-02T17:30'), reason: '' }, assignee, 'reason_required'],
    ['延期 to a past date', inState('accepted'), { type: 'request_extension', deadline: sh('2026-11-25T08:00'), reason: '忙' }, assignee, 'deadline_in_past'],
    ['延期 to an earlier date', inState('accepted'), { type: 'request_extension', deadline: sh('2026-11-26T17:30'), reason: '忙' }, assignee, 'extension_not_later'],
    ['退回 without a reason', newTask(), { type: 'return', reason: '' }, assignee, 'reason_required'],
    ['核查不通过 without a reason', inState('submitted'), { type: 'reject', reason: '  ' }, dispatcher, 'reason_required'],
    ['改派 to the same person', inState('returned'), { type: 'reassign', assigneeId: ASSIGNEE }, dispatcher, 'same_assignee'],
    ['改派 of a late task without a new deadline', inState('returned', { deadline: sh('2026-11-24T17:30') }), { type: 'reassign', assigneeId: 9 }, dispatcher, 'deadline_in_past'],
    ['改期 to the past', inState('accepted'), { type: 'set_deadline', deadline: sh('2026-11-24T17:30') }, dispatcher, 'deadline_in_past'],
  ])('%s is refused', (_name, task, action, actor, reason) => {
    expect(applyTaskAction(task, action, actor, now)).toEqual({ ok: false, reason });
  });
});

describe('what a card may offer', () => {
  it('offers the assignee and the dispatcher their own buttons', () => {
    expect(availableTaskActions(newTask(), assignee)).toEqual(['accept', 'return']);
    expect(availableTaskActions(inState('accepted'), assignee)).toEqual(['progress', 'complete', 'request_extension', 'return']);
    expect(availableTaskActions(inState('submitted'), dispatcher)).toEqual(['approve', 'reject', 'withdraw']);
    expect(availableTaskActions(inState('done'), dispatcher)).toEqual([]);
  });

  it('derives relations from the member ids', () => {
    const task = newTask();
    expect(taskRelationsOf(task, ASSIGNEE)).toEqual(['assignee']);
    expect(taskRelationsOf(task, DISPATCHER)).toEqual(['dispatcher']);
    expect(taskRelationsOf(task, STRANGER)).toEqual([]);
  });
});

describe('overdue is derived', () => {
  it('an open task is overdue from its deadline on; a submitted one is not', () => {
    expect(isOverdue(inState('accepted'), sh('2026-11-27T17:29'))).toBe(false);
    expect(isOverdue(inState('accepted'), deadline)).toBe(true);
    expect(isOverdue(inState('submitted'), sh('2026-11-30T10:00'))).toBe(false);
    expect(wasSubmittedLate(inState('submitted', { submittedAt: sh('2026-11-28T10:00') }))).toBe(true);
    expect(wasSubmittedLate(inState('submitted'))).toBe(false);
  });
});

describe('task numbers', () => {
  it('use the Shanghai date and a 4-digit daily sequence', () => {
    expect(formatTaskNumber(new Date('2026-11-21T16:30:00Z'), 7, DEFAULT_TIME_ZONE)).toBe('T20261122-0007');
    expect(formatTaskNumber(sh('2026-11-22T09:00'), 12345, DEFAULT_TIME_ZONE)).toBe('T20261122-12345');
    expect(() => formatTaskNumber(now, 0, DEFAULT_TIME_ZONE)).toThrow(RangeError);
  });

  it('read what users type', () => {
    expect(parseTaskNumber(' t20261122-7 ')).toBe('T20261122-0007');
    expect(parseTaskNumber('T20261122-0007')).toBe('T20261122-0007');
    expect(parseTaskNumber('SJ20261122-0007')).toBeNull();
    expect(parseTaskNumber('T2026-1')).toBeNull();
  });
});
