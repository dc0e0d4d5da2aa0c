/**
 * The events use cases: each loads the event, asks the domain (applyEventAction) whether the step
 * is allowed, stores the new event and its timeline entry, drives the task that carries a
 * dispatch, and tells the people concerned — all in the caller's transaction.
 */
import { DateTime } from 'luxon';
import {
  applyEventAction,
  createEvent,
  eventNumbering,
  isOpenEvent,
  reachesCommunityAtOnce,
  sameOrigin,
  type CategoryRef,
  type EventAction,
  type EventOrigin,
  type EventRating,
  type EventRelation,
  type EventUrgency,
  type GridEvent,
  type HandlingLevel,
  type HandlingUnit,
  type TimelineEntry,
} from '../../domain/event';
import { LEADER_ROLE, hasAuthority, isWithin, type Member, type OrgUnit } from '../../domain/org/org';
import { Notifier } from '../notify';
import { routeUrgent } from '../duty/desk';
import type { BotMessage } from '../message';
import type { MemberSummary, Tx } from '../ports';
import type { TaskListener, TaskService, TaskView } from '../tasks/contract';
import { t, type TextKey } from '../texts';
import { eventMessage, type Audience } from './cards';
import type { EventObserver, OriginNames, StoredEvent } from './ports';
import { EventRefusedError, type EventServiceRefusal } from './refusals';
import type { EventsRepos } from './ports';

/** A new event's number until it is stored (`store` numbers it in the statement that stores it). */
const UNNUMBERED = '';

/** Photos and locations sent within this long after a report attach to it. */
export const ATTACH_WINDOW_MS = 30 * 60 * 1000;

export interface ReportInput {
  category: CategoryRef;
  description: string;
  location: string | null;
  attachments: string[];
  urgency: EventUrgency;
  gridUnitId: number;
  settledOnSpot?: { result: string };
}

/** A report from outside the membership: a resident's (residents' group, 联系卡) or an intake order. */
export interface OutsideReportInput {
  origin: Exclude<EventOrigin, { kind: 'member' }>;
  gridUnitId: number;
  category?: CategoryRef;
  description: string;
  location?: string | null;
  attachments?: string[];
  urgency?: EventUrgency;
  /** An outside order's deadline, kept on the event (GridEvent.dueAt). */
  deadline?: Date | null;
}

const refused = (refusal: EventServiceRefusal) => new EventRefusedError(refusal);

/** The category of an outside report that did not name one: 其他 (the handler may re-file it). */
export const OUTSIDE_DEFAULT_CATEGORY: CategoryRef = { category: '其他', item: null };

/** How an origin reads on a card when no area supplied better (intake names its clients itself). */
const defaultOriginNames: OriginNames = {
  async nameOf(_tx, origin) {
    if (origin.kind === 'resident') return t('event.origin.resident');
    if (origin.kind === 'intake') return t('event.origin.intake', { client: `#${origin.clientId}` });
    return t('event.origin.member');
  },
};

export class EventService {
  private readonly observers: EventObserver[] = [];
  private originNames: OriginNames = defaultOriginNames;

  constructor(
    private readonly tasks: TaskService<EventsRepos>,
    observers: readonly EventObserver[] = [],
  ) {
    this.observers.push(...observers);
  }

  /** Adds an observer told of every timeline step, inside the step's transaction (composed in modules.ts). */
  observe(observer: EventObserver): void {
    this.observers.push(observer);
  }

  /** Who names the non-member origins on cards and timelines (e.g. the intake client's name). */
  nameOriginsWith(names: OriginNames): void {
    this.originNames = names;
  }

  /** 居民 / the client's name / the member's name: who reported the event, as a card shows it. */
  async reporterName(tx: Tx<EventsRepos>, event: Pick<GridEvent, 'reporterId' | 'origin'>): Promise<string> {
    if (event.reporterId !== null) return (await tx.repos.org.memberSummary(event.reporterId))?.name ?? `#${event.reporterId}`;
    return this.originNames.nameOf(tx, event.origin);
  }

