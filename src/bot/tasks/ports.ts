/** What the tasks area (限时办结) needs from storage; implemented in adapters/db/repositories/task-repository.ts. */
import type { RungKind } from '../../domain/task/reminders';
import type { Task, TaskState } from '../../domain/task/task';
import type { DutyRepos } from '../duty/ports';

export type TaskPriority = 'normal' | 'urgent';

/** Where a task came from; `ref` is the source's human number (SJ20261122-0007, a meeting id). */
export interface TaskSource {
  kind: 'event' | 'meeting' | 'adhoc';
  ref: string;
}

/** The domain task as stored, with what the bot adds around it. */
export interface TaskRecord extends Task {
  id: number;
  /** The org unit the work belongs to: authority and the escalation ladder start here. */
  scopeUnitId: number;
  /** Tasks dispatched together (one broadcast) share it: the number of the first of them. */
  batch: string;
  source: TaskSource;
  /** Photos sent with 办结 (URLs or platform media ids). */
  resultPhotos: string[];
  /** Job ids of the reminder rungs currently scheduled, so a re-plan can cancel exactly those. */
  scheduledRungs: string[];
  /** The latest escalation that fired (逾期 / 催办 / 督办), for lists and the supervision view. */
  escalation: RungKind | null;
  createdAt: Date;
}

export type NewTaskRecord = Omit<TaskRecord, 'id' | 'createdAt'>;

/** A row of the history (办理记录): an action, or a reminder rung that fired. */
export interface TaskHistoryRecord {
  taskId: number;
  at: Date;
  /** A TaskActionType, `dispatch`, or `rung.<kind>` for a reminder that was sent. */
  action: string;
  actorId: number | null;
  fromState: TaskState | null;
  toState: TaskState;
  note: string | null;
  attachments: string[];
  deadline: Date | null;
}

export interface TaskRepo {
  create(task: NewTaskRecord, now: Date): Promise<TaskRecord>;
  /** `forUpdate` locks the row until the transaction ends (concurrent actions on one task queue up). */
  byId(id: number, forUpdate?: boolean): Promise<TaskRecord | null>;
  byNumber(number: string, forUpdate?: boolean): Promise<TaskRecord | null>;
  save(task: TaskRecord, now: Date): Promise<void>;
  addHistory(entry: TaskHistoryRecord): Promise<void>;
  history(taskId: number): Promise<TaskHistoryRecord[]>;
  /** Tasks of an assignee in the given states, earliest deadline first. */
  byAssignee(memberId: number, states: readonly TaskState[], limit: number): Promise<TaskRecord[]>;
  /** Tasks a member dispatched in the given states, earliest deadline first. */
  byDispatcher(memberId: number, states: readonly TaskState[], limit: number): Promise<TaskRecord[]>;
  byBatch(batch: string): Promise<TaskRecord[]>;
  bySource(source: TaskSource): Promise<TaskRecord[]>;
  /** Tasks of a priority whose scope is one of the units, in the given states, earliest deadline first (the start-of-duty list). */
  byScope(unitIds: number[], priority: TaskPriority, states: readonly TaskState[], limit: number): Promise<TaskRecord[]>;
}

/** The repositories the tasks area works with. */
export interface TasksRepos extends DutyRepos {
  tasks: TaskRepo;
}
