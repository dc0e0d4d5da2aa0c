/**
 * The task's life cycle as a table: which action moves which state where, and who may take it.
 * `applyTaskAction` returns the new task and the records to store, or a stable refusal code.
 */
import { isActiveTask, type Task, type TaskState } from './task';

/** How an actor stands to a task; the bot derives it (a superior acting for the dispatcher is a dispatcher). */
export type TaskRelation = 'assignee' | 'dispatcher';

export interface TaskActor {
  memberId: number;
  relations: readonly TaskRelation[];
}

/** The plain relations of a member to a task; the bot may add `dispatcher` for a superior. */
export function taskRelationsOf(task: Pick<Task, 'assigneeId' | 'dispatcherId'>, memberId: number): TaskRelation[] {
  const relations: TaskRelation[] = [];
  if (task.assigneeId === memberId) relations.push('assignee');
  if (task.dispatcherId === memberId) relations.push('dispatcher');
  return relations;
}

export type TaskAction =
  /** 签收 / 接单 */
  | { type: 'accept' }
  /** 进度: a progress note */
  | { type: 'progress'; note: string; attachments?: readonly string[] }
  /** 办结: done, with a result and photos */
  | { type: 'complete'; result: string; attachments?: readonly string[] }
  /** 申请延期 */
  | { type: 'request_extension'; deadline: Date; reason: string }
  /** 同意延期 */
  | { type: 'approve_extension'; note?: string }
  /** 不同意延期 */
  | { type: 'refuse_extension'; reason?: string }
  /** 退回: the assignee hands the task back */
  | { type: 'return'; reason: string }
  /** 改派: the dispatcher gives the task to someone else (optionally with a new deadline) */
  | { type: 'reassign'; assigneeId: number; gridId?: number | null; deadline?: Date; note?: string }
  /** 改期: the dispatcher sets a new deadline */
  | { type: 'set_deadline'; deadline: Date; note?: string }
  /** 核查通过 */
  | { type: 'approve'; note?: string }
  /** 核查不通过: back to the assignee */
  | { type: 'reject'; reason: string }
  /** 撤回 */
  | { type: 'withdraw'; reason?: string };

export type TaskActionType = TaskAction['type'];

export type TaskRefusal =
  /** The action does not apply in the task's current state. */
  | 'wrong_state'
  /** The actor has no relation to the task at all. */
  | 'not_your_task'
  /** The actor is related, but this action belongs to the other party. */
  | 'not_allowed'
  | 'reason_required'
  | 'result_required'
  | 'note_required'
  | 'deadline_in_past'
  /** A requested extension must be later than the current deadline. */
  | 'extension_not_later'
  | 'same_assignee'
  /** 进度 / 办结 / 申请延期 before 签收: say to sign first. */
  | 'not_accepted';

/** A row of the history (办理记录). */
export interface TaskHistoryEntry {
  taskNumber: string;
  action: TaskActionType;
  actorId: number;
  at: Date;
  from: TaskState;
  to: TaskState;
  note: string | null;
  attachments: readonly string[];
  /** The deadline after the action, when the action set one. */
  deadline: Date | null;
}

/** What happened, for the bot to store and turn into messages and reminder jobs. */
export type TaskDomainEvent =
  | { type: 'task_action'; entry: TaskHistoryEntry }
  /** The reminder plan changed: schedule the rungs of the new `deadlineVersion`. */
  | { type: 'reminders_replanned'; taskNumber: string; deadlineVersion: number }
  /** No reminder of this task applies any more: pending jobs may be removed. */
  | { type: 'reminders_ended'; taskNumber: string };

export type TaskActionResult =
  | { ok: true; task: Task; events: TaskDomainEvent[] }
  | { ok: false; reason: TaskRefusal };

/** A named condition a row depends on, so the table stays data. */
type TaskGuard = 'verification_required' | 'no_verification';

const GUARDS: Record<TaskGuard, (task: Task) => boolean> = {
  verification_required: (task) => task.requiresVerification,
  no_verification: (task) => !task.requiresVerification,
};

