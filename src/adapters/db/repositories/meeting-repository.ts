/**
 * Meetings (例会) on TypeORM: the meeting rows, carried items, minutes and plans,
 * and the read queries an agenda needs over the events and tasks tables and the attendance
 * area's info reports, patrol log and leave (read only; those areas own their tables).
 */
import { eventStanding, tallyEventGroups } from '../../../domain/figures';
import { And, In, LessThan, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { EventState } from '../../../domain/event/event';
import type { AgendaSources, EventFacts, GridEventCounts, MeetingRepo, MeetingStatus, MinuteEntry, StoredMeeting } from '../../../bot/meetings/ports';
import type { HandlingLevel, MatterFacts, MonthlyPlan, Period, Ratio } from '../../../domain/meeting';
import type { ItemSource, TrackedItem } from '../../../domain/meeting/carry-over';
import type { MeetingKind } from '../../../domain/meeting/meeting';
import { OPEN_EVENT_STATES } from '../../../domain/event/event';
import { FINAL_TASK_STATES } from '../../../domain/task/task';
import { EventSchema, type EventRow } from '../schemas/events';
import { TypeOrmAssessmentRepo } from './assessment-repository';
import { TaskSchema } from '../schemas/tasks';
import {
  MeetingItemSchema,
  MeetingMinuteSchema,
  MeetingPlanSchema,
  MeetingSchema,
  type MeetingItemRow,
  type MeetingMinuteRow,
  type MeetingRow,
} from '../schemas/meetings';

const HIGH_LEVELS = ['town', 'county'];

function meetingToDomain(r: MeetingRow): StoredMeeting {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind as MeetingKind,
    unitId: r.unitId,
    periodKey: r.periodKey,
    heldAt: r.heldAt,
    status: r.status as MeetingStatus,
    agenda: r.agenda,
    chairId: r.chairId,
    composedAt: r.composedAt,
    closedAt: r.closedAt,
  };
}

function itemToDomain(r: MeetingItemRow): TrackedItem {
  return {
    ref: r.ref,
    source: r.source as ItemSource,
    title: r.title,
    unitId: r.unitId,
    appearances: r.appearances,
    supervisor: r.supervisorId !== null ? { memberId: r.supervisorId, name: r.supervisorName ?? '' } : null,
    supervisedSince: r.supervisedSince,
  };
}

function itemToPersistence(meetingId: number, i: TrackedItem): Omit<MeetingItemRow, 'id'> {
  return {
    meetingId,
    ref: i.ref,
    source: i.source,
    title: i.title.slice(0, 300),
    unitId: i.unitId,
    appearances: i.appearances,
    supervisorId: i.supervisor?.memberId ?? null,
    supervisorName: i.supervisor?.name.slice(0, 64) ?? null,
    supervisedSince: i.supervisedSince,
  };
}

function minuteToDomain(r: MeetingMinuteRow): MinuteEntry {
  return { ...r, kind: r.kind as MinuteEntry['kind'] };
}

const isOpenEvent = (state: string) => eventStanding(state as EventState) === 'open';

/** An event row as the figures read it: the level that holds it, or that closed it. */
const eventFigureFacts = (r: Pick<EventRow, 'state' | 'handlerLevel' | 'closedByLevel'>) => ({ state: r.state as EventState, level: (r.closedByLevel ?? r.handlerLevel) as HandlingLevel });

/** An event as the agenda reads it; the title is its category and the start of its description. */
function eventFacts(r: EventRow, now: Date): EventFacts {
  const open = isOpenEvent(r.state);
  const text = r.description.length > 40 ? `${r.description.slice(0, 39)}…` : r.description;
  return {
    ref: `event:${r.number}`,
    number: r.number,
    title: `${r.category}：${text}`,
    unitId: r.gridUnitId,
    gridUnitId: r.gridUnitId,
    category: r.category,
    urgency: r.urgency,
    reportedAt: r.reportedAt,
    open,
    state: r.state,
    handlerLevel: r.handlerLevel as HandlingLevel,
    overdue: open && r.deadline !== null && r.deadline.getTime() < now.getTime(),
  };
}

