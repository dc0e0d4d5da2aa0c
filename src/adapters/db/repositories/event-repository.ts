/** Events (事件) and their timeline (流转记录), on TypeORM, with explicit row ↔ domain mappers. */
import { In, type EntityManager } from 'typeorm';
import type { EventRepo, StoredEvent } from '../../../bot/events/ports';
import { DUPLICATE_CANDIDATES, type DuplicateCandidate } from '../../../domain/event/duplicates';
import type {
  EventAssignee,
  EventOrigin,
  EventRating,
  EventState,
  EventUrgency,
  GridEvent,
  HandlingLevel,
  SupervisionLevel,
  TimelineDetail,
  TimelineEntry,
} from '../../../domain/event/event';
import { OPEN_EVENT_STATES } from '../../../domain/event/event';
import { readDate, writeDate } from '../raw-date';
import { plainInsertLater } from '../plain-insert';
import type { DailyNumbering } from '../../../domain/calendar/daily-number';
import { insertNumbered } from './support-repositories';
import { EventLogSchema, EventSchema, type EventLogRow, type EventRow } from '../schemas/events';

function assigneeOf(r: EventRow): EventAssignee | null {
  if (r.assigneeKind === 'member' && r.assigneeId !== null) return { kind: 'member', memberId: r.assigneeId };
  if (r.assigneeKind === 'department' && r.assigneeId !== null) return { kind: 'department', unitId: r.assigneeId };
  return null;
}

function originOf(r: Pick<EventRow, 'originKind' | 'originRef' | 'originExternalId'>): EventOrigin {
  if (r.originKind === 'resident' && r.originRef !== null) return { kind: 'resident', residentId: r.originRef };
  if (r.originKind === 'intake' && r.originRef !== null) return { kind: 'intake', clientId: r.originRef, externalId: r.originExternalId ?? '' };
  return { kind: 'member' };
}

/** The origin columns of an origin (also used to query by origin). */
export function originColumns(o: EventOrigin): Pick<EventRow, 'originKind' | 'originRef' | 'originExternalId'> {
  if (o.kind === 'resident') return { originKind: 'resident', originRef: o.residentId, originExternalId: null };
  if (o.kind === 'intake') return { originKind: 'intake', originRef: o.clientId, originExternalId: o.externalId };
  return { originKind: 'member', originRef: null, originExternalId: null };
}

function toDomain(r: EventRow): StoredEvent {
  return {
    id: r.id,
    taskId: r.taskId,
    number: r.number,
    category: { category: r.category, item: r.item },
    urgency: r.urgency as EventUrgency,
    description: r.description,
    location: r.location,
    attachments: JSON.parse(r.attachments) as string[],
    gridUnitId: r.gridUnitId,
    reporterId: r.reporterId,
    origin: originOf(r),
    dueAt: r.dueAt,
    reportedAt: r.reportedAt,
    state: r.state as EventState,
    handler: { unitId: r.handlerUnitId, level: r.handlerLevel as HandlingLevel },
    assignee: assigneeOf(r),
    dispatcherId: r.dispatcherId,
    deadline: r.deadline,
    result: r.result,
    closedBy: r.closedByUnitId !== null && r.closedByLevel ? { unitId: r.closedByUnitId, level: r.closedByLevel as HandlingLevel } : null,
    closedAt: r.closedAt,
    rating: r.rating as EventRating | null,
    reopenCount: r.reopenCount,
    supervision: r.supervision as SupervisionLevel | null,
    urgeCount: r.urgeCount,
  };
}

function toPersistence(e: GridEvent, taskId: number | null, now: Date): Omit<EventRow, 'id'> {
  return {
    number: e.number,
    category: e.category.category,
    item: e.category.item,
    urgency: e.urgency,
    description: e.description,
    location: e.location,
    attachments: JSON.stringify(e.attachments),
    gridUnitId: e.gridUnitId,
    reporterId: e.reporterId,
    ...originColumns(e.origin),
    dueAt: e.dueAt,
    reportedAt: e.reportedAt,
    state: e.state,
    handlerUnitId: e.handler.unitId,
    handlerLevel: e.handler.level,
    assigneeKind: e.assignee?.kind ?? null,
    assigneeId: e.assignee ? (e.assignee.kind === 'member' ? e.assignee.memberId : e.assignee.unitId) : null,
    dispatcherId: e.dispatcherId,
    deadline: e.deadline,
    taskId,
    result: e.result,
    closedByUnitId: e.closedBy?.unitId ?? null,
    closedByLevel: e.closedBy?.level ?? null,
    closedAt: e.closedAt,
    rating: e.rating,
    reopenCount: e.reopenCount,
    supervision: e.supervision,
    urgeCount: e.urgeCount,
    updatedAt: now,
  };
}

const toEntry = (number: string, r: EventLogRow): TimelineEntry => ({
  eventNumber: number,
  action: r.action,
  actorId: r.actorId,
  origin: r.actorOrigin ? (JSON.parse(r.actorOrigin) as EventOrigin) : null,
  at: r.at,
  from: r.fromState as EventState | null,
  to: r.toState as EventState,
  level: r.level as HandlingLevel,
  unitId: r.unitId,
  note: r.note,
  attachments: JSON.parse(r.attachments) as string[],
  detail: r.detail ? (JSON.parse(r.detail, (k, v: unknown) => (k === 'deadline' && typeof v === 'string' ? new Date(v) : v)) as TimelineDetail) : null,
});