export interface TaskTransition {
  action: TaskActionType;
  from: readonly TaskState[];
  by: TaskRelation;
  /** `'same'` keeps the state (a note on the record). */
  to: TaskState | 'same';
  when?: TaskGuard;
}

const WORKING: readonly TaskState[] = ['accepted', 'extension_requested'];
const OPEN: readonly TaskState[] = ['dispatched', 'accepted', 'extension_requested', 'submitted', 'returned'];

/** What the assignee can do only once the task is signed for (签收). */
const NEEDS_ACCEPTANCE = new Set<TaskAction['type']>(['progress', 'complete', 'request_extension']);

/** The whole life cycle. A (state, action) pair not listed here is refused as `wrong_state`. */
export const TASK_TRANSITIONS: readonly TaskTransition[] = [
  { action: 'accept', from: ['dispatched'], by: 'assignee', to: 'accepted' },
  { action: 'progress', from: WORKING, by: 'assignee', to: 'same' },
  { action: 'complete', from: WORKING, by: 'assignee', to: 'submitted', when: 'verification_required' },
  { action: 'complete', from: WORKING, by: 'assignee', to: 'done', when: 'no_verification' },
  { action: 'request_extension', from: ['accepted'], by: 'assignee', to: 'extension_requested' },
  { action: 'approve_extension', from: ['extension_requested'], by: 'dispatcher', to: 'accepted' },
  { action: 'refuse_extension', from: ['extension_requested'], by: 'dispatcher', to: 'accepted' },
  { action: 'return', from: ['dispatched', 'accepted'], by: 'assignee', to: 'returned' },
  { action: 'reassign', from: ['dispatched', 'accepted', 'extension_requested', 'returned'], by: 'dispatcher', to: 'dispatched' },
  { action: 'set_deadline', from: ['dispatched', 'accepted', 'extension_requested'], by: 'dispatcher', to: 'same' },
  { action: 'approve', from: ['submitted'], by: 'dispatcher', to: 'done' },
  { action: 'reject', from: ['submitted'], by: 'dispatcher', to: 'accepted' },
  { action: 'withdraw', from: OPEN, by: 'dispatcher', to: 'withdrawn' },
];

/** What an action demands of its arguments, checked before anything changes. */
function validate(task: Task, action: TaskAction, now: Date): TaskRefusal | null {
  switch (action.type) {
    case 'progress':
      return blank(action.note) ? 'note_required' : null;
    case 'complete':
      return blank(action.result) ? 'result_required' : null;
    case 'request_extension':
      if (blank(action.reason)) return 'reason_required';
      if (action.deadline.getTime() <= now.getTime()) return 'deadline_in_past';
      return action.deadline.getTime() <= task.deadline.getTime() ? 'extension_not_later' : null;
    case 'return':
    case 'reject':
      return blank(action.reason) ? 'reason_required' : null;
    case 'reassign':
      if (action.assigneeId === task.assigneeId) return 'same_assignee';
      return (action.deadline ?? task.deadline).getTime() <= now.getTime() ? 'deadline_in_past' : null;
    case 'set_deadline':
      return action.deadline.getTime() <= now.getTime() ? 'deadline_in_past' : null;
    default:
      return null;
  }
}

/** The new task for an allowed action; the state is already set by the table. */
function effect(task: Task, action: TaskAction, now: Date): Task {
  switch (action.type) {
    case 'accept':
      return { ...task, acknowledgedAt: now };
    case 'complete':
      return task.requiresVerification
        ? { ...task, result: action.result.trim(), submittedAt: now, pendingExtension: null }
        : { ...task, result: action.result.trim(), submittedAt: now, finishedAt: now, pendingExtension: null };
    case 'request_extension':
      return { ...task, pendingExtension: { deadline: action.deadline, reason: action.reason.trim(), requestedAt: now } };
    case 'approve_extension':
      return {
        ...task,
        deadline: task.pendingExtension?.deadline ?? task.deadline,
        deadlineVersion: task.deadlineVersion + 1,
        pendingExtension: null,
      };
    case 'refuse_extension':
      return { ...task, pendingExtension: null };
    case 'reassign':
      return {
        ...task,
        assigneeId: action.assigneeId,
        gridId: action.gridId === undefined ? task.gridId : action.gridId,
        deadline: action.deadline ?? task.deadline,
        deadlineVersion: task.deadlineVersion + 1,
        dispatchedAt: now,
        acknowledgedAt: null,
        pendingExtension: null,
      };
    case 'set_deadline':
      return { ...task, deadline: action.deadline, deadlineVersion: task.deadlineVersion + 1, pendingExtension: null };
    case 'reject':
      return { ...task, submittedAt: null };
    case 'approve':
    case 'withdraw':
      return { ...task, finishedAt: now };
    default:
      return task;
  }
}