  /** The actor of a timeline step, as the timeline shows it. */
  async actorName(tx: Tx<EventsRepos>, entry: Pick<TimelineEntry, 'actorId' | 'origin'>): Promise<string> {
    if (entry.actorId !== null) return (await tx.repos.org.memberSummary(entry.actorId))?.name ?? `#${entry.actorId}`;
    return entry.origin ? this.originNames.nameOf(tx, entry.origin) : t('event.origin.system');
  }

  /** Stores a timeline step and tells the observers, in the same transaction. */
  private async record(tx: Tx<EventsRepos>, event: StoredEvent, entry: TimelineEntry): Promise<void> {
    await tx.repos.events.addEntry(event.id, entry);
    for (const o of this.observers) await o.changed(tx, event, entry);
  }

  // ---- lookups ----------------------------------------------------------------------------------

  async load(tx: Tx<EventsRepos>, number: string): Promise<StoredEvent> {
    const event = await tx.repos.events.byNumber(number);
    if (!event) throw refused({ code: 'not_found', number });
    return event;
  }

  async unitOf(tx: Tx<EventsRepos>, unitId: number): Promise<OrgUnit> {
    const unit = await tx.repos.org.unit(unitId);
    if (!unit) throw new Error(`unit ${unitId} of an event is missing`);
    return unit;
  }

  /** How a member stands to an event, from the org tree (the domain's EventRelation). */
  async relationsOf(tx: Tx<EventsRepos>, member: Member, event: GridEvent): Promise<EventRelation[]> {
    const relations: EventRelation[] = [];
    if (event.reporterId !== null && event.reporterId === member.id) relations.push('reporter');
    if (event.assignee?.kind === 'member' && event.assignee.memberId === member.id) relations.push('assignee');
    const handling = await this.unitOf(tx, event.handler.unitId);
    // A superior may act for the level below (as the task rules let a superior act for a dispatcher).
    if (hasAuthority(member, handling.path, LEADER_ROLE[handling.level])) relations.push('handlerAtLevel');
    const parent = handling.parentId ? await tx.repos.org.unit(handling.parentId) : null;
    if (parent && hasAuthority(member, parent.path, LEADER_ROLE[parent.level])) relations.push('superior');
    return relations;
  }

  /** Whether a member may see an event: anyone related, or anyone with a role over its grid. */
  async maySee(tx: Tx<EventsRepos>, member: Member, event: StoredEvent): Promise<boolean> {
    if ((await this.relationsOf(tx, member, event)).length > 0) return true;
    if (event.dispatcherId === member.id) return true;
    const grid = await this.unitOf(tx, event.gridUnitId);
    return hasAuthority(member, grid.path, 'gridworker');
  }

  /** The members who handle at a unit: its leaders (网格长, 社区书记, 镇中心, 县中心). */
  async handlersOf(tx: Tx<EventsRepos>, unitId: number): Promise<MemberSummary[]> {
    const unit = await this.unitOf(tx, unitId);
    return tx.repos.org.membersWithRole(unit.id, LEADER_ROLE[unit.level]);
  }

  // ---- applying a step --------------------------------------------------------------------------

  /** Applies a step for a member, or throws the domain's refusal (EventRefusedError). */
  async act(tx: Tx<EventsRepos>, event: StoredEvent, action: EventAction, member: Member): Promise<StoredEvent> {
    const relations = await this.relationsOf(tx, member, event);
    // 评价 by a member who may see the event but did not report it: the truth is "only the reporter rates".
    if (action.type === 'rate' && !relations.includes('reporter') && (await this.maySee(tx, member, event))) throw refused({ code: 'only_reporter', number: event.number, state: event.state, action: action.type });
    return this.apply(tx, event, action, member.id, relations);
  }

  private async apply(tx: Tx<EventsRepos>, event: StoredEvent, action: EventAction, actorId: number | EventOrigin, relations: EventRelation[]): Promise<StoredEvent> {
    const actor = typeof actorId === 'number' ? { memberId: actorId, relation: relations } : { memberId: null, origin: actorId, relation: relations };
    const result = applyEventAction(event, action, actor, tx.now);
    if (!result.ok) throw refused({ code: result.reason, number: event.number, state: event.state, action: action.type });
    const next: StoredEvent = { ...result.event, id: event.id, taskId: event.taskId };
    await tx.repos.events.save(next, tx.now);
    await this.record(tx, next, result.entry);
    return next;
  }

