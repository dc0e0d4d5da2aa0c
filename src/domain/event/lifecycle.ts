/**
 * The event's closed loop as a transition table, and `applyEventAction`, which either returns
 * the new event with its timeline entry or refuses with a stable code and changes nothing.
 */
import {
  HANDLING_LEVELS,
  OPEN_EVENT_STATES,
  parentLevel,
  type EventAssignee,
  type EventOrigin,
  type EventRating,
  type EventState,
  type GridEvent,
  type HandlingUnit,
  type SupervisionLevel,
  type TimelineDetail,
  type TimelineEntry,
} from './event';

/**
 * How the actor stands to the event, computed by the bot from the org tree:
 * - `reporter`: who reported it (and speaks for the resident);
 * - `assignee`: the member it is dispatched to (or a member of the assigned department);
 * - `handlerAtLevel`: holds a handling role at the event's current handling unit;
 * - `superior`: holds authority over a unit above the current handling unit;
 * - `none`: none of these (another grid's gridworker, a sibling community).
 */
export type EventRelation = 'reporter' | 'assignee' | 'handlerAtLevel' | 'superior' | 'none';

export interface EventActor {
  /** The acting member; null for an outside actor (a resident or intake client rating), named by `origin`. */
  memberId: number | null;
  origin?: EventOrigin;
  /** One relation, or all that hold (a grid head may also be the reporter). */
  relation: EventRelation | readonly EventRelation[];
}

export type EventAction =
  /** 受理 */
  | { type: 'accept'; note?: string }
  /** 派遣 (also 改派 while dispatched or in progress) */
  | { type: 'dispatch'; assignee: EventAssignee; deadline: Date; note?: string }
  /** 上报上级: to the parent unit, which the bot looks up */
  | { type: 'escalate'; to: HandlingUnit; reason: string }
  /** 下发 / 回退下级: to a unit below */
  | { type: 'send_down'; to: HandlingUnit; reason: string }
  /** 回退 to the reporter */
  | { type: 'return_to_reporter'; reason: string }
  /** 重新上报 after a 回退 */
  | { type: 'resubmit'; note?: string }
  /** 已处置 for a report not yet accepted */
  | { type: 'settle_on_spot'; result: string; attachments?: readonly string[] }
  /** 接单 */
  | { type: 'take' }
  /** 处置反馈: a progress note */
  | { type: 'progress'; note: string; attachments?: readonly string[] }
  /** 办结 */
  | { type: 'complete'; result: string; attachments?: readonly string[] }
  /** 核查通过 → 结案 */
  | { type: 'verify_pass'; note?: string }
  /** 核查不通过 → back to the assignee */
  | { type: 'verify_fail'; reason: string }
  /** 结案: only what was submitted and is verified by closing it */
  | { type: 'close'; note?: string }
  /** 评价; 不满意 needs a reason and reopens the event */
  | { type: 'rate'; rating: EventRating; reason?: string }
  /** 督办 (普通 / 黄牌 / 红牌) */
  | { type: 'supervise'; level: SupervisionLevel; note?: string }
  /** 催办 */
  | { type: 'urge'; note?: string };

export type EventActionType = EventAction['type'];

export type EventRefusal =
  /** The action does not apply in this state. */
  | 'wrong_state'
  /** 结案 of what was never submitted and verified. */
  | 'not_verified'
  /** 核查 of what the assignee has not reported done. */
  | 'not_submitted'
  /** 评价 before 结案. */
  | 'not_closed'
  /** 结案 or 核查 of an event that is already closed. */
  | 'already_closed'
  /** 评价 a second time. */
  | 'already_rated'
  /** 评价 by someone who has standing but did not report it: only the reporter rates. */
  | 'only_reporter'
  /** The actor has no standing on this event at all (another grid's, another community's). */
  | 'not_your_grid'
  /** The actor has standing, but this step belongs to someone else. */
  | 'not_allowed'
  | 'reason_required'
  | 'result_required'
  | 'note_required'
  | 'deadline_in_past'
  /** 上报上级 at the county: there is no level above. */
  | 'top_level'
  /** 下发 at the grid: there is no level below. */
  | 'bottom_level'
  /** The target unit is not at the level the step moves to. */
  | 'wrong_level';

export type EventActionResult =
  | { ok: true; event: GridEvent; entry: TimelineEntry }
  | { ok: false; reason: EventRefusal };

type EventGuard = 'rating_positive' | 'rating_unsatisfied';

const GUARDS: Record<EventGuard, (action: EventAction) => boolean> = {
  rating_positive: (action) => action.type === 'rate' && action.rating !== 'unsatisfied',
  rating_unsatisfied: (action) => action.type === 'rate' && action.rating === 'unsatisfied',
};

export interface EventTransition {
  action: EventActionType;
  from: readonly EventState[];
  by: Exclude<EventRelation, 'none'>;
  /** `'same'` keeps the state: a note or an annotation on the timeline. */
  to: EventState | 'same';
  when?: EventGuard;
}

