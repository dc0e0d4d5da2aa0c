/**
 * The intake's use cases (issue 17): an order pushed from outside becomes exactly one event in the
 * grid that holds it (or waits in the client's inbox for a person to place it); every state change
 * of that event becomes a numbered status change for the client's callback; the order's own
 * deadline drives its reminders. All in the caller's transaction.
 */
import { placeOrder, type IntakeOrder, type RoutableGrid } from '../../domain/intake';
import { parseBoundary } from '../../domain/attendance/boundary';
import { DEFAULT_EVENT_CATALOGUE, resolveCategory, type EventCatalogue } from '../../domain/event/categories';
import { CATALOGUE_SETTING } from '../events/commands';
import { OPEN_EVENT_STATES, type EventState, type TimelineEntry } from '../../domain/event/event';
import type { OrgUnit } from '../../domain/org/org';
import { LEADER_ROLE } from '../../domain/org/org';
import type { Tx } from '../ports';
import type { EventObserver, EventsRepos, OriginNames, StoredEvent } from '../events/ports';
import type { EventService } from '../events/service';
import { Notifier } from '../notify';
import { t } from '../texts';
import { hashKey, newClientKey, newSigningSecret } from './keys';
import type { IntakeClient, IntakeOrderRecord, IntakeRepos, OrderSource, OrderStatus } from './ports';

/** Reminder rungs before an order's own deadline (临期), and the overdue rung (超期) at it. */
export const DUE_RUNGS = [
  { rung: 'day', beforeMs: 24 * 3600_000 },
  { rung: 'hours', beforeMs: 2 * 3600_000 },
  { rung: 'overdue', beforeMs: 0 },
] as const;
export const INTAKE_DUE_TIMER = 'intake.due';

const STATUS_OF_STATE: Record<EventState, OrderStatus> = {
  reported: 'received',
  accepted: 'accepted',
  dispatched: 'dispatched',
  in_progress: 'in_progress',
  submitted: 'submitted',
  closed: 'closed',
  rated: 'closed',
  settled_on_spot: 'closed',
  returned: 'returned',
};

/** Open311's two states: a request is open until the matter is closed. */
export function open311Status(status: OrderStatus): 'open' | 'closed' {
  return status === 'closed' || status === 'rated' || status === 'returned' ? 'closed' : 'open';
}

export interface ReceivedOrder {
  created: boolean;
  order: IntakeOrderRecord;
  event: StoredEvent | null;
}

type IntakeTx = Tx<IntakeRepos>;
const repos = (tx: Tx<EventsRepos>) => (tx as IntakeTx).repos;

export class IntakeService implements EventObserver, OriginNames {
  constructor(private readonly events: EventService) {}

  // ---- clients ------------------------------------------------------------------------------------

  async addClient(tx: IntakeTx, input: { name: string; unit: OrgUnit; callbackUrl: string | null; createdBy: number }): Promise<{ client: IntakeClient; key: string; secret: string }> {
    const key = newClientKey();
    const secret = newSigningSecret();
    const client = await tx.repos.intake.createClient({ name: input.name, keyHash: hashKey(key), signingSecret: secret, callbackUrl: input.callbackUrl, unitId: input.unit.id, createdBy: input.createdBy, createdAt: tx.now });
    await tx.repos.audit.record({ at: tx.now, actorMemberId: input.createdBy, action: 'intake.client.add', target: `intake_client#${client.id}`, detail: { name: input.name, unitId: input.unit.id, callbackUrl: input.callbackUrl } });
    return { client, key, secret };
  }

  // ---- receiving ----------------------------------------------------------------------------------

