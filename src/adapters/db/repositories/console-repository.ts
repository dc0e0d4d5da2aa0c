/** The console's sessions and read queries on TypeORM: rows ↔ the console's row types only. */
import { In, IsNull, MoreThan, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { ConsoleEventRow, ConsoleNoticeRow, ConsoleRepo, ConsoleSession, ConsoleTaskRow, NewConsoleSession, OutsideCheckRow, TimelineRow } from '../../../bot/console/ports';
import { ConsoleSessionSchema } from '../schemas/console';
import { EventLogSchema, EventSchema } from '../schemas/events';
import { TaskHistorySchema, TaskSchema } from '../schemas/tasks';
import { AttendanceCheckSchema } from '../schemas/attendance';
import { OrgUnitSchema } from '../schemas/core';
import { NoticeReceiptSchema, NoticeSchema, type NoticeReceiptRow } from '../schemas/notices';

const EVENT_COLUMNS = { id: true, number: true, category: true, urgency: true, state: true, handlerLevel: true, location: true, gridUnitId: true, reportedAt: true, deadline: true, supervision: true } as const;
const TASK_COLUMNS = { id: true, number: true, title: true, state: true, deadline: true, dispatchedAt: true, gridId: true, scopeUnitId: true, escalation: true } as const;
/** IN lists are sent in slices of this size (500 grids is one slice). */
const SLICE = 1000;

function slices<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SLICE) out.push(items.slice(i, i + SLICE));
  return out;
}

export class TypeOrmConsoleRepo implements ConsoleRepo {
  constructor(private readonly em: EntityManager) {}

  async createSession(session: NewConsoleSession): Promise<void> {
    await this.em.getRepository(ConsoleSessionSchema).insert({ ...session, endedAt: null });
  }

  async session(idHash: string, now: Date): Promise<ConsoleSession | null> {
    const row = await this.em.getRepository(ConsoleSessionSchema).findOne({ where: { idHash, endedAt: IsNull(), expiresAt: MoreThan(now) } });
    return row ? { memberId: row.memberId, csrf: row.csrf, expiresAt: row.expiresAt } : null;
  }

  async endSession(idHash: string, now: Date): Promise<void> {
    await this.em.getRepository(ConsoleSessionSchema).update({ idHash, endedAt: IsNull() }, { endedAt: now });
  }

  async endSessionsOf(memberId: number, now: Date): Promise<number> {
    const result = await this.em.getRepository(ConsoleSessionSchema).update({ memberId, endedAt: IsNull(), expiresAt: MoreThan(now) }, { endedAt: now });
    return result.affected ?? 0;
  }

  async mapEvents(gridIds: number[], since: Date, openStates: readonly string[]): Promise<ConsoleEventRow[]> {
    const repo = this.em.getRepository(EventSchema);
    const byId = new Map<number, ConsoleEventRow>();
    for (const ids of slices(gridIds)) {
      const recent = await repo.find({ select: EVENT_COLUMNS, where: { gridUnitId: In(ids), reportedAt: MoreThanOrEqual(since) } });
      const open = await repo.find({ select: EVENT_COLUMNS, where: { gridUnitId: In(ids), state: In([...openStates]) } });
      for (const r of [...recent, ...open]) byId.set(r.id, r as ConsoleEventRow);
    }
    return [...byId.values()].sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
  }