const BEFORE_WORK: readonly EventState[] = ['reported', 'accepted'];
/** States in which the event has a current 处置结果. */
const RESULT_STATES: readonly EventState[] = ['submitted', 'closed', 'rated', 'settled_on_spot'];
const HELD: readonly EventState[] = ['reported', 'accepted', 'dispatched', 'in_progress'];

/** The whole loop. A (state, action) pair not listed is refused. */
export const EVENT_TRANSITIONS: readonly EventTransition[] = [
  { action: 'accept', from: ['reported'], by: 'handlerAtLevel', to: 'accepted' },
  { action: 'dispatch', from: HELD, by: 'handlerAtLevel', to: 'dispatched' },
  { action: 'escalate', from: HELD, by: 'handlerAtLevel', to: 'reported' },
  { action: 'send_down', from: BEFORE_WORK, by: 'handlerAtLevel', to: 'accepted' },
  { action: 'return_to_reporter', from: BEFORE_WORK, by: 'handlerAtLevel', to: 'returned' },
  { action: 'resubmit', from: ['returned'], by: 'reporter', to: 'reported' },
  { action: 'settle_on_spot', from: ['reported'], by: 'reporter', to: 'settled_on_spot' },
  { action: 'take', from: ['dispatched'], by: 'assignee', to: 'in_progress' },
  { action: 'progress', from: ['in_progress'], by: 'assignee', to: 'same' },
  { action: 'complete', from: ['in_progress'], by: 'assignee', to: 'submitted' },
  { action: 'verify_pass', from: ['submitted'], by: 'handlerAtLevel', to: 'closed' },
  { action: 'verify_fail', from: ['submitted'], by: 'handlerAtLevel', to: 'in_progress' },
  { action: 'close', from: ['submitted'], by: 'handlerAtLevel', to: 'closed' },
  { action: 'rate', from: ['closed'], by: 'reporter', to: 'rated', when: 'rating_positive' },
  { action: 'rate', from: ['closed'], by: 'reporter', to: 'accepted', when: 'rating_unsatisfied' },
  { action: 'supervise', from: OPEN_EVENT_STATES, by: 'superior', to: 'same' },
  { action: 'urge', from: OPEN_EVENT_STATES, by: 'superior', to: 'same' },
];

/** The refusal for an action the table does not list in the current state. */
const WRONG_STATE_REFUSAL: Partial<Record<EventActionType, EventRefusal>> = {
  close: 'not_verified',
  verify_pass: 'not_submitted',
  verify_fail: 'not_submitted',
  rate: 'not_closed',
};

/** Why an action does not apply now, as truthfully as the state allows. */
function wrongStateRefusal(event: GridEvent, action: EventAction): EventRefusal {
  const done = event.state === 'closed' || event.state === 'rated';
  if (action.type === 'rate' && event.state === 'rated') return 'already_rated';
  if (done && (action.type === 'close' || action.type === 'verify_pass' || action.type === 'verify_fail')) return 'already_closed';
  return WRONG_STATE_REFUSAL[action.type] ?? 'wrong_state';
}

function relationsOf(actor: EventActor): readonly EventRelation[] {
  const list = typeof actor.relation === 'string' ? [actor.relation] : actor.relation;
  return list.filter((r) => r !== 'none');
}

function levelIndex(unit: HandlingUnit): number {
  return HANDLING_LEVELS.indexOf(unit.level);
}

/** Argument checks, after the table allowed the step. */
function validate(event: GridEvent, action: EventAction, now: Date): EventRefusal | null {
  switch (action.type) {
    case 'dispatch':
      return action.deadline.getTime() <= now.getTime() ? 'deadline_in_past' : null;
    case 'escalate': {
      const parent = parentLevel(event.handler.level);
      if (!parent) return 'top_level';
      if (action.to.level !== parent) return 'wrong_level';
      return blank(action.reason) ? 'reason_required' : null;
    }
    case 'send_down':
      if (event.handler.level === 'grid') return 'bottom_level';
      if (levelIndex(action.to) >= levelIndex(event.handler)) return 'wrong_level';
      return blank(action.reason) ? 'reason_required' : null;
    case 'return_to_reporter':
    case 'verify_fail':
      return blank(action.reason) ? 'reason_required' : null;
    case 'settle_on_spot':
    case 'complete':
      return blank(action.result) ? 'result_required' : null;
    case 'progress':
      return blank(action.note) ? 'note_required' : null;
    case 'rate':
      return action.rating === 'unsatisfied' && blank(action.reason) ? 'reason_required' : null;
    default:
      return null;
  }
}

const SUPERVISION_RANK: Record<SupervisionLevel, number> = { normal: 1, yellow: 2, red: 3 };