/** Splits big IN lists so a town of many grids stays within driver limits. */
function chunks<T>(xs: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export class TypeOrmAgendaSources implements AgendaSources {
  constructor(protected readonly em: EntityManager) {}

  /**
   * Counted in the database, grouped by grid, category, state and level over the (grid, period)
   * index, then tallied by the figures' one definition (`tallyEventGroups`): the cost is that of the
   * period's index entries, not of its rows.
   */
  async eventCounts(gridUnitIds: number[], period: Period): Promise<GridEventCounts[]> {
    if (!gridUnitIds.length) return [];
    type Group = { grid: number | string; category: string; state: string; handlerLevel: string; closedByLevel: string | null; n: number | string };
    const rows: Group[] = [];
    for (const part of chunks(gridUnitIds)) {
      rows.push(
        ...(await this.em
          .getRepository(EventSchema)
          .createQueryBuilder('e')
          .select('e.gridUnitId', 'grid')
          .addSelect('e.category', 'category')
          .addSelect('e.state', 'state')
          .addSelect('e.handlerLevel', 'handlerLevel')
          .addSelect('e.closedByLevel', 'closedByLevel')
          .addSelect('COUNT(*)', 'n')
          .where('e.gridUnitId IN (:...grids)', { grids: part })
          .andWhere('e.reportedAt >= :from AND e.reportedAt < :to', { from: period.from, to: period.to })
          .groupBy('e.gridUnitId')
          .addGroupBy('e.category')
          .addGroupBy('e.state')
          .addGroupBy('e.handlerLevel')
          .addGroupBy('e.closedByLevel')
          .getRawMany<Group>()),
      );
    }
    const byGrid = new Map<number, Group[]>(gridUnitIds.map((id) => [id, []]));
    for (const r of rows) byGrid.get(Number(r.grid))?.push(r);
    return gridUnitIds.map((id) => {
      const mine = byGrid.get(id) ?? [];
      const byCategory: Record<string, number> = Object.create(null) as Record<string, number>; // category names are user words
      for (const r of mine) byCategory[r.category] = (byCategory[r.category] ?? 0) + Number(r.n);
      return { gridUnitId: id, ...tallyEventGroups(mine.map((r) => ({ facts: eventFigureFacts(r), count: Number(r.n) }))), byCategory };
    });
  }

  /** The period's first events: ids chosen from the (grid, reported_at) index, then only those rows read. */
  async eventsReported(gridUnitIds: number[], period: Period, now: Date, limit: number): Promise<EventFacts[]> {
    if (!gridUnitIds.length) return [];
    const chosen = await this.em
      .getRepository(EventSchema)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.gridUnitId IN (:...grids)', { grids: gridUnitIds })
      .andWhere('e.reportedAt >= :from AND e.reportedAt < :to', { from: period.from, to: period.to })
      .orderBy('e.reportedAt', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number | string }>();
    return this.eventsInOrder(chosen.map((r) => Number(r.id)), now);
  }

  private async eventsInOrder(ids: number[], now: Date): Promise<EventFacts[]> {
    if (!ids.length) return [];
    const byId = new Map<number, EventRow>();
    for (const part of chunks(ids)) for (const r of await this.em.getRepository(EventSchema).find({ where: { id: In(part) } })) byId.set(r.id, r);
    return ids.flatMap((id) => (byId.has(id) ? [eventFacts(byId.get(id)!, now)] : []));
  }

  /**
   * Open matters that are escalated or old, oldest first. The ids are chosen from the open-items
   * index alone (grid, state, reported_at, handler_level) and only the chosen rows are read: the
   * cost is that of the open items' index entries, not of their rows.
   */
  async hardCaseCandidates(gridUnitIds: number[], openBefore: Date, now: Date, limit: number): Promise<EventFacts[]> {
    if (!gridUnitIds.length) return [];
    const chosen = await this.em
      .getRepository(EventSchema)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.gridUnitId IN (:...grids)', { grids: gridUnitIds })
      .andWhere('e.state IN (:...open)', { open: [...OPEN_EVENT_STATES] })
      .andWhere('(e.handlerLevel IN (:...high) OR e.reportedAt < :before)', { high: HIGH_LEVELS, before: openBefore })
      .orderBy('e.reportedAt', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number | string }>();
    return this.eventsInOrder(chosen.map((r) => Number(r.id)), now);
  }

  async matters(refs: string[], now: Date): Promise<Map<string, MatterFacts>> {
    const out = new Map<string, MatterFacts>();
    const eventNumbers = refs.filter((r) => r.startsWith('event:')).map((r) => r.slice(6));
    const taskNumbers = refs.filter((r) => r.startsWith('task:')).map((r) => r.slice(5));
    for (const part of chunks(eventNumbers)) {
      for (const r of await this.em.getRepository(EventSchema).find({ where: { number: In(part) } })) out.set(`event:${r.number}`, eventFacts(r, now));
    }
    for (const part of chunks(taskNumbers)) {
      for (const r of await this.em.getRepository(TaskSchema).find({ where: { number: In(part) } })) {
        const open = !(FINAL_TASK_STATES as readonly string[]).includes(r.state);
        out.set(`task:${r.number}`, {
          ref: `task:${r.number}`,
          number: r.number,
          title: r.title,
          unitId: r.scopeUnitId,
          reportedAt: r.dispatchedAt,
          open,
          state: r.state,
          handlerLevel: 'grid',
          overdue: open && r.deadline.getTime() < now.getTime(),
        });
      }
    }
    return out;
  }

  /** 到期 and 按期 of the tasks of these units, as 统计 counts them (the same rows, the same rules). */
  async tasksDue(unitIds: number[], period: Period, now: Date): Promise<Ratio> {
    const stats = await new TypeOrmAssessmentRepo(this.em).taskStats(unitIds, { start: period.from, end: period.to }, now);
    return { done: stats.onTime, of: stats.due };
  }

  /** The active gridworkers of each grid (as the org repository's membersWithRole reads them), in one pass. */
  async gridworkers(gridUnitIds: number[]): Promise<Map<number, number[]>> {
    return new TypeOrmAssessmentRepo(this.em).gridworkers(gridUnitIds);
  }
}

export class TypeOrmMeetingRepo extends TypeOrmAgendaSources implements MeetingRepo {
  async byPeriod(unitId: number, kind: MeetingKind, periodKey: string): Promise<StoredMeeting | null> {
    const r = await this.em.getRepository(MeetingSchema).findOne({ where: { unitId, kind, periodKey } });
    return r ? meetingToDomain(r) : null;
  }

  async previous(unitId: number, kind: MeetingKind, periodKey: string): Promise<StoredMeeting | null> {
    const r = await this.em.getRepository(MeetingSchema).findOne({ where: { unitId, kind, periodKey: LessThan(periodKey) }, order: { periodKey: 'DESC' } });
    return r ? meetingToDomain(r) : null;
  }

  async latest(unitId: number, status?: MeetingStatus): Promise<StoredMeeting | null> {
    const r = await this.em.getRepository(MeetingSchema).findOne({ where: { unitId, ...(status ? { status } : {}) }, order: { heldAt: 'DESC', id: 'DESC' } });
    return r ? meetingToDomain(r) : null;
  }

  async byId(meetingId: number): Promise<StoredMeeting | null> {
    const r = await this.em.getRepository(MeetingSchema).findOne({ where: { id: meetingId } });
    return r ? meetingToDomain(r) : null;
  }

  async create(input: Omit<StoredMeeting, 'id' | 'closedAt' | 'status'>): Promise<StoredMeeting> {
    const saved = await this.em.getRepository(MeetingSchema).save({ ...input, status: 'open', closedAt: null, closedBy: null });
    return meetingToDomain(saved as MeetingRow);
  }

  async saveAgenda(meetingId: number, agenda: string, composedAt: Date): Promise<void> {
    await this.em.getRepository(MeetingSchema).update({ id: meetingId }, { agenda, composedAt });
  }

  async close(meetingId: number, by: number, at: Date): Promise<void> {
    await this.em.getRepository(MeetingSchema).update({ id: meetingId }, { status: 'closed', closedAt: at, closedBy: by });
  }

  async items(meetingId: number): Promise<TrackedItem[]> {
    return (await this.em.getRepository(MeetingItemSchema).find({ where: { meetingId }, order: { id: 'ASC' } })).map(itemToDomain);
  }

  async replaceItems(meetingId: number, items: TrackedItem[]): Promise<void> {
    const repo = this.em.getRepository(MeetingItemSchema);
    await repo.delete({ meetingId });
    for (const part of chunks(items, 200)) if (part.length) await repo.insert(part.map((i) => itemToPersistence(meetingId, i)));
  }

  async addItem(meetingId: number, item: TrackedItem): Promise<void> {
    await this.em.getRepository(MeetingItemSchema).insert(itemToPersistence(meetingId, item));
  }

  async addMinute(entry: Omit<MinuteEntry, 'id'>): Promise<MinuteEntry> {
    const saved = await this.em.getRepository(MeetingMinuteSchema).save({ ...entry });
    return minuteToDomain(saved as MeetingMinuteRow);
  }

  async minutes(meetingId: number): Promise<MinuteEntry[]> {
    return (await this.em.getRepository(MeetingMinuteSchema).find({ where: { meetingId }, order: { id: 'ASC' } })).map(minuteToDomain);
  }

  async savePlan(plan: MonthlyPlan & { submittedById: number }): Promise<'created' | 'updated'> {
    const repo = this.em.getRepository(MeetingPlanSchema);
    const existing = await repo.findOne({ where: { unitId: plan.communityId, month: plan.month } });
    const row = { unitId: plan.communityId, month: plan.month, text: plan.text, submittedBy: plan.submittedById, submittedByName: plan.submittedBy.slice(0, 64), submittedAt: plan.submittedAt };
    if (existing) {
      await repo.update({ id: existing.id }, row);
      return 'updated';
    }
    await repo.insert(row);
    return 'created';
  }

  async plans(unitIds: number[], month: string): Promise<MonthlyPlan[]> {
    if (!unitIds.length) return [];
    const rows = await this.em.getRepository(MeetingPlanSchema).find({ where: { unitId: In(unitIds), month } });
    return rows.map((r) => ({ communityId: r.unitId, month: r.month, text: r.text, submittedBy: r.submittedByName, submittedAt: r.submittedAt }));
  }
}