  /**
   * Receives an order once: a replay (same client, same external id) returns what the first made.
   * The caller runs this under a run-once key of (client, external id), and the table's unique key
   * stands behind it.
   */
  async receive(tx: IntakeTx, client: IntakeClient, order: IntakeOrder, source: OrderSource, serviceCode: string | null): Promise<ReceivedOrder> {
    const existing = await tx.repos.intake.orderByExternalId(client.id, order.externalId);
    if (existing) return { created: false, order: existing, event: existing.eventId ? await tx.repos.events.byId(existing.eventId) : null };
    const area = await tx.repos.org.unit(client.unitId);
    if (!area) throw new Error(`intake client ${client.id} names a missing unit ${client.unitId}`);
    const grids = await this.routableGrids(tx, area);
    const placement = placeOrder(order, grids, area.id);
    const record = await tx.repos.intake.createOrder({
      clientId: client.id,
      externalId: order.externalId,
      source,
      serviceCode,
      category: order.category,
      description: order.description,
      address: order.address,
      latitude: order.point?.latitude ?? null,
      longitude: order.point?.longitude ?? null,
      contact: order.contact.name || order.contact.phone ? order.contact : null,
      deadline: order.deadline,
      eventId: null,
      inboxUnitId: placement.kind === 'inbox' ? placement.unitId : null,
      placement: placement.kind === 'grid' ? placement.by : placement.reason,
      status: placement.kind === 'grid' ? 'received' : 'inbox',
      createdAt: tx.now,
    });
    if (placement.kind === 'inbox') {
      await tx.repos.intake.addStatusChange(record.id, 'inbox', (seq) => this.callbackBody(client, record, null, 'inbox', seq, tx.now, null), tx.now);
      await this.announceInbox(tx, client, record, area);
      return { created: true, order: (await tx.repos.intake.order(record.id))!, event: null };
    }
    const event = await this.createEvent(tx, client, record, placement.unitId, placement.by);
    return { created: true, order: (await tx.repos.intake.order(record.id))!, event };
  }

  /** 落格: a person places an order waiting in the inbox onto a grid; it becomes the event then. */
  async placeByHand(tx: IntakeTx, orderId: number, grid: OrgUnit): Promise<StoredEvent | 'not_waiting' | 'not_a_grid'> {
    const order = await tx.repos.intake.order(orderId);
    if (!order || order.eventId !== null) return 'not_waiting';
    if (grid.level !== 'grid') return 'not_a_grid';
    const client = await tx.repos.intake.client(order.clientId);
    if (!client) return 'not_waiting';
    return this.createEvent(tx, client, order, grid.id, 'by_hand');
  }

  private async createEvent(tx: IntakeTx, client: IntakeClient, order: IntakeOrderRecord, gridUnitId: number, by: string): Promise<StoredEvent> {
    // The observer (below) finds the order by the event's origin when the event's first step is told.
    // The client's category read against the catalogue in force (an admin's own categories included); unknown: 其他.
    const catalogue = (await tx.repos.settings.get<EventCatalogue>(CATALOGUE_SETTING)) ?? DEFAULT_EVENT_CATALOGUE;
    const category = resolveCategory(order.category, catalogue) ?? undefined;
    const event = await this.events.reportFromOutside(tx, {
      origin: { kind: 'intake', clientId: client.id, externalId: order.externalId },
      gridUnitId,
      ...(category ? { category } : {}),
      description: order.description,
      location: order.address,
      deadline: order.deadline,
    });
    await tx.repos.intake.placeOrder(order.id, event.id, by, tx.now);
    if (order.deadline) this.scheduleDue(tx, event, order.deadline);
    return event;
  }

  private async routableGrids(tx: IntakeTx, area: OrgUnit): Promise<RoutableGrid[]> {
    const grids = (await tx.repos.org.subtree(area.path)).filter((u) => u.level === 'grid');
    const words = await tx.repos.intake.addressWords(grids.map((g) => g.id));
    const out: RoutableGrid[] = [];
    for (const g of grids) {
      const text = await tx.repos.org.boundary(g.id);
      const parsed = text ? parseBoundary(text) : null;
      out.push({ unitId: g.id, communityUnitId: g.parentId ?? area.id, boundary: parsed?.ok ? parsed.boundary : null, addressWords: words.get(g.id) ?? [] });
    }
    return out;
  }

  /** The inbox's unit leaders hear of an order no grid could be found for, 1:1, with how to place it. */
  private async announceInbox(tx: IntakeTx, client: IntakeClient, order: IntakeOrderRecord, unit: OrgUnit): Promise<void> {
    const notify = new Notifier(tx);
    const text = t('intake.inbox.new', { id: String(order.id), client: client.name, category: order.category, address: order.address ?? '—', reason: t(`intake.placement.${order.placement}` as 'intake.placement.address_unknown') });
    for (const leader of await tx.repos.org.membersWithRole(unit.id, LEADER_ROLE[unit.level])) await notify.member(leader.id, { text });
  }

  // ---- status changes (EventObserver) ---------------------------------------------------------------

