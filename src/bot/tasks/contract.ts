/**
 * The seam between the task machinery (限时办结, issue 4) and the areas that dispatch work through
 * it: events in the closed loop (issue 3) and meeting decisions (issue 6). The tasks module
 * implements TaskService; a dispatching area registers a TaskListener for its source kind and
 * hears what happens to its tasks inside the same transaction.
 */
import type { Tx } from '../ports';
import type { TaskPriority, TaskSource, TasksRepos } from './ports';

export type { TaskPriority, TaskSource, TasksRepos } from './ports';

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

/** The task machinery, run in transactions carrying (at least) the repositories `R`. */
export interface TaskService<R extends TasksRepos = TasksRepos> {
  /** Creates the task(s) (one per assignee member), notifies assignees, schedules reminders. */
  dispatch(tx: Tx<R>, input: DispatchInput): Promise<TaskView[]>;
  /** Verification failed: back to the assignee with the reason (same deadline unless given). */
  reopen(tx: Tx<R>, taskId: number, actorMemberId: number, reason: string, newDeadline?: Date): Promise<void>;
  /** Verification passed or the source closed it: no more reminders. */
  close(tx: Tx<R>, taskId: number, actorMemberId: number): Promise<void>;
  withdraw(tx: Tx<R>, taskId: number, actorMemberId: number, reason: string): Promise<void>;
  bySource(tx: Tx<R>, source: TaskSource): Promise<TaskView[]>;
}

export interface TaskResult {
  text: string;
  photoUrls: string[];
}

/**
 * What a dispatching area hears about its tasks; every method runs in the acting transaction,
 * which carries the repositories `R` the listener needs.
 */
export interface TaskListener<R extends TasksRepos = TasksRepos> {
  sourceKind: TaskSource['kind'];
  onAccepted?(tx: Tx<R>, task: TaskView, actorMemberId: number): Promise<void>;
  onProgress?(tx: Tx<R>, task: TaskView, actorMemberId: number, note: string): Promise<void>;
  /** The assignee reported it done (办结): the source decides whether it needs verification. */
  onSubmitted?(tx: Tx<R>, task: TaskView, actorMemberId: number, result: TaskResult): Promise<void>;
  /** The assignee handed it back (退回) with a reason. */
  onReturned?(tx: Tx<R>, task: TaskView, actorMemberId: number, reason: string): Promise<void>;
  onOverdue?(tx: Tx<R>, task: TaskView): Promise<void>;
}