/** The event after an allowed step; the table already decided the state. */
function effect(event: GridEvent, action: EventAction, now: Date, actorId: number | null): GridEvent {
  switch (action.type) {
    case 'dispatch':
      return { ...event, assignee: action.assignee, deadline: action.deadline, dispatcherId: actorId };
    case 'escalate':
    case 'send_down':
      return { ...event, handler: action.to, assignee: null, deadline: null, dispatcherId: null };
    case 'resubmit':
      return { ...event, handler: { unitId: event.gridUnitId, level: 'grid' } };
    case 'settle_on_spot':
      return { ...event, result: action.result.trim(), closedBy: event.handler, closedAt: now };
    case 'complete':
      return { ...event, result: action.result.trim() };
    case 'verify_pass':
    case 'close':
      return { ...event, closedBy: event.handler, closedAt: now };
    case 'rate':
      if (action.rating !== 'unsatisfied') return { ...event, rating: action.rating };
      return {
        ...event,
        rating: action.rating,
        handler: event.closedBy ?? event.handler,
        assignee: null,
        deadline: null,
        dispatcherId: null,
        closedBy: null,
        closedAt: null,
        reopenCount: event.reopenCount + 1,
      };
    case 'supervise': {
      const stronger = !event.supervision || SUPERVISION_RANK[action.level] > SUPERVISION_RANK[event.supervision];
      return stronger ? { ...event, supervision: action.level } : event;
    }
    case 'urge':
      return { ...event, urgeCount: event.urgeCount + 1 };
    default:
      return event;
  }
}

function noteOf(action: EventAction): string | null {
  switch (action.type) {
    case 'escalate':
    case 'send_down':
    case 'return_to_reporter':
    case 'verify_fail':
      return action.reason.trim();
    case 'settle_on_spot':
    case 'complete':
      return action.result.trim();
    case 'progress':
      return action.note.trim();
    case 'rate':
      return action.reason?.trim() || null;
    case 'accept':
    case 'dispatch':
    case 'resubmit':
    case 'verify_pass':
    case 'close':
    case 'supervise':
    case 'urge':
      return action.note?.trim() || null;
    default:
      return null;
  }
}

function detailOf(action: EventAction, after: GridEvent): TimelineDetail | null {
  switch (action.type) {
    case 'dispatch':
      return { kind: 'dispatched', assignee: action.assignee, deadline: action.deadline };
    case 'escalate':
    case 'send_down':
    case 'resubmit':
      return { kind: 'moved', to: after.handler };
    case 'rate':
      return { kind: 'rated', rating: action.rating };
    case 'supervise':
      return { kind: 'supervised', level: action.level };
    default:
      return null;
  }
}

function attachmentsOf(action: EventAction): readonly string[] {
  return action.type === 'progress' || action.type === 'complete' || action.type === 'settle_on_spot'
    ? (action.attachments ?? [])
    : [];
}

/** The actions an actor may take now: what a card shows as buttons. */
export function availableEventActions(event: GridEvent, actor: EventActor): EventActionType[] {
  const relations = relationsOf(actor);
  const actions = EVENT_TRANSITIONS.filter((t) => t.from.includes(event.state) && relations.includes(t.by)).map((t) => t.action);
  return [...new Set(actions)];
}

/**
 * Applies one step of the loop. Refusals, in order: `not_your_grid` (no standing), the state
 * (`wrong_state`, or the clearer `not_verified` / `not_submitted` / `not_closed`), `not_allowed`
 * (someone else's step), then the step's own checks.
 */
export function applyEventAction(event: GridEvent, action: EventAction, actor: EventActor, now: Date): EventActionResult {
  const relations = relationsOf(actor);
  if (relations.length === 0) return { ok: false, reason: 'not_your_grid' };
  const rows = EVENT_TRANSITIONS.filter(
    (t) => t.action === action.type && t.from.includes(event.state) && (!t.when || GUARDS[t.when](action)),
  );
  if (rows.length === 0) return { ok: false, reason: wrongStateRefusal(event, action) };
  const row = rows.find((t) => relations.includes(t.by));
  if (!row) return { ok: false, reason: action.type === 'rate' ? 'only_reporter' : 'not_allowed' };
  const refusal = validate(event, action, now);
  if (refusal) return { ok: false, reason: refusal };

  const to = row.to === 'same' ? event.state : row.to;
  const changed = effect(event, action, now, actor.memberId);
  // A 处置结果 belongs to the round of work that produced it: once the event is back in work (核查
  // 不通过, 不满意, 上报, 改派) the earlier result is history on the timeline, not the event's result.
  const next: GridEvent = { ...changed, state: to, result: RESULT_STATES.includes(to) ? changed.result : null };
  return {
    ok: true,
    event: next,
    entry: {
      eventNumber: event.number,
      action: action.type,
      actorId: actor.memberId,
      origin: actor.memberId === null ? (actor.origin ?? null) : null,
      at: now,
      from: event.state,
      to,
      level: event.handler.level,
      unitId: event.handler.unitId,
      note: noteOf(action),
      attachments: attachmentsOf(action),
      detail: detailOf(action, next),
    },
  };
}

function blank(text: string | undefined): boolean {
  return !text || text.trim() === '';
}
