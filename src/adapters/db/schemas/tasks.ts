/** Table mappings of time-limited tasks (限时办结) and their history (办理记录). Plain row types; no decorators. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface TaskRow {
  id: number;
  /** T20261122-0007 */
  number: string;
  /** Number of the first task of the same broadcast (itself for a single dispatch). */
  batch: string;
  title: string;
  details: string;
  priority: string;
  state: string;
  dispatcherId: number;
  assigneeId: number;
  gridId: number | null;
  scopeUnitId: number;
  sourceKind: string;
  sourceRef: string;
  eventNumber: string | null;
  requiresVerification: boolean;
  dispatchedAt: Date;
  acknowledgedAt: Date | null;
  submittedAt: Date | null;
  finishedAt: Date | null;
  deadline: Date;
  deadlineVersion: number;
  extensionDeadline: Date | null;
  extensionReason: string | null;
  extensionRequestedAt: Date | null;
  result: string | null;
  /** JSON array of photo references. */
  resultPhotos: string;
  /** JSON array of the reminder job ids currently scheduled. */
  scheduledRungs: string;
  escalation: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TaskSchema = new EntitySchema<TaskRow>({
  name: 'Task',
  tableName: 'task',
  columns: {
    id: idColumn,
    number: { type: 'varchar', length: 20, unique: true },
    batch: { type: 'varchar', length: 20 },
    title: { type: 'varchar', length: 200 },
    details: { type: 'text' },
    priority: { type: 'varchar', length: 16 },
    state: { type: 'varchar', length: 24 },
    dispatcherId: { name: 'dispatcher_id', type: 'int' },
    assigneeId: { name: 'assignee_id', type: 'int' },
    gridId: { name: 'grid_id', type: 'int', nullable: true },
    scopeUnitId: { name: 'scope_unit_id', type: 'int' },
    sourceKind: { name: 'source_kind', type: 'varchar', length: 16 },
    sourceRef: { name: 'source_ref', type: 'varchar', length: 64 },
    eventNumber: { name: 'event_number', type: 'varchar', length: 20, nullable: true },
    requiresVerification: { name: 'requires_verification', type: 'boolean', default: false },
    dispatchedAt: dateColumn('dispatched_at'),
    acknowledgedAt: dateColumn('acknowledged_at', true),
    submittedAt: dateColumn('submitted_at', true),
    finishedAt: dateColumn('finished_at', true),
    deadline: dateColumn('deadline'),
    deadlineVersion: { name: 'deadline_version', type: 'int' },
    extensionDeadline: dateColumn('extension_deadline', true),
    extensionReason: { name: 'extension_reason', type: 'text', nullable: true },
    extensionRequestedAt: dateColumn('extension_requested_at', true),
    result: { type: 'text', nullable: true },
    resultPhotos: { name: 'result_photos', type: 'text' },
    scheduledRungs: { name: 'scheduled_rungs', type: 'text' },
    escalation: { type: 'varchar', length: 16, nullable: true },
    createdAt: dateColumn('created_at'),
    updatedAt: dateColumn('updated_at'),
  },
  indices: [
    { name: 'idx_task_assignee', columns: ['assigneeId', 'state', 'deadline'] },
    { name: 'idx_task_dispatcher', columns: ['dispatcherId', 'state', 'deadline'] },
    { name: 'idx_task_batch', columns: ['batch'] },
    { name: 'idx_task_source', columns: ['sourceKind', 'sourceRef'] },
    { name: 'idx_task_scope_deadline', columns: ['scopeUnitId', 'deadline'] },
    { name: 'idx_task_grid_due', columns: ['gridId', 'deadline', 'state', 'submittedAt', 'finishedAt', 'assigneeId'] },
    { name: 'idx_task_scope_due', columns: ['scopeUnitId', 'gridId', 'deadline', 'state', 'submittedAt', 'finishedAt'] },
    { name: 'idx_task_grid_state', columns: ['gridId', 'state', 'deadline'] },
    { name: 'idx_task_scope_state', columns: ['scopeUnitId', 'state', 'deadline'] },
  ],
});

export interface TaskHistoryRow {
  id: number;
  taskId: number;
  /** The task's grid when the action was done, so a period's actions per grid are counted without a join. */
  gridId: number | null;
  at: Date;
  action: string;
  actorId: number | null;
  fromState: string | null;
  toState: string;
  note: string | null;
  /** JSON array of photo references. */
  attachments: string;
  deadline: Date | null;
}

export const TaskHistorySchema = new EntitySchema<TaskHistoryRow>({
  name: 'TaskHistory',
  tableName: 'task_history',
  columns: {
    id: idColumn,
    taskId: { name: 'task_id', type: 'int' },
    gridId: { name: 'grid_id', type: 'int', nullable: true },
    at: dateColumn('at'),
    action: { type: 'varchar', length: 32 },
    actorId: { name: 'actor_id', type: 'int', nullable: true },
    fromState: { name: 'from_state', type: 'varchar', length: 24, nullable: true },
    toState: { name: 'to_state', type: 'varchar', length: 24 },
    note: { type: 'text', nullable: true },
    attachments: { type: 'text' },
    deadline: dateColumn('deadline', true),
  },
  indices: [
    { name: 'idx_task_history_task', columns: ['taskId'] },
    { name: 'idx_task_history_period', columns: ['at', 'taskId', 'action', 'actorId'] },
    { name: 'idx_task_history_grid_steps', columns: ['gridId', 'at', 'action', 'toState', 'actorId', 'taskId'] },
  ],
});

export const taskSchemas = [TaskSchema, TaskHistorySchema];