  /** A timeline annotation outside the loop's table (补充材料, 任务被退回): the state is unchanged. */
  async annotate(tx: Tx<EventsRepos>, event: StoredEvent, action: string, actorId: number, note: string | null, attachments: string[] = []): Promise<void> {
    const entry: TimelineEntry = {
      eventNumber: event.number,
      action,
      actorId,
      at: tx.now,
      from: event.state,
      to: event.state,
      level: event.handler.level,
      unitId: event.handler.unitId,
      note,
      attachments,
      detail: null,
    };
    await this.record(tx, event, entry);
  }

  // ---- reporting --------------------------------------------------------------------------------

  /**
   * Stores a new event under the day's next number (one round trip on MariaDB/MySQL) and records its
   * first timeline entry. `created` was made unnumbered: a refused report takes no number.
   */
  private async store(tx: Tx<EventsRepos>, created: { event: GridEvent; entry: TimelineEntry }): Promise<StoredEvent> {
    const event = await tx.repos.events.createNumbered(created.event, eventNumbering(tx.now, tx.calendar.timeZone), tx.now);
    await this.record(tx, event, { ...created.entry, eventNumber: event.number });
    return event;
  }

  async report(tx: Tx<EventsRepos>, reporter: Member, input: ReportInput): Promise<StoredEvent> {
    const created = createEvent(
      {
        number: UNNUMBERED,
        category: input.category,
        urgency: input.urgency,
        description: input.description,
        location: input.location,
        attachments: input.attachments,
        gridUnitId: input.gridUnitId,
        reporterId: reporter.id,
        ...(input.settledOnSpot ? { settledOnSpot: input.settledOnSpot } : {}),
      },
      tx.now,
    );
    if (!created.ok) throw refused({ code: created.reason === 'result_required' ? 'result_required' : 'note_required' });
    const event = await this.store(tx, created);
    if (event.state === 'reported') await this.announceNew(tx, event);
    return event;
  }

  /**
   * A report from outside the membership (a resident, an intake order): numbered and routed exactly
   * like a member's (the grid's head is told; urgent ones reach the community), with no member reporter.
   */
  async reportFromOutside(tx: Tx<EventsRepos>, input: OutsideReportInput): Promise<StoredEvent> {
    const grid = await tx.repos.org.unit(input.gridUnitId);
    if (!grid || grid.level !== 'grid') throw new Error(`an outside report needs a grid, got unit ${input.gridUnitId}`);
    const created = createEvent(
      {
        number: UNNUMBERED,
        category: input.category ?? OUTSIDE_DEFAULT_CATEGORY,
        urgency: input.urgency ?? 'normal',
        description: input.description,
        location: input.location ?? null,
        attachments: input.attachments ?? [],
        gridUnitId: input.gridUnitId,
        reporterId: null,
        origin: input.origin,
        dueAt: input.deadline ?? null,
      },
      tx.now,
    );
    if (!created.ok) throw refused({ code: 'note_required' });
    const event = await this.store(tx, created);
    await this.announceNew(tx, event);
    return event;
  }

  /** A new report reaches the grid head 1:1; urgent and major ones the community at once. */
  private async announceNew(tx: Tx<EventsRepos>, event: StoredEvent): Promise<void> {
    const notify = new Notifier(tx);
    const grid = await this.unitOf(tx, event.gridUnitId);
    const params = { number: event.number, grid: grid.name, urgency: t(`event.urgency.${event.urgency}` as TextKey) };
    await this.tellHandlers(tx, event, event.gridUnitId, t('event.new', params));
    if (!reachesCommunityAtOnce(event) || !grid.parentId) return;
    const community = await this.unitOf(tx, grid.parentId);
    const leaders = (await tx.repos.org.membersWithRole(community.id, LEADER_ROLE[community.level])).map((l) => l.id);
    // Outside office hours they also (or instead) reach the person on duty.
    for (const id of await routeUrgent(tx, community.id, leaders)) {
      await this.tellMember(tx, event, id, leaders.includes(id) ? t('event.newUrgent', params) : `${t('duty.afterHours')}\n${t('event.newUrgent', params)}`);
    }
    // The community's group learns of it too, without personal data and without buttons.
    for (const c of await tx.repos.org.conversationsOf(community.id)) {
      notify.conversation(c.channel, c.conversationId, await eventMessage(tx, this, event, { kind: 'group' }, t('event.newUrgent', params)));
    }
  }

