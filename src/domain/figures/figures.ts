/**
 * Every reported figure, defined once: 已解决 / 在办 / 退回 / 上报镇县 for events, 到期 and 按期 for
 * tasks, and 满意 for ratings. Agendas, 考核, 统计 and the exported ledgers count with these and
 * nothing else, so one month shows one set of figures whichever way it is asked for. (The info
 * report and patrol rates are `infoReportRatio` and `patrolRatio` beside them.)
 */
import type { EventRating, EventState, HandlingLevel } from '../event/event';
import type { TaskState } from '../task/task';
import type { DaibanState } from '../daiban/daiban';

/** A half-open span of time [start, end). */
export interface FigureRange {
  start: Date;
  end: Date;
}

const inRange = (range: FigureRange, at: Date | null): boolean => at !== null && at.getTime() >= range.start.getTime() && at.getTime() < range.end.getTime();

// ---- events -----------------------------------------------------------------------------------

/**
 * Where an event stands for the figures:
 * - `solved` 已解决: closed (结案), rated after closing, or settled on the spot (现场处置);
 * - `returned` 退回: sent back to the reporter (回退) and not resubmitted — neither solved nor open;
 * - `open` 在办: everything else (reported, accepted, dispatched, in progress, awaiting 核查).
 * So reported = solved + open + returned, always.
 */
export type EventStanding = 'solved' | 'open' | 'returned';

const SOLVED: readonly EventState[] = ['closed', 'rated', 'settled_on_spot'];

export function eventStanding(state: EventState): EventStanding {
  if (SOLVED.includes(state)) return 'solved';
  if (state === 'returned') return 'returned';
  return 'open';
}

/** 上报镇/县: the event is held at (or was closed by) the town or the county. */
export function isEscalatedLevel(level: HandlingLevel): boolean {
  return level === 'town' || level === 'county';
}

export interface EventFigureFacts {
  state: EventState;
  /** The level holding the event, or the one that closed it. */
  level: HandlingLevel;
}

export interface EventTally {
  reported: number;
  solved: number;
  open: number;
  returned: number;
  settledOnSpot: number;
  escalated: number;
}

/** The figures of events reported in a period (the caller selects them by `reportedAt`). */
export function tallyEvents(events: readonly EventFigureFacts[]): EventTally {
  return tallyEventGroups(events.map((facts) => ({ facts, count: 1 })));
}

/** `count` events sharing the same facts (a database's GROUP BY row). */
export interface CountedEvents {
  facts: EventFigureFacts;
  count: number;
}

/**
 * The same figures from events already grouped by their facts: what a repository hands over when
 * it counts a period in the database (grouped by state and level) instead of reading every row.
 */
export function tallyEventGroups(groups: readonly CountedEvents[]): EventTally {
  const tally: EventTally = { reported: 0, solved: 0, open: 0, returned: 0, settledOnSpot: 0, escalated: 0 };
  for (const { facts: e, count } of groups) {
    tally.reported += count;
    tally[eventStanding(e.state)] += count;
    if (e.state === 'settled_on_spot') tally.settledOnSpot += count;
    if (isEscalatedLevel(e.level)) tally.escalated += count;
  }
  return tally;
}

// ---- tasks ------------------------------------------------------------------------------------

export interface TaskFigureFacts {
  state: TaskState;
  deadline: Date;
  /** 办结 submitted for 核查. */
  submittedAt: Date | null;
  /** Done (without 核查: the 办结; with 核查: when it passed). */
  finishedAt: Date | null;
}

/** Tasks that were never owed: withdrawn by the dispatcher or sent back (退回) by the assignee. */
const NEVER_DUE: readonly TaskState[] = ['withdrawn', 'returned'];

/**
 * When the assignee reported the work done: the 办结, whether or not a 核查 followed. A task is
 * judged by the assignee's own work, not by how long the check took.
 */
export function reportedDoneAt(task: TaskFigureFacts): Date | null {
  return task.submittedAt ?? task.finishedAt;
}

/**
 * 到期: a task counts for the period its deadline falls in (so a query may select a period's
 * candidates by deadline alone, then apply this), once the deadline has passed or the
 * work was reported done (a task finished early counts at once; one still running before its
 * deadline is not judged yet).
 */
export function isTaskDue(task: TaskFigureFacts, range: FigureRange, now: Date): boolean {
  if (NEVER_DUE.includes(task.state) || !inRange(range, task.deadline)) return false;
  return task.deadline.getTime() <= now.getTime() || reportedDoneAt(task) !== null;
}

/** 按期: reported done no later than the deadline. */
export function isTaskOnTime(task: TaskFigureFacts): boolean {
  const done = reportedDoneAt(task);
  return done !== null && done.getTime() <= task.deadline.getTime();
}

