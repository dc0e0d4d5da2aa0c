/**
 * Assessment (考核) on TypeORM: manual entries (its own table), and the read queries
 * that gather each grid's and member's facts for a period from the events and tasks tables (read
 * only; those areas own them), and from the attendance area's patrol log, leave requests and
 * info reports.
 */
import { eventStanding, isSatisfied, isTaskDue, isTaskOnTime, tallyTasks, type TaskFigureFacts } from '../../../domain/figures';
import type { EventRating, EventState } from '../../../domain/event/event';
import type { TaskState } from '../../../domain/task/task';
import { And, In, IsNull, LessThan, LessThanOrEqual, MoreThanOrEqual, type EntityManager, type FindOperator } from 'typeorm';
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


/** Which subjects a row counts for. */
type KeysOf<T> = (row: T) => number[];

interface FactSources {
  events: EventRow[];
  eventKeys: KeysOf<EventRow>;
  /** Tasks the subject had to finish. */
  assigned: TaskRow[];
  assignedKeys: KeysOf<TaskRow>;
  /** Tasks the subject had to verify (核查). */
  verified: TaskRow[];
  verifiedKeys: KeysOf<TaskRow>;
  /** History of the tasks in `assigned` and `verified` (for 核查). */
  history: TaskHistoryRow[];
  /** History rows that count as the subject's own actions or rungs (处置 / 接单 / 回退 / 督办). */
  actions: TaskHistoryRow[];
  /** Whose action a history row counts for (处置 / 接单 / 回退). */
  actionKeys: KeysOf<TaskHistoryRow>;
  /** Ratings and 督办 on events, in the range. */
  eventLog: EventLogRow[];
  eventLogKeys: KeysOf<EventLogRow>;
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
    supervisions: 0,
    overdue: 0,
  };
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
    const events = await this.em.getRepository(EventSchema).find({ where: { gridUnitId: In(gridIds) } });
    const tasks = await this.em.getRepository(TaskSchema).find({ where: { gridId: In(gridIds) } });
    const history = await this.historyOf(tasks, range);
    const gridOfTask = new Map(tasks.map((t) => [t.id, t.gridId ?? -1]));
    const eventLog = await this.eventLogOf(events, range);
    const gridOfEvent = new Map(events.map((e) => [e.id, e.gridUnitId]));
    return this.facts(gridIds, range, options, {
      events,
      eventKeys: (e) => [e.gridUnitId],
      assigned: tasks,
      assignedKeys: (t) => (t.gridId !== null ? [t.gridId] : []),
      verified: tasks,
      verifiedKeys: (t) => (t.gridId !== null ? [t.gridId] : []),
      history,
      actions: history,
      actionKeys: (h) => [gridOfTask.get(h.taskId) ?? -1],
      eventLog,
      eventLogKeys: (l) => [gridOfEvent.get(l.eventId) ?? -1],
    });
  }

  async memberFacts(memberIds: number[], range: Range, options: FactsOptions): Promise<Map<number, RecordedFacts>> {
    if (!memberIds.length) return new Map();
    const eventRepo = this.em.getRepository(EventSchema);
    const events = await eventRepo.find({ where: [{ reporterId: In(memberIds) }, { assigneeKind: 'member', assigneeId: In(memberIds) }] });
    const taskRepo = this.em.getRepository(TaskSchema);
    const assigned = await taskRepo.find({ where: { assigneeId: In(memberIds) } });
    const verified = await taskRepo.find({ where: { dispatcherId: In(memberIds), requiresVerification: true } });
    const history = await this.historyOf([...assigned, ...verified], range);
    const eventLog = await this.eventLogOf(events, range);
    const byId = new Map(events.map((e) => [e.id, e]));
    const assigneeOfTask = new Map(assigned.map((t) => [t.id, t.assigneeId]));
    return this.facts(memberIds, range, options, {
      events: events.filter((e) => e.reporterId !== null && memberIds.includes(e.reporterId)),
      eventKeys: (e) => (e.reporterId !== null ? [e.reporterId] : []),
      assigned,
      assignedKeys: (t) => [t.assigneeId],
      verified,
      verifiedKeys: (t) => [t.dispatcherId],
      // 处置 / 接单 / 回退 count for the member who did them; rungs (督办) for the assignee.
      history,
      actions: history.filter((h) => assigneeOfTask.has(h.taskId)),
      actionKeys: (h) => [h.actorId ?? assigneeOfTask.get(h.taskId) ?? -1],
      eventLog,
      eventLogKeys: (l) => {
        const e = byId.get(l.eventId);
        if (!e) return [];
        // A rating counts for the reporter (the gridworker who brought the matter); 督办 for whoever holds it.
        if (l.action === 'rate') return e.reporterId !== null ? [e.reporterId] : [];
        return e.assigneeKind === 'member' && e.assigneeId !== null ? [e.assigneeId] : [];
      },
    });
  }

  private async historyOf(tasks: TaskRow[], range: Range): Promise<TaskHistoryRow[]> {
    const ids = [...new Set(tasks.map((t) => t.id))];
    if (!ids.length) return [];
    return this.em.getRepository(TaskHistorySchema).find({ where: { taskId: In(ids), at: LessThan(range.end) }, order: { at: 'ASC', id: 'ASC' } });
  }

  private async eventLogOf(events: EventRow[], range: Range): Promise<EventLogRow[]> {
    const ids = events.map((e) => e.id);
    if (!ids.length) return [];
    return this.em.getRepository(EventLogSchema).find({ where: { eventId: In(ids), action: In(['rate', 'supervise']), at: within(range) } });
  }

  private facts(keys: number[], range: Range, options: FactsOptions, s: FactSources): Map<number, RecordedFacts> {
    const out = new Map(keys.map((k) => [k, emptyRecorded()]));
    const each = <T>(rows: T[], keysOf: KeysOf<T>, fn: (f: RecordedFacts, row: T) => void) => {
      for (const row of rows) for (const k of keysOf(row)) {
        const f = out.get(k);
        if (f) fn(f, row);
      }
    };
    // 上报 and 退回: events reported in the period; one still sent back (回退) counts as withdrawn.
    each(s.events, s.eventKeys, (f, e) => {
      if (!inRange(range, e.reportedAt)) return;
      f.reporting.reported++;
      if (eventStanding(e.state as EventState) === 'returned') f.reporting.withdrawn++;
    });
    // Tasks due in the period: the deadline fell in it and has passed, or the work was already reported done.
    each(s.assigned, s.assignedKeys, (f, t) => {
      const task = taskFigureFacts(t);
      if (!isTaskDue(task, range, options.now)) return;
      f.tasks.due++;
      if (isTaskOnTime(task)) f.tasks.onTime++;
      else f.overdue++;
    });
    const inPeriod = s.actions.filter((h) => inRange(range, h.at));
    each(inPeriod, s.actionKeys, (f, h) => {
      if (h.action === 'complete') f.handling.handled++;
      else if (h.action === 'accept') f.handling.taken++;
      else if (h.action === 'return') f.handling.returned++;
      else if (h.action === 'rung.supervise') f.supervisions++;
    });
    // 核查: each submission (办结 awaiting the check) in the period, answered within the limit or not.
    const limitMs = options.verificationHours * 3600_000;
    const historyByTask = new Map<number, TaskHistoryRow[]>();
    for (const h of s.history) historyByTask.set(h.taskId, [...(historyByTask.get(h.taskId) ?? []), h]);
    each(s.verified, s.verifiedKeys, (f, t) => {
      if (!t.requiresVerification) return;
      const rows = historyByTask.get(t.id) ?? [];
      rows.forEach((h, i) => {
        if (h.action !== 'complete' || h.toState !== 'submitted' || !inRange(range, h.at)) return;
        const answer = rows.slice(i + 1).find((r) => r.action === 'approve' || r.action === 'reject');
        const waited = (answer ? answer.at.getTime() : options.now.getTime()) - h.at.getTime();
        if (!answer && waited <= limitMs) return; // still within the limit: not judged yet
        f.verification.of++;
        if (answer && waited <= limitMs) f.verification.done++;
      });
    });
    each(s.eventLog, s.eventLogKeys, (f, l) => {
      if (l.action === 'supervise') {
        f.supervisions++;
        return;
      }
      const rating = l.detail ? (JSON.parse(l.detail) as { rating?: string }).rating : undefined;
      if (!rating) return;
      f.satisfaction.of++;
      if (isSatisfied(rating as EventRating)) f.satisfaction.done++;
    });
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

  async eventStats(gridIds: number[], range: Range): Promise<EventStats> {
    const rows = gridIds.length ? await this.em.getRepository(EventSchema).find({ where: { gridUnitId: In(gridIds), reportedAt: within(range) } }) : [];
    const count = (key: (r: EventRow) => string) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
      return m;
    };
    const closed = rows.filter((r) => eventStanding(r.state as EventState) === 'solved' && r.closedAt);
    const hours = closed.map((r) => (r.closedAt!.getTime() - r.reportedAt.getTime()) / 3600_000);
    return {
      byCategory: count((r) => r.category),
      byState: count((r) => r.state),
      byLevel: count((r) => r.closedByLevel ?? r.handlerLevel),
      byUrgency: count((r) => r.urgency),
      total: rows.length,
      closed: closed.length,
      meanHoursToClose: hours.length ? hours.reduce((a, b) => a + b, 0) / hours.length : null,
    };
  }

  async taskStats(unitIds: number[], range: Range, now: Date): Promise<TaskStats> {
    const rows = unitIds.length
      ? await this.em.getRepository(TaskSchema).find({ where: [{ gridId: In(unitIds) }, { gridId: IsNull(), scopeUnitId: In(unitIds) }] })
      : [];
    const { due, onTime } = tallyTasks(rows.map(taskFigureFacts), range, now);
    const open = rows.filter((t) => OPEN_TASK_STATES.includes(t.state));
    return { due, onTime, open: open.length, overdueOpen: open.filter((t) => t.deadline.getTime() <= now.getTime()).length };
  }
}