  // ---- notifications ------------------------------------------------------------------------------

  /** The event's card, 1:1 to a member, with the buttons that member may press. */
  async tellMember(tx: Tx<EventsRepos>, event: StoredEvent, memberId: number, headline: string): Promise<boolean> {
    const member = await tx.repos.org.member(memberId);
    if (!member) return false;
    const message = await eventMessage(tx, this, event, { kind: 'member', member }, headline);
    return new Notifier(tx).member(memberId, message);
  }

  async tellHandlers(tx: Tx<EventsRepos>, event: StoredEvent, unitId: number, headline: string, except: number[] = []): Promise<MemberSummary[]> {
    const handlers = (await this.handlersOf(tx, unitId)).filter((h) => !except.includes(h.id));
    for (const h of handlers) await this.tellMember(tx, event, h.id, headline);
    return handlers;
  }

  async tellText(tx: Tx<EventsRepos>, memberId: number, text: string): Promise<void> {
    const message: BotMessage = { text };
    await new Notifier(tx).member(memberId, message);
  }

  // ---- the loop -----------------------------------------------------------------------------------

  async accept(tx: Tx<EventsRepos>, member: Member, number: string, note?: string): Promise<StoredEvent> {
    const event = await this.act(tx, await this.load(tx, number), { type: 'accept', ...(note ? { note } : {}) }, member);
    const unit = await this.unitOf(tx, event.handler.unitId);
    if (event.reporterId !== null && event.reporterId !== member.id) await this.tellText(tx, event.reporterId, t('event.acceptedToReporter', { number, unit: unit.name }));
    return event;
  }

  async dispatch(tx: Tx<EventsRepos>, member: Member, number: string, assignee: MemberSummary, deadline: Date, note?: string): Promise<{ event: StoredEvent; task: TaskView }> {
    let event = await this.load(tx, number);
    const scope = await this.unitOf(tx, event.handler.unitId);
    const target = await tx.repos.org.member(assignee.id);
    const action: EventAction = { type: 'dispatch', assignee: { kind: 'member', memberId: assignee.id }, deadline, ...(note ? { note } : {}) };
    if (!target || !target.roles.some((g) => isWithin(g.unitPath, scope.path))) {
      // Only name the scope problem to someone who may dispatch at all: refusals reveal nothing.
      const dry = applyEventAction(event, action, { memberId: member.id, relation: await this.relationsOf(tx, member, event) }, tx.now);
      if (!dry.ok) throw refused({ code: dry.reason, number, state: event.state, action: 'dispatch' });
      throw refused({ code: 'assignee_outside', assignee: assignee.name, unit: scope.name });
    }
    const previousTask = event.taskId;
    event = await this.act(tx, event, action, member);
    if (previousTask) await this.tasks.withdraw(tx, previousTask, member.id, t('event.action.dispatch'));
    const grid = await this.unitOf(tx, event.gridUnitId);
    const [task] = await this.tasks.dispatch(tx, {
      title: `${event.number} ${event.category.item ?? event.category.category}`,
      details: [event.description, event.location ? `${t('event.card.location')}：${event.location}` : '', note ?? ''].filter(Boolean).join('\n'),
      assignee: { kind: 'member', memberId: assignee.id },
      dispatcherMemberId: member.id,
      scopeUnitId: scope.level === 'grid' ? scope.id : grid.id,
      deadline,
      priority: event.urgency === 'normal' ? 'normal' : 'urgent',
      source: { kind: 'event', ref: event.number },
    });
    event = { ...event, taskId: task.id };
    await tx.repos.events.save(event, tx.now);
    return { event, task };
  }