  async changed(tx: Tx<EventsRepos>, event: StoredEvent, entry: TimelineEntry): Promise<void> {
    if (event.origin.kind !== 'intake') return;
    // A step that leaves the state as it was (a note, a callback record) is no status change.
    if (entry.from === entry.to) return;
    const intake = repos(tx).intake;
    const order = await intake.orderByExternalId(event.origin.clientId, event.origin.externalId);
    const client = order && (await intake.client(order.clientId));
    if (!order || !client) return;
    const status = STATUS_OF_STATE[entry.to];
    const note = entry.to === 'closed' || entry.to === 'settled_on_spot' ? event.result : entry.to === 'returned' ? entry.note : null;
    await intake.addStatusChange(order.id, status, (seq) => this.callbackBody(client, order, event, status, seq, tx.now, note), tx.now);
    if (!OPEN_EVENT_STATES.includes(entry.to)) for (const r of DUE_RUNGS) tx.effects.cancel({ jobId: dueJobId(event.id, r.rung) });
  }

  /** The callback body: the order's ids, the change's sequence number and status (also in Open311's terms). */
  callbackBody(client: IntakeClient, order: IntakeOrderRecord, event: StoredEvent | null, status: OrderStatus, seq: number, at: Date, note: string | null): string {
    return JSON.stringify({
      client_id: client.id,
      external_id: order.externalId,
      service_request_id: String(order.id),
      event_number: event?.number ?? null,
      seq,
      status,
      open311_status: open311Status(status),
      status_notes: note,
      updated_datetime: at.toISOString(),
    });
  }

  /** The client's name on cards and timelines (OriginNames). */
  async nameOf(tx: Tx<EventsRepos>, origin: StoredEvent['origin']): Promise<string> {
    if (origin.kind === 'intake') {
      const client = await repos(tx).intake.client(origin.clientId);
      return t('event.origin.intake', { client: client ? `「${client.name}」` : `#${origin.clientId}` });
    }
    return origin.kind === 'resident' ? t('event.origin.resident') : t('event.origin.member');
  }

  /** A callback attempt in the event's timeline: who was told what, and how it went. */
  async recordCallbackAttempt(tx: IntakeTx, orderId: number, change: { seq: number; status: string }, attempt: { attempt: number; ok: boolean; outcome: string; willRetry: boolean }): Promise<void> {
    const order = await tx.repos.intake.order(orderId);
    const event = order?.eventId ? await tx.repos.events.byId(order.eventId) : null;
    if (!order || !event) return;
    const key = attempt.ok ? 'intake.callback.ok' : attempt.willRetry ? 'intake.callback.retry' : 'intake.callback.gaveUp';
    await tx.repos.events.addEntry(event.id, {
      eventNumber: event.number,
      action: 'intake_callback',
      actorId: null,
      origin: event.origin,
      at: tx.now,
      from: event.state,
      to: event.state,
      level: event.handler.level,
      unitId: event.handler.unitId,
      note: t(key, { seq: String(change.seq), status: t(`intake.status.${change.status}` as 'intake.status.received'), attempt: String(attempt.attempt), outcome: attempt.outcome }),
      attachments: [],
      detail: null,
    });
  }

  // ---- the order's deadline ----------------------------------------------------------------------------

  private scheduleDue(tx: IntakeTx, event: StoredEvent, deadline: Date): void {
    for (const r of DUE_RUNGS) {
      const runAt = new Date(deadline.getTime() - r.beforeMs);
      if (runAt.getTime() <= tx.now.getTime() && r.rung !== 'overdue') continue;
      tx.effects.schedule({ name: INTAKE_DUE_TIMER, jobId: dueJobId(event.id, r.rung), data: { eventId: event.id, rung: r.rung, deadline: deadline.toISOString() }, runAt });
    }
  }

  /** A due rung fires: still open and the same deadline → the handlers hear it (the overdue rung: the level above too). */
  async due(tx: IntakeTx, data: { eventId: number; rung: string; deadline: string }): Promise<void> {
    const event = await tx.repos.events.byId(data.eventId);
    if (!event || !OPEN_EVENT_STATES.includes(event.state)) return;
    if (!event.dueAt || event.dueAt.toISOString() !== data.deadline) return;
    const when = tx.calendar.formatMoment(event.dueAt, tx.now);
    const text = data.rung === 'overdue' ? t('intake.due.overdue', { number: event.number, when }) : t('intake.due.soon', { number: event.number, when });
    const told = await this.events.tellHandlers(tx, event, event.handler.unitId, text);
    if (data.rung !== 'overdue') return;
    const handling = await tx.repos.org.unit(event.handler.unitId);
    if (handling?.parentId) await this.events.tellHandlers(tx, event, handling.parentId, text, told.map((m) => m.id));
  }
}

export const dueJobId = (eventId: number, rung: string) => `intake-due-${eventId}-${rung}`;
