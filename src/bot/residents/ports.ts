/** What the residents' area needs from storage (adapters/db/repositories/resident-repository.ts). */
import type { ChannelName } from '../../config';
import type { EventRating } from '../../domain/event/event';
import type { EventsRepos } from '../events/ports';

export interface ResidentGroup {
  channel: ChannelName;
  conversationId: string;
  unitId: number;
  boundBy: number;
}

/**
 * Where a resident speaks from: a platform's residents' group, or `web`, a device of the 联系卡 page
 * (src/bot/resident-web), whose userId is the device cookie. One chat_resident row per identity.
 */
export type ResidentChannel = ChannelName | 'web';

/** A resident's identity: personal data, sealed at rest, every opening logged. */
export interface ResidentIdentity {
  channel: ResidentChannel;
  userId: string;
}

export interface ResidentReport {
  eventId: number;
  eventNumber: string;
  residentId: number;
  channel: ChannelName;
  conversationId: string;
}

export const FOLLOWUP_METHODS = ['phone', 'visit'] as const;
export type FollowupMethod = (typeof FOLLOWUP_METHODS)[number];

export interface Followup {
  eventId: number;
  eventNumber: string;
  gridUnitId: number;
  memberId: number;
  method: FollowupMethod;
  rating: EventRating;
  note: string | null;
  at: Date;
}

/** Why a resident's identity was opened (the access log's purpose). */
export type ResidentAccessPurpose = 'close_notice' | 'notice' | 'purge';

export interface ResidentRepo {
  groupOf(channel: ChannelName, conversationId: string): Promise<ResidentGroup | null>;
  bindGroup(group: ResidentGroup, now: Date): Promise<void>;
  unbindGroup(channel: ChannelName, conversationId: string): Promise<boolean>;
  /** The resident with this identity, created (sealed) on first contact; `lastSeenAt` moves to now. */
  residentFor(identity: ResidentIdentity, now: Date): Promise<number>;
  /** Opens a resident's identity and logs the access in the same transaction; null once purged. */
  identityOf(residentId: number, access: { memberId: number | null; purpose: ResidentAccessPurpose; eventNumber: string | null; now: Date }): Promise<ResidentIdentity | null>;
  addReport(report: ResidentReport, now: Date): Promise<void>;
  reportOf(eventId: number): Promise<ResidentReport | null>;
  /**
   * Forgets the identities of residents not seen since `before` whose reports are all closed: the
   * row stays (events keep their origin), the sealed identity and its hash go. Returns how many.
   */
  purgeIdle(before: Date, openStates: readonly string[], now: Date): Promise<number>;
  addFollowup(followup: Followup): Promise<void>;
  followups(eventId: number): Promise<Followup[]>;
}

export interface ResidentsRepos extends EventsRepos {
  residents: ResidentRepo;
}