  /** 上报上级. A matter the assignee reported done that the level still cannot settle is first
   * recorded as not verified (the domain escalates only what is held, not what awaits a check). */
  async escalate(tx: Tx<EventsRepos>, member: Member, number: string, reason: string): Promise<{ event: StoredEvent; to: OrgUnit }> {
    let event = await this.load(tx, number);
    const from = await this.unitOf(tx, event.handler.unitId);
    const parent = from.parentId ? await tx.repos.org.unit(from.parentId) : null;
    const relations = await this.relationsOf(tx, member, event);
    if (!parent) {
      // Let the domain give its reason (no standing, or the top of the tree).
      await this.apply(tx, event, { type: 'escalate', to: event.handler, reason }, member.id, relations);
      throw refused({ code: 'top_level', number });
    }
    const to: HandlingUnit = { unitId: parent.id, level: parent.level as HandlingLevel };
    if (event.state === 'submitted' && relations.includes('handlerAtLevel') && reason.trim()) {
      event = await this.apply(tx, event, { type: 'verify_fail', reason: t('event.escalateWithdraw') + '：' + reason.trim() }, member.id, relations);
    }
    const openTask = event.taskId;
    event = await this.apply(tx, event, { type: 'escalate', to, reason }, member.id, relations);
    if (openTask) await this.tasks.withdraw(tx, openTask, member.id, t('event.escalateWithdraw'));
    event = { ...event, taskId: null };
    await tx.repos.events.save(event, tx.now);
    await this.tellHandlers(tx, event, parent.id, t('event.escalatedIn', { from: from.name, number, reason }), [member.id]);
    if (event.reporterId !== null && event.reporterId !== member.id) await this.tellText(tx, event.reporterId, t('event.escalatedToReporter', { number, unit: parent.name }));
    return { event, to: parent };
  }

  /** 回退: at the grid back to the reporter; above it, down one level towards the grid. */
  async sendBack(tx: Tx<EventsRepos>, member: Member, number: string, reason: string): Promise<{ event: StoredEvent; to: OrgUnit | null }> {
    let event = await this.load(tx, number);
    if (event.handler.level === 'grid') {
      event = await this.act(tx, event, { type: 'return_to_reporter', reason }, member);
      if (event.reporterId !== null) await this.tellMember(tx, event, event.reporterId, t('event.returnedToReporter', { number, reason }));
      return { event, to: null };
    }
    const grid = await this.unitOf(tx, event.gridUnitId);
    const chain = [...(await tx.repos.org.ancestors(grid)), grid];
    const below = chain.find((u) => u.parentId === event.handler.unitId) ?? grid;
    const from = await this.unitOf(tx, event.handler.unitId);
    event = await this.act(tx, event, { type: 'send_down', to: { unitId: below.id, level: below.level as HandlingLevel }, reason }, member);
    await this.tellHandlers(tx, event, below.id, t('event.sentDownIn', { from: from.name, number, reason }), [member.id]);
    return { event, to: below };
  }

  async resubmit(tx: Tx<EventsRepos>, member: Member, number: string, note?: string): Promise<StoredEvent> {
    const event = await this.act(tx, await this.load(tx, number), { type: 'resubmit', ...(note ? { note } : {}) }, member);
    await this.tellHandlers(tx, event, event.handler.unitId, t('event.resubmittedIn', { number }), [member.id]);
    return event;
  }

  async settleReported(tx: Tx<EventsRepos>, member: Member, number: string, result: string): Promise<StoredEvent> {
    const event = await this.load(tx, number);
    if (event.reporterId !== member.id) throw refused({ code: 'settle_own_only', number });
    return this.act(tx, event, { type: 'settle_on_spot', result }, member);
  }

  async verify(tx: Tx<EventsRepos>, member: Member, number: string, pass: boolean, reason: string): Promise<StoredEvent> {
    const before = await this.load(tx, number);
    if (pass) {
      const event = await this.act(tx, before, { type: 'verify_pass', ...(reason ? { note: reason } : {}) }, member);
      await this.closed(tx, member, event);
      return event;
    }
    const event = await this.act(tx, before, { type: 'verify_fail', reason }, member);
    if (event.taskId) await this.tasks.reopen(tx, event.taskId, member.id, reason);
    return event;
  }

