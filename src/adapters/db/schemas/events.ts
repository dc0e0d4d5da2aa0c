/** Table mappings of events (事件) and their timeline (流转记录). Plain row types; no decorators. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface EventRow {
  id: number;
  /** SJ20261122-0007 */
  number: string;
  category: string;
  item: string | null;
  urgency: string;
  description: string;
  location: string | null;
  /** JSON array of attachment references (photo URL or media id, location). */
  attachments: string;
  gridUnitId: number;
  reporterId: number | null;
  /** member | resident | intake */
  originKind: string;
  /** The resident's id (PII vault) or the intake client's id. */
  originRef: number | null;
  /** The intake order's external id. */
  originExternalId: string | null;
  dueAt: Date | null;
  reportedAt: Date;
  state: string;
  /** The unit whose handlers hold the matter now (grid → community → town → county). */
  handlerUnitId: number;
  handlerLevel: string;
  assigneeKind: string | null;
  assigneeId: number | null;
  dispatcherId: number | null;
  deadline: Date | null;
  /** The task (限时办结) carrying the current dispatch. */
  taskId: number | null;
  result: string | null;
  closedByUnitId: number | null;
  closedByLevel: string | null;
  closedAt: Date | null;
  rating: string | null;
  reopenCount: number;
  supervision: string | null;
  urgeCount: number;
  updatedAt: Date;
}

export const EventSchema = new EntitySchema<EventRow>({
  name: 'GridEvent',
  tableName: 'grid_event',
  columns: {
    id: idColumn,
    number: { type: 'varchar', length: 20, unique: true },
    category: { type: 'varchar', length: 50 },
    item: { type: 'varchar', length: 50, nullable: true },
    urgency: { type: 'varchar', length: 16 },
    description: { type: 'text' },
    location: { type: 'varchar', length: 500, nullable: true },
    attachments: { type: 'text' },
    gridUnitId: { name: 'grid_unit_id', type: 'int' },
    reporterId: { name: 'reporter_id', type: 'int', nullable: true },
    originKind: { name: 'origin_kind', type: 'varchar', length: 16, default: 'member' },
    originRef: { name: 'origin_ref', type: 'int', nullable: true },
    originExternalId: { name: 'origin_external_id', type: 'varchar', length: 100, nullable: true },
    dueAt: dateColumn('due_at', true),
    reportedAt: dateColumn('reported_at'),
    state: { type: 'varchar', length: 24 },
    handlerUnitId: { name: 'handler_unit_id', type: 'int' },
    handlerLevel: { name: 'handler_level', type: 'varchar', length: 16 },
    assigneeKind: { name: 'assignee_kind', type: 'varchar', length: 16, nullable: true },
    assigneeId: { name: 'assignee_id', type: 'int', nullable: true },
    dispatcherId: { name: 'dispatcher_id', type: 'int', nullable: true },
    deadline: dateColumn('deadline', true),
    taskId: { name: 'task_id', type: 'int', nullable: true },
    result: { type: 'text', nullable: true },
    closedByUnitId: { name: 'closed_by_unit_id', type: 'int', nullable: true },
    closedByLevel: { name: 'closed_by_level', type: 'varchar', length: 16, nullable: true },
    closedAt: dateColumn('closed_at', true),
    rating: { type: 'varchar', length: 24, nullable: true },
    reopenCount: { name: 'reopen_count', type: 'int', default: 0 },
    supervision: { type: 'varchar', length: 16, nullable: true },
    urgeCount: { name: 'urge_count', type: 'int', default: 0 },
    updatedAt: dateColumn('updated_at'),
  },
  indices: [
    { name: 'idx_grid_event_grid', columns: ['gridUnitId', 'category', 'reportedAt'] },
    { name: 'idx_grid_event_reporter', columns: ['reporterId'] },
    { name: 'idx_grid_event_handler', columns: ['handlerUnitId', 'state'] },
    { name: 'idx_grid_event_task', columns: ['taskId'] },
    { name: 'idx_grid_event_figures', columns: ['gridUnitId', 'reportedAt', 'category', 'state', 'handlerLevel', 'closedByLevel', 'urgency', 'closedAt'] },
    { name: 'idx_grid_event_reporter_period', columns: ['reporterId', 'reportedAt', 'state'] },
    { name: 'idx_grid_event_open', columns: ['gridUnitId', 'state', 'reportedAt', 'handlerLevel'] },
    { name: 'idx_grid_event_origin', columns: ['originKind', 'originRef'] },
  ],
});

export interface EventLogRow {
  id: number;
  eventId: number;
  /** The event's grid, copied so a period's ratings and 督办 per grid are counted without a join. */
  gridUnitId: number | null;
  action: string;
  actorId: number | null;
  /** JSON of the EventOrigin when the actor is not a member. */
  actorOrigin: string | null;
  at: Date;
  fromState: string | null;
  toState: string;
  level: string;
  unitId: number;
  note: string | null;
  attachments: string;
  detail: string | null;
  /** The rating of a `rate` step (its detail's), so a period's ratings are counted from an index. */
  rating: string | null;
}

export const EventLogSchema = new EntitySchema<EventLogRow>({
  name: 'GridEventLog',
  tableName: 'grid_event_log',
  columns: {
    id: idColumn,
    eventId: { name: 'event_id', type: 'int' },
    gridUnitId: { name: 'grid_unit_id', type: 'int', nullable: true },
    action: { type: 'varchar', length: 32 },
    actorId: { name: 'actor_id', type: 'int', nullable: true },
    actorOrigin: { name: 'actor_origin', type: 'varchar', length: 200, nullable: true },
    at: dateColumn('at'),
    fromState: { name: 'from_state', type: 'varchar', length: 24, nullable: true },
    toState: { name: 'to_state', type: 'varchar', length: 24 },
    level: { type: 'varchar', length: 16 },
    unitId: { name: 'unit_id', type: 'int' },
    note: { type: 'text', nullable: true },
    attachments: { type: 'text' },
    detail: { type: 'text', nullable: true },
    rating: { type: 'varchar', length: 16, nullable: true },
  },
  indices: [
    { name: 'idx_grid_event_log_event', columns: ['eventId'] },
    { name: 'idx_grid_event_log_period', columns: ['action', 'at', 'eventId'] },
    { name: 'idx_grid_event_log_grid_rating', columns: ['action', 'gridUnitId', 'at', 'actorId', 'rating'] },
  ],
});

export const eventSchemas = [EventSchema, EventLogSchema];
