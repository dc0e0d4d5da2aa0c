/**
 * What the intake area (issue 17: orders pushed from 12345 and Open311 platforms) needs from
 * storage: its clients, their orders, each status change to call back, the grids' address words.
 */
import type { EventsRepos } from '../events/ports';

export interface IntakeClient {
  id: number;
  name: string;
  /** SHA-256 (hex) of the API key; the key itself is shown once and never stored. */
  keyHash: string;
  /** HMAC secret for signed pushes and our callbacks (stored sealed). */
  signingSecret: string;
  callbackUrl: string | null;
  /** The area the client serves: grids under it are where its orders land; unplaceable ones wait in its inbox. */
  unitId: number;
  createdAt: Date;
  revokedAt: Date | null;
}

export type OrderSource = 'hotline' | 'open311';

/** Where an order stands, as the client hears it (callbacks, Open311 `status`). */
export type OrderStatus = 'received' | 'inbox' | 'accepted' | 'dispatched' | 'in_progress' | 'submitted' | 'closed' | 'rated' | 'returned';

export interface IntakeOrderRecord {
  id: number;
  clientId: number;
  externalId: string;
  source: OrderSource;
  serviceCode: string | null;
  category: string;
  description: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  /**
   * Whether the caller left a name or phone. The contact itself stays sealed in storage: no use shows
   * it yet, so no read opens it (an opening of residents' data would have to be written to the access log).
   */
  hasContact: boolean;
  deadline: Date | null;
  eventId: number | null;
  /** The community whose inbox holds it while no grid is found (null once placed, or when placed at once). */
  inboxUnitId: number | null;
  /** How it was placed: coordinates / address / by hand, or why it waits: outside_every_boundary … */
  placement: string;
  status: OrderStatus;
  callbackSeq: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The caller's contact as an order brings it; sealed when stored. */
export interface IntakeContact {
  name: string | null;
  phone: string | null;
}

export type NewIntakeOrder = Omit<IntakeOrderRecord, 'id' | 'callbackSeq' | 'updatedAt' | 'hasContact'> & { contact: IntakeContact | null };

export interface OrderFilter {
  ids?: number[];
  serviceCode?: string;
  status?: 'open' | 'closed';
  start?: Date;
  end?: Date;
  limit: number;
}

export interface IntakeRepo {
  createClient(input: Omit<IntakeClient, 'id' | 'revokedAt'> & { createdBy: number | null }): Promise<IntakeClient>;
  clients(): Promise<IntakeClient[]>;
  client(id: number): Promise<IntakeClient | null>;
  /** The client holding this key hash, unless revoked. */
  clientByKeyHash(keyHash: string): Promise<IntakeClient | null>;
  revokeClient(id: number, now: Date): Promise<boolean>;

  orderByExternalId(clientId: number, externalId: string): Promise<IntakeOrderRecord | null>;
  order(id: number): Promise<IntakeOrderRecord | null>;
  orderOfEvent(eventId: number): Promise<IntakeOrderRecord | null>;
  createOrder(order: NewIntakeOrder): Promise<IntakeOrderRecord>;
  placeOrder(orderId: number, eventId: number, placement: string, now: Date): Promise<void>;
  ordersOf(clientId: number, filter: OrderFilter): Promise<IntakeOrderRecord[]>;
  /** Orders waiting unplaced in these units' inboxes, oldest first. */
  inbox(unitIds: number[]): Promise<IntakeOrderRecord[]>;

  /** Sets the order's status and stores the numbered change to call back; returns its sequence number. */
  addStatusChange(orderId: number, status: OrderStatus, body: (seq: number) => string, now: Date): Promise<number>;

  addressWords(unitIds: number[]): Promise<Map<number, string[]>>;
  setAddressWords(unitId: number, words: string[], now: Date): Promise<void>;
}

export interface IntakeRepos extends EventsRepos {
  intake: IntakeRepo;
}