  async openEvents(gridIds: number[], openStates: readonly string[]): Promise<ConsoleEventRow[]> {
    const out: ConsoleEventRow[] = [];
    for (const ids of slices(gridIds)) {
      out.push(...((await this.em.getRepository(EventSchema).find({ select: EVENT_COLUMNS, where: { gridUnitId: In(ids), state: In([...openStates]) } })) as ConsoleEventRow[]));
    }
    return out.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime() || a.id - b.id);
  }

  async activeTasks(unitIds: number[], activeStates: readonly string[]): Promise<ConsoleTaskRow[]> {
    const out: ConsoleTaskRow[] = [];
    for (const ids of slices(unitIds)) {
      const rows = await this.em.getRepository(TaskSchema).find({ select: TASK_COLUMNS, where: { scopeUnitId: In(ids), state: In([...activeStates]) }, order: { deadline: 'ASC' } });
      out.push(...(rows as ConsoleTaskRow[]));
    }
    return out;
  }

  async eventByNumber(number: string): Promise<(ConsoleEventRow & { description: string }) | null> {
    return (await this.em.getRepository(EventSchema).findOne({ select: { ...EVENT_COLUMNS, description: true }, where: { number } })) as (ConsoleEventRow & { description: string }) | null;
  }

  async eventTimeline(eventId: number): Promise<TimelineRow[]> {
    const rows = await this.em.getRepository(EventLogSchema).find({ where: { eventId }, order: { at: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({ at: r.at, action: r.action, toState: r.toState, note: r.note }));
  }

  async taskByNumber(number: string): Promise<ConsoleTaskRow | null> {
    return (await this.em.getRepository(TaskSchema).findOne({ select: TASK_COLUMNS, where: { number } })) as ConsoleTaskRow | null;
  }

  async taskTimeline(taskId: number): Promise<TimelineRow[]> {
    const rows = await this.em.getRepository(TaskHistorySchema).find({ where: { taskId }, order: { at: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({ at: r.at, action: r.action, toState: r.toState, note: r.note }));
  }

  async outsideChecks(unitIds: number[], since: Date): Promise<OutsideCheckRow[]> {
    const out: OutsideCheckRow[] = [];
    for (const ids of slices(unitIds)) {
      const rows = await this.em.getRepository(AttendanceCheckSchema).find({ where: { unitId: In(ids), outside: true, at: MoreThanOrEqual(since) } });
      for (const r of rows) if (r.latitude !== null && r.longitude !== null) out.push({ memberId: r.memberId, unitId: r.unitId, at: r.at, latitude: r.latitude, longitude: r.longitude });
    }
    return out;
  }

  async boundaries(unitIds: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const ids of slices(unitIds)) {
      const rows = await this.em.getRepository(OrgUnitSchema).find({ select: { id: true, boundary: true }, where: { id: In(ids) } });
      for (const r of rows) if (r.boundary) out.set(r.id, r.boundary);
    }
    return out;
  }

  /**
   * The open receipts are found over the (unit, confirmed) index, so the cost is that of the
   * unconfirmed ones, not of every notice ever sent; then only those notices' receipts are counted.
   */
  async noticesAwaitingReceipts(unitIds: number[]): Promise<ConsoleNoticeRow[]> {
    const receipts = this.em.getRepository(NoticeReceiptSchema);
    const open = new Set<number>();
    for (const ids of slices(unitIds)) for (const r of await receipts.find({ select: { noticeId: true }, where: { unitId: In(ids), confirmedAt: IsNull() } })) open.add(r.noticeId);
    if (!open.size) return [];
    const rows: NoticeReceiptRow[] = [];
    for (const notices of slices([...open])) for (const ids of slices(unitIds)) rows.push(...(await receipts.find({ where: { noticeId: In(notices), unitId: In(ids) } })));
    const notices: ConsoleNoticeRow[] = [];
    for (const ids of slices([...open])) {
      for (const n of await this.em.getRepository(NoticeSchema).find({ where: { id: In(ids) } })) {
        const mine = rows.filter((r) => r.noticeId === n.id);
        notices.push({ number: n.number, body: n.body, sentAt: n.sentAt, deadline: n.deadline, recipients: mine.length, awaiting: mine.filter((r) => r.confirmedAt === null).length });
      }
    }
    return notices.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  }

  async noticeReceipts(number: string, unitIds: number[]) {
    const n = await this.em.getRepository(NoticeSchema).findOne({ where: { number } });
    if (!n || !unitIds.length) return null;
    const rows: NoticeReceiptRow[] = [];
    for (const ids of slices(unitIds)) rows.push(...(await this.em.getRepository(NoticeReceiptSchema).find({ where: { noticeId: n.id, unitId: In(ids) }, order: { id: 'ASC' } })));
    if (!rows.length) return null;
    const notice: ConsoleNoticeRow = { number: n.number, body: n.body, sentAt: n.sentAt, deadline: n.deadline, recipients: rows.length, awaiting: rows.filter((r) => r.confirmedAt === null).length };
    return { notice, receipts: rows.map((r) => ({ memberId: r.memberId, confirmedAt: r.confirmedAt, reply: r.reply })) };
  }
}
