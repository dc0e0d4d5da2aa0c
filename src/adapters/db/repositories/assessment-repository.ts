/**
 * Assessment (考核) on TypeORM: manual entries (its own table), and the read queries
 * that gather each grid's and member's facts for a period from the events and tasks tables (read
 * only; those areas own them), and from the attendance area's patrol log, leave requests and
 * info reports.
 */
import { eventStanding, isTaskDue, isTaskOnTime, ratingSource, tallySatisfaction, tallyTasks, type OpinionSource, type TaskFigureFacts } from '../../../domain/figures';
import type { EventRating, EventState } from '../../../domain/event/event';
import type { TaskState } from '../../../domain/task/task';
import { And, In, IsNull, LessThan, LessThanOrEqual, MoreThanOrEqual, type EntityManager, type FindOperator, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type {
  Adjustment,
  AssessmentRepo,
  AttendanceDays,
  EventLedgerRow,
  EventStats,
  FactsOptions,
  FiledReport,
  Range,
  RecordedFacts,
  SubjectKind,
  TaskLedgerRow,
  TaskStats,
} from '../../../bot/assessment/ports';
import { EventLogSchema, EventSchema, type EventLogRow, type EventRow } from '../schemas/events';
import { TaskHistorySchema, TaskSchema, type TaskHistoryRow, type TaskRow } from '../schemas/tasks';
import { InfoReportSchema, LeaveRequestSchema, PatrolLogSchema } from '../schemas/attendance';
import { AssessmentAdjustmentSchema, type AssessmentAdjustmentRow } from '../schemas/assessment';
import { MemberRoleSchema, MemberSchema, type MemberRoleRow } from '../schemas/core';
import { EventFollowupSchema } from '../schemas/residents';

/** Tasks that never became the assignee's work to finish: not counted as due. */
const OPEN_TASK_STATES = ['dispatched', 'accepted', 'extension_requested'];

/** A task row as the figures read it. */
export function taskFigureFacts(t: TaskRow): TaskFigureFacts {
  return { state: t.state as TaskState, deadline: t.deadline, submittedAt: t.submittedAt, finishedAt: t.finishedAt };
}

const within = (range: Range): FindOperator<Date> => And(MoreThanOrEqual(range.start), LessThan(range.end));
const inRange = (range: Range, at: Date | null) => at !== null && at.getTime() >= range.start.getTime() && at.getTime() < range.end.getTime();

/** The local calendar day of an instant, `YYYY-MM-DD`. */
function localDay(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function adjustmentToDomain(r: AssessmentAdjustmentRow): Adjustment {
  return { ...r, subjectKind: r.subjectKind as SubjectKind, points: Number(r.points) };
}


/** The SQL of "seconds from a to b" of two datetime columns, per database. */
function secondsBetween(em: EntityManager, from: string, to: string): string {
  return em.connection.options.type === 'mysql' ? `TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) / 1000000` : `(julianday(${to}) - julianday(${from})) * 86400`;
}

/** A datetime read raw: a Date from MariaDB, the UTC text TypeORM stores in SQLite. */
function rawDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(`${v.replace(' ', 'T')}Z`);
}

const optionalNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Splits big IN lists so a county of many grids stays within driver limits. */
function chunks<T>(xs: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** Task actions of the period counted per action, actor and task owner (grid, assignee). */
interface PeriodActionGroup {
  action: string;
  actorId: number | null;
  gridId: number | null;
  assigneeId: number;
  count: number;
}

/** A history row of the period of a task that asks for 核查, with whom the task belongs to. */
interface PeriodVerificationRow {
  taskId: number;
  action: string;
  toState: string;
  at: Date;
  gridId: number | null;
  dispatcherId: number;
}

/** Ratings and 督办 of the period counted per event owner, action and detail. */
interface PeriodEventLogGroup {
  action: string;
  /** The rating of a `rate` step; null for 督办. */
  rating: string | null;
  gridUnitId: number;
  /** Null for a resident's or an intake order's event. */
  reporterId: number | null;
  /** The member who took the step; null for a resident's (or intake client's) own rating. */
  actorId: number | null;
  assigneeKind: string | null;
  assigneeId: number | null;
  count: number;
}

/**
 * What the facts of a period are made of, each already narrowed to the period by its index (events
 * by report time, tasks by deadline, history and event log by time) and keyed by the subjects it
 * counts for.
 */
interface FactSources {
  /** Events reported in the period, counted per subject and state. */
  reported: { key: number; state: string; count: number }[];
  /** Tasks whose deadline falls in the period (the only ones that can be due in it). */
  dueCandidates: { keys: number[]; task: TaskFigureFacts }[];
  /** History rows of the period that count as a subject's own action or rung (处置 / 接单 / 回退 / 督办), counted. */
  actions: { keys: number[]; action: string; count: number }[];
  /** The period's history of each task a subject had to verify (核查), oldest first. */
  verifications: { keys: number[]; rows: { action: string; toState: string; at: Date }[] }[];
  /** Ratings and 督办 on events, in the period, counted; `actorId` null for a resident's rating. */
  eventLog: { keys: number[]; action: string; rating: string | null; actorId: number | null; count: number }[];
  /** 回访 answers in the period (群众满意率). */
  followups: { keys: number[]; rating: string }[];
}

function emptyRecorded(): RecordedFacts {
  return {
    tasks: { due: 0, onTime: 0 },
    infoReports: null,
    patrols: null,
    reporting: { reported: 0, withdrawn: 0 },
    handling: { handled: 0, taken: 0, returned: 0 },
    verification: { done: 0, of: 0 },
    satisfaction: { done: 0, of: 0 },
    memberRatings: { done: 0, of: 0 },
    supervisions: 0,
    overdue: 0,
  };
}

/** One opinion into 群众满意率 or the members' 评价 (domain/figures decides which). */
function addOpinion(f: RecordedFacts, source: OpinionSource, rating: EventRating): void {
  const tally = tallySatisfaction([{ source, rating }]);
  f.satisfaction = { done: f.satisfaction.done + tally.public.done, of: f.satisfaction.of + tally.public.of };
  const members = f.memberRatings ?? { done: 0, of: 0 };
  f.memberRatings = { done: members.done + tally.members.done, of: members.of + tally.members.of };
}

export class TypeOrmAssessmentRepo implements AssessmentRepo {
  constructor(private readonly em: EntityManager) {}

  async addAdjustment(input: Omit<Adjustment, 'id'>): Promise<Adjustment> {
    const saved = await this.em.getRepository(AssessmentAdjustmentSchema).save({ ...input });
    return adjustmentToDomain(saved as AssessmentAdjustmentRow);
  }

  async adjustments(kind: SubjectKind, subjectIds: number[], range: Range): Promise<Adjustment[]> {
    if (!subjectIds.length) return [];
    const rows = await this.em.getRepository(AssessmentAdjustmentSchema).find({
      where: { subjectKind: kind, subjectId: In(subjectIds), effectiveAt: within(range) },
      order: { id: 'ASC' },
    });
    return rows.map(adjustmentToDomain);
  }

  async gridFacts(gridIds: number[], range: Range, options: FactsOptions): Promise<Map<number, RecordedFacts>> {
    if (!gridIds.length) return new Map();
    const reported = await this.reportedByState('e.gridUnitId', gridIds, range);
    const due = await this.tasksWithDeadlineIn({ gridId: In(gridIds) }, range);
    const actions = await this.gridPeriodActions(gridIds, range);
    const verifications = await this.gridPeriodVerifications(gridIds, range);
    const eventLog = await this.gridPeriodEventLog(gridIds, range);
    const gridKey = (gridId: number | null) => (gridId !== null ? [gridId] : []);
    return this.facts(gridIds, range, options, {
      reported,
      dueCandidates: due.map((t) => ({ keys: gridKey(t.gridId), task: taskFigureFacts(t) })),
      actions: actions.map((a) => ({ keys: gridKey(a.gridId), action: a.action, count: a.count })),
      verifications: this.byTask(verifications, (h) => gridKey(h.gridId)),
      eventLog: eventLog.map((l) => ({ keys: [l.gridUnitId], action: l.action, rating: l.rating, actorId: l.actorId, count: l.count })),
      followups: (await this.em.getRepository(EventFollowupSchema).find({ where: { gridUnitId: In(gridIds), at: within(range) } })).map((f) => ({ keys: [f.gridUnitId], rating: f.rating })),
    });
  }

  async memberFacts(memberIds: number[], range: Range, options: FactsOptions): Promise<Map<number, RecordedFacts>> {
    if (!memberIds.length) return new Map();
    const reported = await this.reportedByState('e.reporterId', memberIds, range);
    const due = await this.tasksWithDeadlineIn({ assigneeId: In(memberIds) }, range);
    const actions = await this.periodActions({ sql: 't.assigneeId IN (:...ids)', ids: memberIds }, range);
    const verifications = await this.periodVerifications({ sql: 't.dispatcherId IN (:...ids)', ids: memberIds }, range);
    const eventLog = await this.periodEventLog({ sql: "(e.reporterId IN (:...ids) OR (e.assigneeKind = 'member' AND e.assigneeId IN (:...ids)))", ids: memberIds }, range);
    return this.facts(memberIds, range, options, {
      reported,
      dueCandidates: due.map((t) => ({ keys: [t.assigneeId], task: taskFigureFacts(t) })),
      // 处置 / 接单 / 回退 count for the member who did them; rungs (督办) for the assignee.
      actions: actions.map((a) => ({ keys: [a.actorId ?? a.assigneeId], action: a.action, count: a.count })),
      verifications: this.byTask(verifications, (h) => [h.dispatcherId]),
      // A member's rating counts for the reporter (the gridworker who brought the matter); a
      // resident's rating, like 督办, for whoever holds it.
      eventLog: eventLog.map((l) => ({
        keys: l.action === 'rate' && l.actorId !== null ? (l.reporterId !== null ? [l.reporterId] : []) : l.assigneeKind === 'member' && l.assigneeId !== null ? [l.assigneeId] : [],
        action: l.action,
        rating: l.rating,
        actorId: l.actorId,
        count: l.count,
      })),
      // A 回访 answer counts for the member the event is dispatched to, as a resident's rating does.
      followups: await this.memberFollowups(memberIds, range),
    });
  }

  private async memberFollowups(memberIds: number[], range: Range): Promise<FactSources['followups']> {
    const rows = await this.em.getRepository(EventFollowupSchema).find({ where: { at: within(range) } });
    if (!rows.length) return [];
    const events = await this.em.getRepository(EventSchema).find({ where: { id: In([...new Set(rows.map((r) => r.eventId))]), assigneeKind: 'member', assigneeId: In(memberIds) } });
    const assignee = new Map(events.map((e) => [e.id, e.assigneeId]));
    return rows.flatMap((r) => {
      const id = assignee.get(r.eventId);
      return id !== undefined && id !== null ? [{ keys: [id], rating: r.rating }] : [];
    });
  }

  /** Events reported in the range per subject column and state, counted over the (subject, period) index. */
  private async reportedByState(column: 'e.gridUnitId' | 'e.reporterId', ids: number[], range: Range): Promise<FactSources['reported']> {
    const out: FactSources['reported'] = [];
    for (const part of chunks(ids)) {
      const rows = await this.em
        .getRepository(EventSchema)
        .createQueryBuilder('e')
        .select(column, 'k')
        .addSelect('e.state', 'state')
        .addSelect('COUNT(*)', 'n')
        .where(`${column} IN (:...ids)`, { ids: part })
        .andWhere('e.reportedAt >= :start AND e.reportedAt < :end', { start: range.start, end: range.end })
        .groupBy(column)
        .addGroupBy('e.state')
        .getRawMany<{ k: number | string; state: string; n: number | string }>();
      for (const r of rows) out.push({ key: Number(r.k), state: r.state, count: Number(r.n) });
    }
    return out;
  }

  /** Tasks whose deadline falls in the range: a task can be due only in that period (`isTaskDue`). */
  private async tasksWithDeadlineIn(where: { gridId: FindOperator<number> } | { assigneeId: FindOperator<number> }, range: Range): Promise<TaskRow[]> {
    return this.em.getRepository(TaskSchema).find({
      select: { id: true, gridId: true, assigneeId: true, state: true, deadline: true, submittedAt: true, finishedAt: true },
      where: { ...where, deadline: within(range) },
    });
  }

  /** The task actions of the range (over the history's time index) of the tasks `owners` selects, counted. */
  private async periodActions(owners: { sql: string; ids: number[] }, range: Range): Promise<PeriodActionGroup[]> {
    const query = this.em
      .getRepository(TaskHistorySchema)
      .createQueryBuilder('h')
      .innerJoin(TaskSchema.options.name, 't', 't.id = h.taskId')
      .select(['h.action AS action', 'h.actorId AS actorId', 't.gridId AS gridId', 't.assigneeId AS assigneeId', 'COUNT(*) AS n'])
      .where('h.at >= :start AND h.at < :end', { start: range.start, end: range.end })
      .andWhere('h.action IN (:...actions)', { actions: ['complete', 'accept', 'return', 'rung.supervise'] })
      .andWhere(owners.sql, { ids: owners.ids })
      .groupBy('h.action')
      .addGroupBy('h.actorId')
      .addGroupBy('t.gridId')
      .addGroupBy('t.assigneeId');
    const rows = await this.periodFirst(query);
    return rows.map((r) => ({ action: String(r.action), actorId: optionalNumber(r.actorId), gridId: optionalNumber(r.gridId), assigneeId: Number(r.assigneeId), count: Number(r.n) }));
  }

  /**
   * The task actions of the range per grid, counted from task_history alone: each row carries the
   * task's grid when it was done, so one (grid, time) index range per grid answers it, no join.
   */
  private async gridPeriodActions(gridIds: number[], range: Range): Promise<PeriodActionGroup[]> {
    const out: PeriodActionGroup[] = [];
    for (const part of chunks(gridIds)) {
      const rows = await this.em
        .getRepository(TaskHistorySchema)
        .createQueryBuilder('h')
        .select(['h.action AS action', 'h.actorId AS actorId', 'h.gridId AS gridId', 'COUNT(*) AS n'])
        .where('h.gridId IN (:...ids)', { ids: part })
        .andWhere('h.at >= :start AND h.at < :end', { start: range.start, end: range.end })
        .andWhere('h.action IN (:...actions)', { actions: ['complete', 'accept', 'return', 'rung.supervise'] })
        .groupBy('h.gridId')
        .addGroupBy('h.action')
        .addGroupBy('h.actorId')
        .getRawMany<Record<string, unknown>>();
      for (const r of rows) out.push({ action: String(r.action), actorId: optionalNumber(r.actorId), gridId: optionalNumber(r.gridId), assigneeId: 0, count: Number(r.n) });
    }
    return out;
  }

  /** Ratings and 督办 of the range per grid, from grid_event_log alone (each row carries its event's grid). */
  private async gridPeriodEventLog(gridIds: number[], range: Range): Promise<PeriodEventLogGroup[]> {
    const out: PeriodEventLogGroup[] = [];
    for (const part of chunks(gridIds)) {
      const rows = await this.em
        .getRepository(EventLogSchema)
        .createQueryBuilder('l')
        .select(['l.action AS action', 'l.rating AS rating', 'l.actorId AS actorId', 'l.gridUnitId AS gridUnitId', 'COUNT(*) AS n'])
        .where('l.action IN (:...actions)', { actions: ['rate', 'supervise'] })
        .andWhere('l.gridUnitId IN (:...ids)', { ids: part })
        .andWhere('l.at >= :start AND l.at < :end', { start: range.start, end: range.end })
        .groupBy('l.action')
        .addGroupBy('l.gridUnitId')
        .addGroupBy('l.actorId')
        .addGroupBy('l.rating')
        .getRawMany<Record<string, unknown>>();
      for (const r of rows) {
        out.push({
          action: String(r.action),
          rating: r.rating === null || r.rating === undefined ? null : String(r.rating),
          gridUnitId: Number(r.gridUnitId),
          reporterId: null,
          actorId: optionalNumber(r.actorId),
          assigneeKind: null,
          assigneeId: null,
          count: Number(r.n),
        });
      }
    }
    return out;
  }

  /**
   * The range's 核查 steps per grid (oldest first), from task_history alone over its (grid, time)
   * index: a submission for 核查 (办结 to `submitted`, which only a task asking for 核查 takes) and
   * the answers (通过 / 驳回, which only follow such a submission). The task's grid is the row's own.
   */
  private async gridPeriodVerifications(gridIds: number[], range: Range): Promise<PeriodVerificationRow[]> {
    const out: PeriodVerificationRow[] = [];
    for (const part of chunks(gridIds)) {
      const rows = await this.em
        .getRepository(TaskHistorySchema)
        .createQueryBuilder('h')
        .select(['h.taskId AS taskId', 'h.action AS action', 'h.toState AS toState', 'h.at AS at', 'h.gridId AS gridId'])
        .where('h.gridId IN (:...ids)', { ids: part })
        .andWhere('h.at >= :start AND h.at < :end', { start: range.start, end: range.end })
        .andWhere("(h.action IN (:...answers) OR (h.action = 'complete' AND h.toState = 'submitted'))", { answers: ['approve', 'reject'] })
        .orderBy('h.at', 'ASC')
        .addOrderBy('h.id', 'ASC')
        .getRawMany<Record<string, unknown>>();
      for (const r of rows) out.push({ taskId: Number(r.taskId), action: String(r.action), toState: String(r.toState), at: rawDate(r.at as Date | string), gridId: optionalNumber(r.gridId), dispatcherId: 0 });
    }
    return out.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** The range's history (oldest first) of the tasks `owners` selects that ask for 核查. */
  private async periodVerifications(owners: { sql: string; ids: number[] }, range: Range): Promise<PeriodVerificationRow[]> {
    const query = this.em
      .getRepository(TaskHistorySchema)
      .createQueryBuilder('h')
      .innerJoin(TaskSchema.options.name, 't', 't.id = h.taskId')
      .select(['h.taskId AS taskId', 'h.action AS action', 'h.toState AS toState', 'h.at AS at', 't.gridId AS gridId', 't.dispatcherId AS dispatcherId'])
      .where('h.at >= :start AND h.at < :end', { start: range.start, end: range.end })
      .andWhere('t.requiresVerification = 1')
      .andWhere(owners.sql, { ids: owners.ids })
      .orderBy('h.at', 'ASC')
      .addOrderBy('h.id', 'ASC');
    const rows = await this.periodFirst(query);
    return rows.map((r) => ({
      taskId: Number(r.taskId),
      action: String(r.action),
      toState: String(r.toState),
      at: rawDate(r.at as Date | string),
      gridId: optionalNumber(r.gridId),
      dispatcherId: Number(r.dispatcherId),
    }));
  }

  /** Ratings and 督办 of the range (over the (action, time) index) on the events `owners` selects, counted. */
  private async periodEventLog(owners: { sql: string; ids: number[] }, range: Range): Promise<PeriodEventLogGroup[]> {
    const query = this.em
      .getRepository(EventLogSchema)
      .createQueryBuilder('l')
      .innerJoin(EventSchema.options.name, 'e', 'e.id = l.eventId')
      .select(['l.action AS action', 'l.rating AS rating', 'l.actorId AS actorId', 'e.gridUnitId AS gridUnitId', 'e.reporterId AS reporterId', 'e.assigneeKind AS assigneeKind', 'e.assigneeId AS assigneeId', 'COUNT(*) AS n'])
      .where('l.action IN (:...actions)', { actions: ['rate', 'supervise'] })
      .andWhere('l.at >= :start AND l.at < :end', { start: range.start, end: range.end })
      .andWhere(owners.sql, { ids: owners.ids })
      .groupBy('l.action')
      .addGroupBy('l.rating')
      .addGroupBy('l.actorId')
      .addGroupBy('e.gridUnitId')
      .addGroupBy('e.reporterId')
      .addGroupBy('e.assigneeKind')
      .addGroupBy('e.assigneeId');
    const rows = await this.periodFirst(query);
    return rows.map((r) => ({
      action: String(r.action),
      rating: r.rating === null || r.rating === undefined ? null : String(r.rating),
      gridUnitId: Number(r.gridUnitId),
      reporterId: optionalNumber(r.reporterId),
      actorId: optionalNumber(r.actorId),
      assigneeKind: r.assigneeKind === null || r.assigneeKind === undefined ? null : String(r.assigneeKind),
      assigneeId: optionalNumber(r.assigneeId),
      count: Number(r.n),
    }));
  }

  /**
   * Runs a join of a period's rows (the first table) to their task or event with the period's rows
   * driving it. Left to themselves, MariaDB's and SQLite's planners start from the units' tasks or
   * events — every one they ever had — and look up each one's history: the cost of the years kept.
   */
  private async periodFirst(query: SelectQueryBuilder<ObjectLiteral>): Promise<Record<string, unknown>[]> {
    const [sql, params] = query.getQueryAndParameters();
    const join = this.em.connection.options.type === 'mysql' ? ' STRAIGHT_JOIN ' : ' CROSS JOIN ';
    return (await this.em.query(sql.replace(' INNER JOIN ', join), params)) as Record<string, unknown>[];
  }

  /** History rows (oldest first) gathered per task, with the subjects the task counts for. */
  private byTask(rows: PeriodVerificationRow[], keysOf: (h: PeriodVerificationRow) => number[]): FactSources['verifications'] {
    const tasks = new Map<number, FactSources['verifications'][number]>();
    for (const h of rows) {
      const entry = tasks.get(h.taskId) ?? { keys: keysOf(h), rows: [] };
      entry.rows.push({ action: h.action, toState: h.toState, at: h.at });
      tasks.set(h.taskId, entry);
    }
    return [...tasks.values()];
  }

  private facts(keys: number[], range: Range, options: FactsOptions, s: FactSources): Map<number, RecordedFacts> {
    const out = new Map(keys.map((k) => [k, emptyRecorded()]));
    const each = <T extends { keys: number[] }>(rows: T[], fn: (f: RecordedFacts, row: T) => void) => {
      for (const row of rows) for (const k of row.keys) {
        const f = out.get(k);
        if (f) fn(f, row);
      }
    };
    // 上报 and 退回: events reported in the period; one still sent back (回退) counts as withdrawn.
    for (const r of s.reported) {
      const f = out.get(r.key);
      if (!f) continue;
      f.reporting.reported += r.count;
      if (eventStanding(r.state as EventState) === 'returned') f.reporting.withdrawn += r.count;
    }
    // Tasks due in the period: the deadline fell in it and has passed, or the work was already reported done.
    each(s.dueCandidates, (f, { task }) => {
      if (!isTaskDue(task, range, options.now)) return;
      f.tasks.due++;
      if (isTaskOnTime(task)) f.tasks.onTime++;
      else f.overdue++;
    });
    each(s.actions, (f, h) => {
      if (h.action === 'complete') f.handling.handled += h.count;
      else if (h.action === 'accept') f.handling.taken += h.count;
      else if (h.action === 'return') f.handling.returned += h.count;
      else if (h.action === 'rung.supervise') f.supervisions += h.count;
    });
    // 核查: each submission (办结 awaiting the check) in the period, answered within the limit or not.
    // An answer always follows its submission, so the period's history holds every answer counted.
    const limitMs = options.verificationHours * 3600_000;
    each(s.verifications, (f, { rows }) => {
      rows.forEach((h, i) => {
        if (h.action !== 'complete' || h.toState !== 'submitted' || !inRange(range, h.at)) return;
        const answer = rows.slice(i + 1).find((r) => r.action === 'approve' || r.action === 'reject');
        const waited = (answer ? answer.at.getTime() : options.now.getTime()) - h.at.getTime();
        if (!answer && waited <= limitMs) return; // still within the limit: not judged yet
        f.verification.of++;
        if (answer && waited <= limitMs) f.verification.done++;
      });
    });
    each(s.eventLog, (f, l) => {
      if (l.action === 'supervise') {
        f.supervisions += l.count;
        return;
      }
      if (!l.rating) return;
      for (let i = 0; i < l.count; i++) addOpinion(f, ratingSource(l.actorId), l.rating as EventRating);
    });
    each(s.followups, (f, r) => addOpinion(f, 'followup', r.rating as EventRating));
    return out;
  }

  async gridworkers(gridIds: number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>(gridIds.map((id) => [id, []]));
    const grants: MemberRoleRow[] = [];
    for (const part of chunks(gridIds)) grants.push(...(await this.em.getRepository(MemberRoleSchema).find({ where: { unitId: In(part), role: 'gridworker' }, order: { id: 'ASC' } })));
    const active = new Set<number>();
    for (const part of chunks([...new Set(grants.map((g) => g.memberId))])) {
      for (const m of await this.em.getRepository(MemberSchema).find({ select: { id: true }, where: { id: In(part), active: true } })) active.add(m.id);
    }
    for (const g of grants) if (active.has(g.memberId)) out.get(g.unitId)?.push(g.memberId);
    return out;
  }

  async attendance(memberIds: number[], range: Range, zone: string): Promise<Map<number, AttendanceDays>> {
    const out = new Map<number, AttendanceDays>(memberIds.map((id) => [id, { patrolDays: [], leaveDays: [] }]));
    if (!memberIds.length) return out;
    const [first, last] = [localDay(range.start, zone), localDay(new Date(range.end.getTime() - 1), zone)];
    const patrols = await this.em.getRepository(PatrolLogSchema).find({ where: { memberId: In(memberIds), localDate: And(MoreThanOrEqual(first), LessThanOrEqual(last)) } });
    for (const p of patrols) out.get(p.memberId)?.patrolDays.push(p.localDate);
    const leaves = await this.em
      .getRepository(LeaveRequestSchema)
      .find({ where: { memberId: In(memberIds), status: 'approved', startDate: LessThanOrEqual(last), endDate: MoreThanOrEqual(first) } });
    for (const l of leaves) {
      const days = out.get(l.memberId)?.leaveDays;
      if (!days) continue;
      for (let d = l.startDate < first ? first : l.startDate; d <= l.endDate && d <= last; d = nextDay(d)) days.push(d);
    }
    for (const days of out.values()) days.patrolDays = [...new Set(days.patrolDays)].sort();
    return out;
  }

  async infoReportsFiled(memberIds: number[], range: Range, zone: string): Promise<FiledReport[]> {
    if (!memberIds.length) return [];
    const [first, last] = [localDay(range.start, zone), localDay(new Date(range.end.getTime() - 1), zone)];
    const rows = await this.em.getRepository(InfoReportSchema).find({ where: { memberId: In(memberIds), period: And(MoreThanOrEqual(first), LessThanOrEqual(last)) }, order: { period: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({
      memberId: r.memberId,
      unitId: r.unitId,
      period: r.period,
      reportedAt: r.reportedAt,
      unchanged: Boolean(Number(r.unchanged)),
      categories: [...new Set((JSON.parse(r.items) as { category?: string }[]).map((i) => i.category ?? '').filter(Boolean))],
    }));
  }

  async eventLedger(gridIds: number[], range: Range): Promise<EventLedgerRow[]> {
    if (!gridIds.length) return [];
    const rows = await this.em.getRepository(EventSchema).find({ where: { gridUnitId: In(gridIds), reportedAt: within(range) }, order: { reportedAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({
      number: r.number,
      gridUnitId: r.gridUnitId,
      category: r.category,
      item: r.item,
      urgency: r.urgency,
      description: r.description,
      location: r.location,
      reporterId: r.reporterId,
      originKind: r.originKind,
      reportedAt: r.reportedAt,
      state: r.state,
      handlerLevel: r.handlerLevel,
      closedByLevel: r.closedByLevel,
      deadline: r.deadline,
      closedAt: r.closedAt,
      rating: r.rating,
      reopenCount: r.reopenCount,
      supervision: r.supervision,
      result: r.result,
    }));
  }

  async taskLedger(unitIds: number[], range: Range): Promise<TaskLedgerRow[]> {
    if (!unitIds.length) return [];
    const rows = await this.em.getRepository(TaskSchema).find({
      where: [
        // Dispatched in the period, or due in it: every task the period's figures count is listed.
        { gridId: In(unitIds), dispatchedAt: within(range) },
        { gridId: IsNull(), scopeUnitId: In(unitIds), dispatchedAt: within(range) },
        { gridId: In(unitIds), deadline: within(range) },
        { gridId: IsNull(), scopeUnitId: In(unitIds), deadline: within(range) },
      ],
      order: { dispatchedAt: 'ASC', id: 'ASC' },
    });
    return rows.map((r) => ({
      number: r.number,
      title: r.title,
      priority: r.priority,
      state: r.state,
      gridId: r.gridId,
      scopeUnitId: r.scopeUnitId,
      dispatcherId: r.dispatcherId,
      assigneeId: r.assigneeId,
      eventNumber: r.eventNumber,
      dispatchedAt: r.dispatchedAt,
      deadline: r.deadline,
      submittedAt: r.submittedAt,
      finishedAt: r.finishedAt,
      escalation: r.escalation,
      result: r.result,
    }));
  }

  /** Counted in the database over the (grid, period) index; solved and open by the figures' definition. */
  async eventStats(gridIds: number[], range: Range): Promise<EventStats> {
    type Group = { category: string; state: string; handlerLevel: string; closedByLevel: string | null; urgency: string; n: number | string; closedN: number | string | null; closedSeconds: number | string | null };
    const groups: Group[] = [];
    for (const part of chunks(gridIds)) {
      groups.push(
        ...(await this.em
          .getRepository(EventSchema)
          .createQueryBuilder('e')
          .select('e.category', 'category')
          .addSelect('e.state', 'state')
          .addSelect('e.handlerLevel', 'handlerLevel')
          .addSelect('e.closedByLevel', 'closedByLevel')
          .addSelect('e.urgency', 'urgency')
          .addSelect('COUNT(*)', 'n')
          .addSelect('SUM(CASE WHEN e.closedAt IS NULL THEN 0 ELSE 1 END)', 'closedN')
          .addSelect(`SUM(CASE WHEN e.closedAt IS NULL THEN 0 ELSE ${secondsBetween(this.em, 'e.reportedAt', 'e.closedAt')} END)`, 'closedSeconds')
          .where('e.gridUnitId IN (:...ids)', { ids: part })
          .andWhere('e.reportedAt >= :start AND e.reportedAt < :end', { start: range.start, end: range.end })
          .groupBy('e.category')
          .addGroupBy('e.state')
          .addGroupBy('e.handlerLevel')
          .addGroupBy('e.closedByLevel')
          .addGroupBy('e.urgency')
          .getRawMany<Group>()),
      );
    }
    const count = (key: (g: Group) => string) => {
      const m = new Map<string, number>();
      for (const g of groups) m.set(key(g), (m.get(key(g)) ?? 0) + Number(g.n));
      return m;
    };
    let closed = 0;
    let seconds = 0;
    for (const g of groups) {
      if (eventStanding(g.state as EventState) !== 'solved') continue;
      closed += Number(g.closedN ?? 0);
      seconds += Number(g.closedSeconds ?? 0);
    }
    return {
      byCategory: count((g) => g.category),
      byState: count((g) => g.state),
      byLevel: count((g) => g.closedByLevel ?? g.handlerLevel),
      byUrgency: count((g) => g.urgency),
      total: groups.reduce((sum, g) => sum + Number(g.n), 0),
      closed,
      meanHoursToClose: closed ? seconds / closed / 3600 : null,
    };
  }

  /**
   * 到期 and 按期 over the tasks whose deadline falls in the range (the only ones that can be due in
   * it, judged by `tallyTasks`); the open ones counted over the (unit, state) indexes.
   */
  async taskStats(unitIds: number[], range: Range, now: Date): Promise<TaskStats> {
    if (!unitIds.length) return { due: 0, onTime: 0, open: 0, overdueOpen: 0 };
    const repo = this.em.getRepository(TaskSchema);
    const ofUnits = (part: number[]) => [{ gridId: In(part) }, { gridId: IsNull(), scopeUnitId: In(part) }];
    const candidates: TaskRow[] = [];
    let open = 0;
    let overdueOpen = 0;
    for (const part of chunks(unitIds)) {
      for (const where of ofUnits(part)) {
        candidates.push(...(await repo.find({ select: { id: true, state: true, deadline: true, submittedAt: true, finishedAt: true }, where: { ...where, deadline: within(range) } })));
        const counted = await repo
          .createQueryBuilder('t')
          .select('COUNT(*)', 'n')
          .addSelect('SUM(CASE WHEN t.deadline <= :now THEN 1 ELSE 0 END)', 'overdue')
          .where({ ...where, state: In(OPEN_TASK_STATES) })
          .setParameter('now', now)
          .getRawOne<{ n: number | string; overdue: number | string | null }>();
        open += Number(counted?.n ?? 0);
        overdueOpen += Number(counted?.overdue ?? 0);
      }
    }
    const { due, onTime } = tallyTasks(candidates.map(taskFigureFacts), range, now);
    return { due, onTime, open, overdueOpen };
  }
}
