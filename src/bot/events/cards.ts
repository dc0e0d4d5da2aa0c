/**
 * The event card: fields, the timeline (流转记录) and the buttons the viewer may press. Personal
 * data is masked for groups on the way out (src/bot/group-privacy.ts), not here.
 */
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { pad2 } from '../../domain/calendar/local-date';
import { localFields } from '../../domain/calendar/zone';
import { availableEventActions, formatCategory, type EventActionType, type EventRelation, type GridEvent, type TimelineEntry } from '../../domain/event';
import type { Member } from '../../domain/org/org';
import { cardToText, type BotMessage, type CardButton, type CardField } from '../message';
import type { Tx } from '../ports';
import { t, type TextKey } from '../texts';
import type { StoredEvent } from './ports';
import type { EventsRepos } from './ports';
import { EventRefusedError, type EventServiceRefusal } from './refusals';

/** How a member stands to an event (the EventService answers it). */
export interface RelationSource {
  relationsOf(tx: Tx<EventsRepos>, member: Member, event: GridEvent): Promise<EventRelation[]>;
  /** The reporter as shown: a member's name, 居民, an intake client's name. */
  reporterName(tx: Tx<EventsRepos>, event: Pick<GridEvent, 'reporterId' | 'origin'>): Promise<string>;
  /** The actor of a timeline step, as shown. */
  actorName(tx: Tx<EventsRepos>, entry: Pick<TimelineEntry, 'actorId' | 'origin'>): Promise<string>;
}

/** Who will see the card: a member 1:1, a member in a group, or a group at large. */
export type Audience = { kind: 'member'; member: Member } | { kind: 'groupMember'; member: Member | null } | { kind: 'group' };

/** A moment that happened (reported, a step of the timeline): `11-22 10:05`, compact for lists. */
export function formatAt(at: Date, calendar: WorkingCalendar): string {
  const local = localFields(at, calendar.timeZone);
  return `${pad2(local.month)}-${pad2(local.day)} ${pad2(local.hour)}:${pad2(local.minute)}`;
}

/** The buttons for the actions the domain allows this viewer now; each is a command to type. */
export function buttonsFor(event: StoredEvent, actions: readonly EventActionType[]): CardButton[] {
  const n = event.number;
  const buttons: CardButton[] = [];
  const has = (a: EventActionType) => actions.includes(a);
  if (has('accept')) buttons.push({ label: t('event.button.accept'), command: `受理 ${n}`, style: 'primary' });
  // Once dispatched, the same command re-dispatches (改派): the card says so instead of offering 派遣 again.
  if (has('dispatch')) buttons.push({ label: t(event.assignee ? 'event.button.redispatch' : 'event.button.dispatch'), command: `派遣 ${n}` });
  if (has('verify_pass')) buttons.push({ label: t('event.button.verifyPass'), command: `核查 ${n} 通过`, style: 'primary' });
  if (has('verify_fail')) buttons.push({ label: t('event.button.verifyFail'), command: `核查 ${n} 不通过`, style: 'danger' });
  if (has('escalate')) buttons.push({ label: t('event.button.escalate'), command: `上报上级 ${n}` });
  if (has('send_down') || has('return_to_reporter')) buttons.push({ label: t('event.button.sendBack'), command: `回退 ${n}`, style: 'danger' });
  if (has('resubmit')) buttons.push({ label: t('event.button.resubmit'), command: `重新上报 ${n}` });
  if (has('rate')) {
    buttons.push({ label: t('event.rating.satisfied'), command: `评价 ${n} 满意`, style: 'primary' });
    buttons.push({ label: t('event.rating.basically_satisfied'), command: `评价 ${n} 基本满意` });
    buttons.push({ label: t('event.rating.unsatisfied'), command: `评价 ${n} 不满意`, style: 'danger' });
  }
  if (has('urge')) buttons.push({ label: t('event.button.urge'), command: `催办 ${n}` });
  if (has('supervise')) buttons.push({ label: t('event.button.supervise'), command: `督办 ${n}` });
  return buttons;
}

async function nameOf(tx: Tx<EventsRepos>, memberId: number): Promise<string> {
  return (await tx.repos.org.memberSummary(memberId))?.name ?? `#${memberId}`;
}

async function unitName(tx: Tx<EventsRepos>, unitId: number): Promise<string> {
  return (await tx.repos.org.unit(unitId))?.name ?? `#${unitId}`;
}

