/**
 * The event (事件): a matter a gridworker reports, carried through the closed loop
 * 采集上报 → 受理立项 → 指挥派遣 → 处置反馈 → 任务核查 → 结案归档 → 评价, up the grid tree when a
 * level cannot settle it.
 */
import { dailyNumbering, formatDailyNumber, parseDailyNumber, type DailyNumbering } from '../calendar/daily-number';

export const EVENT_STATES = [
  'reported', // 已上报: waiting for the handling unit to accept (also after 上报上级, at the new level)
  'accepted', // 已受理 (受理立项)
  'dispatched', // 已派遣 (指挥派遣), waiting for the assignee's 接单
  'in_progress', // 处置中, after 接单 (处置反馈)
  'submitted', // 待核查: the assignee reported it done (办结)
  'closed', // 已结案 (结案归档), waiting for the rating
  'rated', // 已评价
  'settled_on_spot', // 已处置: the reporter settled it on the spot, closed without dispatch
  'returned', // 已回退: sent back to the reporter with a reason
] as const;
export type EventState = (typeof EVENT_STATES)[number];

/** States in which the matter is still being worked on: 督办 and 催办 apply. */
export const OPEN_EVENT_STATES: readonly EventState[] = ['reported', 'accepted', 'dispatched', 'in_progress', 'submitted'];

/** Levels of the grid tree, bottom up: 网格 → 社区(村) → 镇(街道) → 县. Same names as the org tree's. */
export const HANDLING_LEVELS = ['grid', 'community', 'town', 'county'] as const;
export type HandlingLevel = (typeof HANDLING_LEVELS)[number];

/** 一般 / 紧急 / 重大 */
export const EVENT_URGENCIES = ['normal', 'urgent', 'major'] as const;
export type EventUrgency = (typeof EVENT_URGENCIES)[number];

/** 满意 / 基本满意 / 不满意 */
export const EVENT_RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type EventRating = (typeof EVENT_RATINGS)[number];

/** 督办 levels: 普通 / 黄牌 / 红牌 */
export const SUPERVISION_LEVELS = ['normal', 'yellow', 'red'] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

/** The unit currently responsible for the event, and its level. */
export interface HandlingUnit {
  unitId: number;
  level: HandlingLevel;
}

/** Who works the event after 派遣: a member, or a functional department (职能部门). */
export type EventAssignee = { kind: 'member'; memberId: number } | { kind: 'department'; unitId: number };

/**
 * Where an event came from: a member's report (the reporter is `reporterId`), a resident's (居民,
 * from a residents' group or a 联系卡; the resident's identity lives in the PII vault under
 * `residentId`), or an outside system's order (intake client and its own id for the order).
 */
export type EventOrigin = { kind: 'member' } | { kind: 'resident'; residentId: number } | { kind: 'intake'; clientId: number; externalId: string };

export const MEMBER_ORIGIN: EventOrigin = { kind: 'member' };

/** Whether two origins name the same outside reporter (a member origin never matches: members are reporterId). */
export function sameOrigin(a: EventOrigin, b: EventOrigin): boolean {
  if (a.kind === 'resident' && b.kind === 'resident') return a.residentId === b.residentId;
  if (a.kind === 'intake' && b.kind === 'intake') return a.clientId === b.clientId && a.externalId === b.externalId;
  return false;
}

/** Two-level category: 类别 | 事项 (item may be unknown). */
export interface CategoryRef {
  category: string;
  item: string | null;
}

export interface GridEvent {
  /** `SJ` + local yyyymmdd + `-` + daily sequence, e.g. `SJ20261122-0007`. */
  number: string;
  category: CategoryRef;
  urgency: EventUrgency;
  description: string;
  location: string | null;
  /** Stored attachment ids (photos, location messages) from the report. */
  attachments: readonly string[];
  /** The grid where it happened; the reporter's grid. */
  gridUnitId: number;
  /** The member who reported it; null when it came from outside (see `origin`). */
  reporterId: number | null;
  /** Who reported it: a member (`reporterId`), a resident, an intake client's order. */
  origin: EventOrigin;
  /** The deadline an outside order came with (intake), kept for the reminders; the loop never changes it. */
  dueAt: Date | null;
  reportedAt: Date;
  state: EventState;
  /** Who handles it now; moves up with 上报上级 and down with 下发. */
  handler: HandlingUnit;
  assignee: EventAssignee | null;
  dispatcherId: number | null;
  deadline: Date | null;
  /** The assignee's (or the on-the-spot) result text. */
  result: string | null;
  /** The unit that closed it: where 不满意 reopens it. */
  closedBy: HandlingUnit | null;
  closedAt: Date | null;
  rating: EventRating | null;
  /** How many times a resident's 不满意 reopened it. */
  reopenCount: number;
  /** The strongest 督办 card given while it was open. */
  supervision: SupervisionLevel | null;
  urgeCount: number;
}

