/**
 * The time-limited task (限时办结): whatever is dispatched — an event of the loop, a meeting's
 * action, an office's task to every grid — has one assignee, one dispatcher and a deadline.
 */
import { formatDailyNumber, parseDailyNumber } from '../calendar/daily-number';

/** 普通 / 紧急 */
export const TASK_PRIORITIES = ['normal', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const TASK_STATES = [
  'dispatched', // 待签收: sent, not yet acknowledged
  'accepted', // 办理中: acknowledged (签收/接单) and being worked on
  'extension_requested', // 申请延期中: still being worked on, a new deadline awaits approval
  'submitted', // 待核查: the assignee reported it done (办结), the dispatcher checks
  'done', // 已办结
  'returned', // 已退回: the assignee handed it back (退回) with a reason; the dispatcher reassigns or withdraws
  'withdrawn', // 已撤回: the dispatcher cancelled it
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** States in which the assignee still owes work, so the deadline and the reminders apply. */
export const ACTIVE_TASK_STATES: readonly TaskState[] = ['dispatched', 'accepted', 'extension_requested'];
/** States from which nothing more happens. */
export const FINAL_TASK_STATES: readonly TaskState[] = ['done', 'withdrawn'];

/** 申请延期: a pending request for a later deadline. */
export interface ExtensionRequest {
  deadline: Date;
  reason: string;
  requestedAt: Date;
}

export interface Task {
  /** `T` + local yyyymmdd + `-` + daily sequence, e.g. `T20261122-0007`. */
  number: string;
  title: string;
  details: string;
  priority: TaskPriority;
  state: TaskState;
  dispatcherId: number;
  assigneeId: number;
  /** The grid whose head hears of the task going overdue; null for a task outside any grid. */
  gridId: number | null;
  /** The event (事件) this task carries through the loop, if any. */
  eventNumber: string | null;
  /** Whether 办结 waits for the dispatcher's check (待核查) or finishes the task at once. */
  requiresVerification: boolean;
  /** When it was (last) dispatched to the current assignee; the acknowledgement clock starts here. */
  dispatchedAt: Date;
  acknowledgedAt: Date | null;
  submittedAt: Date | null;
  /** When it became done or withdrawn. */
  finishedAt: Date | null;
  deadline: Date;
  /**
   * Version of the deadline and of the reminder plan built on it. It goes up whenever the plan
   * changes (extension approved, deadline set anew, reassigned), so a reminder job of an older
   * version knows it is stale.
   */
  deadlineVersion: number;
  pendingExtension: ExtensionRequest | null;
  /** The assignee's 办结 result text. */
  result: string | null;
}

export function isActiveTask(task: Pick<Task, 'state'>): boolean {
  return ACTIVE_TASK_STATES.includes(task.state);
}

/** Overdue (逾期) is derived, never stored: work still owed and the deadline reached. */
export function isOverdue(task: Pick<Task, 'state' | 'deadline'>, now: Date): boolean {
  return isActiveTask(task) && now.getTime() >= task.deadline.getTime();
}

/** Whether the assignee reported it done after the deadline (for assessment, 考核). */
export function wasSubmittedLate(task: Pick<Task, 'submittedAt' | 'deadline'>): boolean {
  return task.submittedAt !== null && task.submittedAt.getTime() > task.deadline.getTime();
}

/** `T20261122-0007`: the local date of `now` and a 1-based daily sequence, at least 4 digits. */
export function formatTaskNumber(now: Date, sequence: number, timeZone: string): string {
  return formatDailyNumber('T', now, sequence, timeZone);
}

/** Reads a task number typed by a user (`t20261122-7`, `T20261122-0007`) into its canonical form. */
export function parseTaskNumber(text: string): string | null {
  return parseDailyNumber('T', text);
}

export interface NewTaskInput {
  number: string;
  title: string;
  details?: string;
  priority?: TaskPriority;
  dispatcherId: number;
  assigneeId: number;
  gridId?: number | null;
  eventNumber?: string | null;
  deadline: Date;
  /** @defaultValue true */
  requiresVerification?: boolean;
}

export type NewTaskRefusal = 'title_required' | 'deadline_in_past';

/** A freshly dispatched task (待签收), or why it cannot be created. */
export function createTask(
  input: NewTaskInput,
  now: Date,
): { ok: true; task: Task } | { ok: false; reason: NewTaskRefusal } {
  if (input.title.trim() === '') return { ok: false, reason: 'title_required' };
  if (input.deadline.getTime() <= now.getTime()) return { ok: false, reason: 'deadline_in_past' };
  return {
    ok: true,
    task: {
      number: input.number,
      title: input.title.trim(),
      details: input.details?.trim() ?? '',
      priority: input.priority ?? 'normal',
      state: 'dispatched',
      dispatcherId: input.dispatcherId,
      assigneeId: input.assigneeId,
      gridId: input.gridId ?? null,
      eventNumber: input.eventNumber ?? null,
      requiresVerification: input.requiresVerification ?? true,
      dispatchedAt: now,
      acknowledgedAt: null,
      submittedAt: null,
      finishedAt: null,
      deadline: input.deadline,
      deadlineVersion: 1,
      pendingExtension: null,
      result: null,
    },
  };
}