  async close(tx: Tx<EventsRepos>, member: Member, number: string): Promise<StoredEvent> {
    const event = await this.act(tx, await this.load(tx, number), { type: 'close' }, member);
    await this.closed(tx, member, event);
    return event;
  }

  /** After 结案: the task ends (the tasks module tells its assignee), the reporter is asked to rate. */
  private async closed(tx: Tx<EventsRepos>, member: Member, event: StoredEvent): Promise<void> {
    if (event.taskId) await this.tasks.close(tx, event.taskId, member.id);
    // A member reporter is asked here; an outside one by its own area (an observer of the close).
    if (event.reporterId !== null) await this.tellMember(tx, event, event.reporterId, t('event.closedToReporter', { number: event.number, result: event.result ?? '' }));
  }

  async rate(tx: Tx<EventsRepos>, member: Member, number: string, rating: EventRating, reason?: string): Promise<StoredEvent> {
    const before = await this.load(tx, number);
    const event = await this.act(tx, before, { type: 'rate', rating, ...(reason ? { reason } : {}) }, member);
    await this.rated(tx, before, event, rating, reason);
    return event;
  }

  /**
   * 评价 by the outside reporter (a resident, an intake client), under the same rule: only who
   * reported it rates, once, after 结案; 不满意 (with a reason) reopens it at the level that closed it.
   * Another origin's event reads as not found: nothing about it is revealed.
   */
  async rateFromOutside(tx: Tx<EventsRepos>, number: string, origin: EventOrigin, rating: EventRating, reason?: string): Promise<StoredEvent> {
    const before = await this.load(tx, number);
    if (!sameOrigin(before.origin, origin)) throw refused({ code: 'not_found', number });
    const event = await this.apply(tx, before, { type: 'rate', rating, ...(reason ? { reason } : {}) }, origin, ['reporter']);
    await this.rated(tx, before, event, rating, reason);
    return event;
  }

  private async rated(tx: Tx<EventsRepos>, before: StoredEvent, event: StoredEvent, rating: EventRating, reason?: string): Promise<void> {
    const number = event.number;
    const closedBy = before.closedBy;
    if (rating === 'unsatisfied') {
      await this.tellHandlers(tx, event, event.handler.unitId, t('event.reopenedIn', { number, reason: reason ?? '' }));
    } else if (closedBy) {
      for (const h of await this.handlersOf(tx, closedBy.unitId)) await this.tellText(tx, h.id, t('event.ratedToHandlers', { number, rating: t(`event.rating.${rating}`) }));
    }
  }

  async supervise(tx: Tx<EventsRepos>, member: Member, number: string, level: 'normal' | 'yellow' | 'red', note?: string): Promise<StoredEvent> {
    const event = await this.act(tx, await this.load(tx, number), { type: 'supervise', level, ...(note ? { note } : {}) }, member);
    const by = await this.actingUnitName(tx, member, event);
    await this.tellResponsible(tx, event, t('event.supervisedIn', { level: t(`event.supervision.${level}`), unit: by, number, note: note ? `：${note}` : '' }), member.id);
    return event;
  }

  async urge(tx: Tx<EventsRepos>, member: Member, number: string, note?: string): Promise<StoredEvent> {
    const event = await this.act(tx, await this.load(tx, number), { type: 'urge', ...(note ? { note } : {}) }, member);
    const by = await this.actingUnitName(tx, member, event);
    await this.tellResponsible(tx, event, t('event.urgedIn', { unit: by, number, note: note ? `：${note}` : '' }), member.id);
    return event;
  }

  /** Those responsible now: the level's handlers and, while dispatched, the assignee. */
  private async tellResponsible(tx: Tx<EventsRepos>, event: StoredEvent, headline: string, except: number): Promise<void> {
    const told = await this.tellHandlers(tx, event, event.handler.unitId, headline, [except]);
    const assignee = event.assignee?.kind === 'member' ? event.assignee.memberId : null;
    if (assignee !== null && !told.some((h) => h.id === assignee) && isOpenEvent(event)) {
      await this.tellMember(tx, event, assignee, headline);
    }
  }