/** One step of the timeline (流转记录): who did what, when, at which level. */
export interface TimelineEntry {
  eventNumber: string;
  action: string;
  /** The member who acted; null when the step came from outside (then `origin` says who). */
  actorId: number | null;
  /** Set when the actor is not a member: the resident or intake client (report, rating). */
  origin?: EventOrigin | null;
  at: Date;
  from: EventState | null;
  to: EventState;
  /** The handling unit when the action was taken. */
  level: HandlingLevel;
  unitId: number;
  note: string | null;
  attachments: readonly string[];
  /** Where the event went (上报上级, 下发, reopen), who got it (派遣), the rating or 督办 card. */
  detail: TimelineDetail | null;
}

export type TimelineDetail =
  | { kind: 'moved'; to: HandlingUnit }
  | { kind: 'dispatched'; assignee: EventAssignee; deadline: Date }
  | { kind: 'rated'; rating: EventRating }
  | { kind: 'supervised'; level: SupervisionLevel };

export interface NewEventInput {
  number: string;
  category: CategoryRef;
  urgency?: EventUrgency;
  description: string;
  location?: string | null;
  attachments?: readonly string[];
  gridUnitId: number;
  /** The reporting member; null (with a non-member `origin`) for an outside report. */
  reporterId: number | null;
  /** Defaults to a member's report. */
  origin?: EventOrigin;
  /** An outside order's deadline (see GridEvent.dueAt). */
  dueAt?: Date | null;
  /** 已处置: settled on the spot, with this result; recorded and counted, never dispatched. */
  settledOnSpot?: { result: string };
}

export type NewEventRefusal = 'description_required' | 'result_required';

/** A new event at its grid (已上报), or settled on the spot (已处置), with its first timeline entry. */
export function createEvent(
  input: NewEventInput,
  now: Date,
): { ok: true; event: GridEvent; entry: TimelineEntry } | { ok: false; reason: NewEventRefusal } {
  if (input.description.trim() === '') return { ok: false, reason: 'description_required' };
  if (input.settledOnSpot && input.settledOnSpot.result.trim() === '') return { ok: false, reason: 'result_required' };
  const origin = input.origin ?? MEMBER_ORIGIN;
  if ((origin.kind === 'member') !== (input.reporterId !== null)) throw new Error('an event comes from a member (reporterId) or from outside (origin), not both or neither');
  const handler: HandlingUnit = { unitId: input.gridUnitId, level: 'grid' };
  const settled = input.settledOnSpot !== undefined;
  const event: GridEvent = {
    number: input.number,
    category: input.category,
    urgency: input.urgency ?? 'normal',
    description: input.description.trim(),
    location: input.location?.trim() || null,
    attachments: input.attachments ?? [],
    gridUnitId: input.gridUnitId,
    reporterId: input.reporterId,
    origin,
    dueAt: input.dueAt ?? null,
    reportedAt: now,
    state: settled ? 'settled_on_spot' : 'reported',
    handler,
    assignee: null,
    dispatcherId: null,
    deadline: null,
    result: input.settledOnSpot?.result.trim() ?? null,
    closedBy: settled ? handler : null,
    closedAt: settled ? now : null,
    rating: null,
    reopenCount: 0,
    supervision: null,
    urgeCount: 0,
  };
  const entry: TimelineEntry = {
    eventNumber: event.number,
    action: settled ? 'settle_on_spot' : 'report',
    actorId: input.reporterId,
    origin: origin.kind === 'member' ? null : origin,
    at: now,
    from: null,
    to: event.state,
    level: 'grid',
    unitId: input.gridUnitId,
    note: event.result,
    attachments: event.attachments,
    detail: null,
  };
  return { ok: true, event, entry };
}

export function isOpenEvent(event: Pick<GridEvent, 'state'>): boolean {
  return OPEN_EVENT_STATES.includes(event.state);
}

/** Urgent and major events reach the community at once, not only the grid head. */
export function reachesCommunityAtOnce(event: Pick<GridEvent, 'urgency'>): boolean {
  return event.urgency !== 'normal';
}

/** The level above, or null at the county. */
export function parentLevel(level: HandlingLevel): HandlingLevel | null {
  return HANDLING_LEVELS[HANDLING_LEVELS.indexOf(level) + 1] ?? null;
}

/** `SJ20261122-0007` from the local date of `now` and the daily sequence. */
export function formatEventNumber(now: Date, sequence: number, timeZone: string): string {
  return formatDailyNumber('SJ', now, sequence, timeZone);
}

/** The numbering of the events reported on the local day of `now` (counter `event-20261122`). */
export function eventNumbering(now: Date, timeZone: string): DailyNumbering {
  return dailyNumbering('SJ', 'event', now, timeZone);
}

/** Reads an event number as typed (`sj20261122-7`) into its canonical form, or null. */
export function parseEventNumber(text: string): string | null {
  return parseDailyNumber('SJ', text);
}