export async function eventFields(tx: Tx<EventsRepos>, event: StoredEvent, names: Pick<RelationSource, 'reporterName'>): Promise<CardField[]> {
  const f = (label: TextKey, value: string): CardField => ({ label: t(label), value });
  const fields = [
    f('event.card.category', formatCategory(event.category)),
    f('event.card.urgency', t(`event.urgency.${event.urgency}` as TextKey)),
    f('event.card.description', event.description),
  ];
  if (event.location) fields.push(f('event.card.location', event.location));
  if (event.attachments.length) fields.push(f('event.card.photos', t('event.card.photoCount', { count: event.attachments.length })));
  fields.push(f('event.card.grid', await unitName(tx, event.gridUnitId)));
  fields.push(f('event.card.handler', `${await unitName(tx, event.handler.unitId)}（${t(`level.${event.handler.level}` as TextKey)}）`));
  fields.push(f('event.card.reporter', await names.reporterName(tx, event)));
  fields.push(f('event.card.reportedAt', formatAt(event.reportedAt, tx.calendar)));
  if (event.assignee && event.deadline) {
    const who = event.assignee.kind === 'member' ? await nameOf(tx, event.assignee.memberId) : await unitName(tx, event.assignee.unitId);
    fields.push(f('event.card.assignee', t('event.card.assigneeValue', { name: who, deadline: tx.calendar.formatMoment(event.deadline, tx.now) })));
  }
  if (event.result) fields.push(f('event.card.result', event.result));
  if (event.supervision) fields.push(f('event.card.supervision', t(`event.supervision.${event.supervision}` as TextKey)));
  if (event.urgeCount) fields.push(f('event.card.urges', t('event.card.urgeCount', { count: event.urgeCount })));
  if (event.reopenCount) fields.push(f('event.card.reopened', t('event.card.reopenCount', { count: event.reopenCount })));
  if (event.rating) fields.push(f('event.card.rating', t(`event.rating.${event.rating}` as TextKey)));
  return fields;
}

/** One line per step: `11-22 10:05 阳光一网格 周网格长 受理：说明`. */
export async function timelineLines(tx: Tx<EventsRepos>, entries: TimelineEntry[], names: Pick<RelationSource, 'actorName'>): Promise<string[]> {
  const lines: string[] = [];
  for (const e of entries) {
    let action = t(`event.action.${e.action}` as TextKey);
    if (e.detail?.kind === 'moved') action += ` → ${await unitName(tx, e.detail.to.unitId)}`;
    if (e.detail?.kind === 'dispatched') {
      const who = e.detail.assignee.kind === 'member' ? await nameOf(tx, e.detail.assignee.memberId) : await unitName(tx, e.detail.assignee.unitId);
      action += ` → ${who}（${tx.calendar.formatMoment(e.detail.deadline, tx.now)}）`;
    }
    if (e.detail?.kind === 'rated') action += ` ${t(`event.rating.${e.detail.rating}` as TextKey)}`;
    if (e.detail?.kind === 'supervised') action += ` ${t(`event.supervision.${e.detail.level}` as TextKey)}`;
    lines.push(
      t('event.card.timelineLine', {
        at: formatAt(e.at, tx.calendar),
        unit: await unitName(tx, e.unitId),
        actor: await names.actorName(tx, e),
        action,
        note: e.note ? `：${e.note}` : '',
      }),
    );
  }
  return lines;
}

/** The event as a message for an audience, with a headline and optionally its timeline. */
export async function eventMessage(
  tx: Tx<EventsRepos>,
  service: RelationSource,
  event: StoredEvent,
  audience: Audience,
  headline?: string,
  options: { timeline?: boolean; extraLines?: string[]; extraButtons?: CardButton[] } = {},
): Promise<BotMessage> {
  const viewer = audience.kind === 'group' ? null : audience.member;
  const actions = viewer ? availableEventActions(event, { memberId: viewer.id, relation: await service.relationsOf(tx, viewer, event) }) : [];
  const buttons = [...(options.extraButtons ?? []), ...buttonsFor(event, actions)];
  if (!viewer) buttons.push({ label: t('event.button.show'), command: `事件 ${event.number}` });
  const lines = [...(headline ? [headline] : []), ...(options.extraLines ?? [])];
  if (options.timeline) {
    lines.push(t('event.card.timeline'));
    lines.push(...(await timelineLines(tx, await tx.repos.events.timeline(event.id), service)));
  }
  const card = {
    title: t('event.card.title', { number: event.number, state: t(`event.state.${event.state}` as TextKey) }),
    fields: await eventFields(tx, event, service),
    lines,
    buttons,
  };
  const text = cardToText(card);
  return { text, card };
}

/** A refusal of the events service in words (the catalogue's `event.refusal.*`). */
export function refusalText(refusal: EventServiceRefusal): string {
  switch (refusal.code) {
    case 'not_found':
      return t('event.notFound', { number: refusal.number });
    case 'settle_own_only':
      return t('event.settleOwnOnly', { number: refusal.number });
    case 'assignee_outside':
      return t('event.assigneeOutside', { name: refusal.assignee, unit: refusal.unit });
    case 'result_required':
    case 'note_required':
      return t(`event.refusal.${refusal.code}`);
    case 'top_level':
      return t(`event.refusal.${refusal.code}`, { number: refusal.number });
    default:
      return t(`event.refusal.${refusal.code}` as TextKey, {
        number: refusal.number,
        state: t(`event.state.${refusal.state}` as TextKey),
        action: t(`event.action.${refusal.action}` as TextKey),
      });
  }
}

/** For the bot: words an EventRefusedError, and nothing else. */
export const eventRefusals = (err: unknown): string | null => (err instanceof EventRefusedError ? refusalText(err.refusal) : null);