export interface TaskTally {
  due: number;
  onTime: number;
  /** Due and not on time (逾期). */
  late: number;
}

export function tallyTasks(tasks: readonly TaskFigureFacts[], range: FigureRange, now: Date): TaskTally {
  const tally: TaskTally = { due: 0, onTime: 0, late: 0 };
  for (const t of tasks) {
    if (!isTaskDue(t, range, now)) continue;
    tally.due++;
    if (isTaskOnTime(t)) tally.onTime++;
    else tally.late++;
  }
  return tally;
}

// ---- 代办 (help with applications) -------------------------------------------------------------

export interface DaibanFigureFacts {
  state: DaibanState;
  registeredAt: Date;
  /** 受理 + the time limit; null until 受理. */
  deadline: Date | null;
  /** 办结 or 退回. */
  closedAt: Date | null;
}

/**
 * 到期 for a 代办, as for tasks: it counts for the period its time limit falls in, once the limit
 * has passed or it was 办结. A request 退回 was never owed to the end; one not 受理 has no limit.
 */
export function isDaibanDue(d: DaibanFigureFacts, range: FigureRange, now: Date): boolean {
  if (d.state === 'returned' || d.deadline === null || !inRange(range, d.deadline)) return false;
  return d.deadline.getTime() <= now.getTime() || d.state === 'done';
}

/** 按时办结: 办结 no later than the time limit. */
export function isDaibanOnTime(d: DaibanFigureFacts): boolean {
  return d.state === 'done' && d.closedAt !== null && d.deadline !== null && d.closedAt.getTime() <= d.deadline.getTime();
}

export interface DaibanTally {
  /** 受理登记: recorded in the period. */
  received: number;
  /** 办结 in the period. */
  done: number;
  /** 退回 in the period. */
  returned: number;
  /** 到期, 按时 and 逾期 as {@link isDaibanDue} says. */
  due: number;
  onTime: number;
  late: number;
}

export function tallyDaiban(requests: readonly DaibanFigureFacts[], range: FigureRange, now: Date): DaibanTally {
  const tally: DaibanTally = { received: 0, done: 0, returned: 0, due: 0, onTime: 0, late: 0 };
  for (const d of requests) {
    if (inRange(range, d.registeredAt)) tally.received++;
    if (d.state === 'done' && inRange(range, d.closedAt)) tally.done++;
    if (d.state === 'returned' && inRange(range, d.closedAt)) tally.returned++;
    if (!isDaibanDue(d, range, now)) continue;
    tally.due++;
    if (isDaibanOnTime(d)) tally.onTime++;
    else tally.late++;
  }
  return tally;
}

// ---- satisfaction -----------------------------------------------------------------------------

/** 满意度: 满意 and 基本满意 count as satisfied; 不满意 does not. */
export function isSatisfied(rating: EventRating): boolean {
  return rating !== 'unsatisfied';
}

/**
 * Whose opinion a rating is: a resident's (or an outside reporter's) own 评价, the answer to a 回访
 * by the handler, or a member rating a colleague's work (a gridworker rating what they reported).
 */
export type OpinionSource = 'resident' | 'followup' | 'member';

/**
 * 群众满意率 is the residents' voice only: their ratings and the 回访 answers. Members rating
 * members is counted apart as 评价 (members), never in 群众满意率.
 */
export function countsForPublicSatisfaction(source: OpinionSource): boolean {
  return source !== 'member';
}

/** The source of a rating on the event timeline: a step without a member actor came from outside. */
export function ratingSource(actorId: number | null): OpinionSource {
  return actorId === null ? 'resident' : 'member';
}

export interface SatisfactionTally {
  /** 群众满意率: residents' ratings and 回访 answers, 满意 and 基本满意 of all. */
  public: { done: number; of: number };
  /** 评价 (members): members' ratings of the work, 满意 and 基本满意 of all. */
  members: { done: number; of: number };
}

export function tallySatisfaction(opinions: readonly { source: OpinionSource; rating: EventRating }[]): SatisfactionTally {
  const tally: SatisfactionTally = { public: { done: 0, of: 0 }, members: { done: 0, of: 0 } };
  for (const o of opinions) {
    const into = countsForPublicSatisfaction(o.source) ? tally.public : tally.members;
    into.of++;
    if (isSatisfied(o.rating)) into.done++;
  }
  return tally;
}

// ---- one report day -----------------------------------------------------------------------------

/**
 * 已报送 on one report day, as 考核 counts it: of the gridworkers not on approved leave that day,
 * how many filed. A report from someone on leave is welcome but neither required nor counted.
 */
export function reportDayRatio(workers: readonly number[], onLeave: ReadonlySet<number>, filed: ReadonlySet<number>): { done: number; of: number } {
  const required = workers.filter((id) => !onLeave.has(id));
  return { done: required.filter((id) => filed.has(id)).length, of: required.length };
}