function noteOf(action: TaskAction): string | null {
  switch (action.type) {
    case 'progress':
      return action.note.trim();
    case 'complete':
      return action.result.trim();
    case 'request_extension':
    case 'return':
    case 'reject':
      return action.reason.trim();
    case 'refuse_extension':
    case 'withdraw':
      return action.reason?.trim() || null;
    case 'approve_extension':
    case 'reassign':
    case 'set_deadline':
    case 'approve':
      return action.note?.trim() || null;
    default:
      return null;
  }
}

function attachmentsOf(action: TaskAction): readonly string[] {
  return action.type === 'progress' || action.type === 'complete' ? (action.attachments ?? []) : [];
}

function deadlineSetBy(action: TaskAction, before: Task, after: Task): Date | null {
  if (action.type === 'request_extension') return action.deadline;
  return after.deadline.getTime() !== before.deadline.getTime() ? after.deadline : null;
}

/** The rows for an action from a state, in table order. */
export function transitionsFor(state: TaskState, action: TaskActionType): TaskTransition[] {
  return TASK_TRANSITIONS.filter((t) => t.action === action && t.from.includes(state));
}

/** The actions an actor may take on a task now: what a card shows as buttons. */
export function availableTaskActions(task: Task, actor: TaskActor): TaskActionType[] {
  const actions = TASK_TRANSITIONS.filter(
    (t) => t.from.includes(task.state) && actor.relations.includes(t.by) && (!t.when || GUARDS[t.when](task)),
  ).map((t) => t.action);
  return [...new Set(actions)];
}

/**
 * Applies one action. Refusals, in order: `not_your_task` (no relation), `wrong_state`,
 * `not_allowed` (the other party's action), then the action's own argument checks.
 */
export function applyTaskAction(task: Task, action: TaskAction, actor: TaskActor, now: Date): TaskActionResult {
  if (actor.relations.length === 0) return { ok: false, reason: 'not_your_task' };
  const rows = transitionsFor(task.state, action.type).filter((t) => !t.when || GUARDS[t.when](task));
  if (rows.length === 0) return { ok: false, reason: task.state === 'dispatched' && NEEDS_ACCEPTANCE.has(action.type) ? 'not_accepted' : 'wrong_state' };
  const row = rows.find((t) => actor.relations.includes(t.by));
  if (!row) return { ok: false, reason: 'not_allowed' };
  const refusal = validate(task, action, now);
  if (refusal) return { ok: false, reason: refusal };

  const to = row.to === 'same' ? task.state : row.to;
  const next: Task = { ...effect(task, action, now), state: to };
  const events: TaskDomainEvent[] = [
    {
      type: 'task_action',
      entry: {
        taskNumber: task.number,
        action: action.type,
        actorId: actor.memberId,
        at: now,
        from: task.state,
        to,
        note: noteOf(action),
        attachments: attachmentsOf(action),
        deadline: deadlineSetBy(action, task, next),
      },
    },
  ];
  if (next.deadlineVersion !== task.deadlineVersion) {
    events.push({ type: 'reminders_replanned', taskNumber: task.number, deadlineVersion: next.deadlineVersion });
  }
  if (isActiveTask(task) && !isActiveTask(next)) events.push({ type: 'reminders_ended', taskNumber: task.number });
  return { ok: true, task: next, events };
}

function blank(text: string | undefined): boolean {
  return !text || text.trim() === '';
}