export class TypeOrmEventRepo implements EventRepo {
  constructor(private readonly em: EntityManager) {}

  private events = () => this.em.getRepository(EventSchema);
  private log = () => this.em.getRepository(EventLogSchema);

  async createNumbered(event: GridEvent, numbering: DailyNumbering, now: Date): Promise<StoredEvent> {
    // Every column is given: no select of the defaults back; the id from the driver.
    const { number, id } = await insertNumbered(this.em, EventSchema, toPersistence(event, null, now), 'number', numbering);
    return { ...event, number, id, taskId: null };
  }

  async byId(id: number): Promise<StoredEvent | null> {
    const row = await this.events().findOne({ where: { id } });
    return row ? toDomain(row) : null;
  }

  async byNumber(number: string): Promise<StoredEvent | null> {
    const row = await this.events().findOne({ where: { number } });
    return row ? toDomain(row) : null;
  }

  async byTaskId(taskId: number): Promise<StoredEvent | null> {
    const row = await this.events().findOne({ where: { taskId } });
    return row ? toDomain(row) : null;
  }

  async save(event: StoredEvent, now: Date): Promise<void> {
    await this.events().update({ id: event.id }, toPersistence(event, event.taskId, now));
  }

  async addEntry(eventId: number, entry: TimelineEntry): Promise<void> {
    // Nothing waits for its result: it rides with the transaction's next statement (which sees it).
    await plainInsertLater(this.em, EventLogSchema, {
      eventId,
      // The event's grid, read in the same statement (an event never changes grid).
      gridUnitId: () => `(SELECT e.grid_unit_id FROM grid_event e WHERE e.id = ${Number(eventId)})`,
      action: entry.action,
      actorId: entry.actorId,
      actorOrigin: entry.origin ? JSON.stringify(entry.origin) : null,
      at: entry.at,
      fromState: entry.from,
      toState: entry.to,
      level: entry.level,
      unitId: entry.unitId,
      note: entry.note,
      attachments: JSON.stringify(entry.attachments),
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      rating: entry.detail?.kind === 'rated' ? entry.detail.rating : null,
    });
  }

  async timeline(eventId: number): Promise<TimelineEntry[]> {
    const event = await this.events().findOne({ where: { id: eventId }, select: { id: true, number: true } });
    const rows = await this.log().find({ where: { eventId }, order: { id: 'ASC' } });
    return rows.map((r) => toEntry(event?.number ?? '', r));
  }

  async openSimilarCandidates(gridUnitId: number, category: string, since: Date): Promise<DuplicateCandidate[]> {
    // Runs for every report: plain SQL over the (grid, category, reported_at) index, newest first in
    // the index's own order, only the open ones and only the columns compared.
    const open = OPEN_EVENT_STATES.map(() => '?').join(', ');
    const rows = (await this.em.query(
      `SELECT number, state, item, description, location, reported_at AS reportedAt FROM grid_event
        WHERE grid_unit_id = ? AND category = ? AND reported_at >= ? AND state IN (${open})
        ORDER BY reported_at DESC, id DESC LIMIT ${DUPLICATE_CANDIDATES}`,
      [gridUnitId, category, writeDate(this.em, since), ...OPEN_EVENT_STATES],
    )) as { number: string; state: string; item: string | null; description: string; location: string | null; reportedAt: unknown }[];
    return rows.map((r) => ({
      number: r.number,
      state: r.state as EventState,
      gridUnitId,
      category: { category, item: r.item },
      description: r.description,
      location: r.location,
      reportedAt: readDate(r.reportedAt)!,
    }));
  }

  async byReporter(memberId: number, limit: number): Promise<StoredEvent[]> {
    return (await this.events().find({ where: { reporterId: memberId }, order: { id: 'DESC' }, take: limit })).map(toDomain);
  }

  async byOrigin(origin: EventOrigin, limit: number): Promise<StoredEvent[]> {
    const c = originColumns(origin);
    const where = c.originExternalId === null ? { originKind: c.originKind, originRef: c.originRef ?? -1 } : { originKind: c.originKind, originRef: c.originRef ?? -1, originExternalId: c.originExternalId };
    return (await this.events().find({ where, order: { id: 'DESC' }, take: limit })).map(toDomain);
  }

  async heldBy(unitIds: number[], states: readonly EventState[], limit: number): Promise<StoredEvent[]> {
    if (!unitIds.length || !states.length) return [];
    const rows = await this.events().find({ where: { handlerUnitId: In(unitIds), state: In([...states]) }, order: { id: 'ASC' }, take: limit });
    return rows.map(toDomain);
  }

  async involving(memberId: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.events().find({
      where: [{ assigneeKind: 'member', assigneeId: memberId }, { dispatcherId: memberId }],
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map(toDomain);
  }
}