  private async actingUnitName(tx: Tx<EventsRepos>, member: Member, event: StoredEvent): Promise<string> {
    const handling = await this.unitOf(tx, event.handler.unitId);
    const above = member.roles.filter((g) => isWithin(handling.path, g.unitPath) && g.unitPath !== handling.path).sort((a, b) => b.unitPath.length - a.unitPath.length)[0];
    const unit = above ? await tx.repos.org.unit(above.unitId) : null;
    return unit?.name ?? member.name;
  }

  /** 并入: a repeat report becomes a note with its photos on the existing event. */
  async attachReport(tx: Tx<EventsRepos>, member: Member, event: StoredEvent, description: string, attachments: string[]): Promise<void> {
    await this.annotate(tx, event, 'attach', member.id, description, attachments);
    if (attachments.length) await tx.repos.events.save({ ...event, attachments: [...event.attachments, ...attachments] }, tx.now);
    await this.tellHandlers(tx, event, event.handler.unitId, t('event.attachedIn', { number: event.number, note: description }), [member.id]);
  }

  // ---- the task's side (TaskListener<EventsRepos>) ---------------------------------------------------------------

  listener(): TaskListener<EventsRepos> {
    const forTask = async (tx: Tx<EventsRepos>, task: TaskView): Promise<StoredEvent | null> => {
      const event = (await tx.repos.events.byTaskId(task.id)) ?? (await tx.repos.events.byNumber(task.source.ref));
      return event && event.taskId === task.id ? event : null;
    };
    const nameOf = async (tx: Tx<EventsRepos>, id: number) => (await tx.repos.org.memberSummary(id))?.name ?? `#${id}`;
    // The task already moved: an event step the table refuses is skipped (asked first, not caught), so
    // nothing is thrown into the task's transaction and every other error still surfaces.
    const follow = async (tx: Tx<EventsRepos>, event: StoredEvent, action: EventAction, actorId: number): Promise<StoredEvent | null> => {
      if (!applyEventAction(event, action, { memberId: actorId, relation: ['assignee'] }, tx.now).ok) return null;
      return this.apply(tx, event, action, actorId, ['assignee']);
    };
    return {
      sourceKind: 'event',
      onAccepted: async (tx, task, actorId) => {
        const event = await forTask(tx, task);
        if (event) await follow(tx, event, { type: 'take' }, actorId);
      },
      onProgress: async (tx, task, actorId, note) => {
        const event = await forTask(tx, task);
        if (event) await follow(tx, event, { type: 'progress', note }, actorId);
      },
      onSubmitted: async (tx, task, actorId, result) => {
        let event = await forTask(tx, task);
        if (!event) return;
        // A 办结 without a prior 接单 is still a 接单 first.
        if (event.state === 'dispatched') event = await this.apply(tx, event, { type: 'take' }, actorId, ['assignee']);
        const done = await follow(tx, event, { type: 'complete', result: result.text || '-', attachments: result.photoUrls }, actorId);
        if (!done) return;
        const headline = t('event.submitted', { number: done.number, name: await nameOf(tx, actorId), result: result.text });
        if (done.dispatcherId) await this.tellMember(tx, done, done.dispatcherId, headline);
      },
      onReturned: async (tx, task, actorId, reason) => {
        const event = await forTask(tx, task);
        if (!event) return;
        await this.annotate(tx, event, 'task_returned', actorId, reason);
        if (event.dispatcherId) await this.tellMember(tx, event, event.dispatcherId, t('event.taskReturned', { number: event.number, name: await nameOf(tx, actorId), reason }));
      },
      onOverdue: async (tx, task) => {
        const event = await forTask(tx, task);
        if (!event || !task.assigneeMemberId) return;
        await this.annotate(tx, event, 'task_overdue', task.assigneeMemberId, null);
      },
    };
  }
}

/** The name the issue uses for the events use cases. */
export { EventService as EventsService };
