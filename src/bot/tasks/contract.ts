/**
 * The seam between the task machinery (限时办结, issue 4) and the areas that dispatch work through
 * it: events in the closed loop (issue 3) and meeting decisions (issue 6). The tasks module
 * implements TaskService; a dispatching area registers a TaskListener for its source kind and
 * hears what happens to its tasks inside the same transaction.
 */
import type { Tx } from '../ports';

export type TaskPriority = 'normal' | 'urgent';

/** Where a task came from; `ref` is the source's human number (SJ20261122-0007, a meeting id). */
export interface TaskSource {
  kind: 'event' | 'meeting' | 'adhoc';
  ref: string;
}

export type TaskAssignee = { kind: 'member'; memberId: number } | { kind: 'unit'; unitId: number };

export interface DispatchInput {
  title: string;
  details?: string;
  /** A member, or a unit: a grid (its gridworkers), a department, or every grid under a unit. */
  assignee: TaskAssignee;
  dispatcherMemberId: number;
  /** The org unit the work belongs to: authority and the escalation ladder start here. */
  scopeUnitId: number;
  deadline: Date;
  priority: TaskPriority;
  source: TaskSource;
}

export interface TaskView {
  id: number;
  /** T20261122-0007 */
  number: string;
  title: string;
  status: string;
  assigneeMemberId: number | null;
  dispatcherMemberId: number;
  scopeUnitId: number;
  deadline: Date;
  priority: TaskPriority;
  source: TaskSource;
}

export interface TaskService {
  /** Creates the task(s) (one per assignee member), notifies assignees, schedules reminders. */
  dispatch(tx: Tx, input: DispatchInput): Promise<TaskView[]>;
  /** Verification failed: back to the assignee with the reason (same deadline unless given). */
  reopen(tx: Tx, taskId: number, actorMemberId: number, reason: string, newDeadline?: Date): Promise<void>;
  /** Verification passed or the source closed it: no more reminders. */
  close(tx: Tx, taskId: number, actorMemberId: number): Promise<void>;
  withdraw(tx: Tx, taskId: number, actorMemberId: number, reason: string): Promise<void>;
  bySource(tx: Tx, source: TaskSource): Promise<TaskView[]>;
}

export interface TaskResult {
  text: string;
  photoUrls: string[];
}

/** What a dispatching area hears about its tasks; every method runs in the acting transaction. */
export interface TaskListener {
  sourceKind: TaskSource['kind'];
  onAccepted?(tx: Tx, task: TaskView, actorMemberId: number): Promise<void>;
  onProgress?(tx: Tx, task: TaskView, actorMemberId: number, note: string): Promise<void>;
  /** The assignee reported it done (办结): the source decides whether it needs verification. */
  onSubmitted?(tx: Tx, task: TaskView, actorMemberId: number, result: TaskResult): Promise<void>;
  /** The assignee handed it back (退回) with a reason. */
  onReturned?(tx: Tx, task: TaskView, actorMemberId: number, reason: string): Promise<void>;
  onOverdue?(tx: Tx, task: TaskView): Promise<void>;
}
