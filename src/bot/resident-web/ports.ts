/** What the residents' web area needs from storage (adapters/db/repositories/resident-repository.ts). */
import type { EventRating } from '../../domain/event/event';
import type { PublicEventFacts } from '../../domain/resident/public-account';
import type { FigureRange, OpinionSource, TaskFigureFacts } from '../../domain/figures';
import type { ChannelName } from '../../config';
import type { Tx } from '../ports';
import type { EventsRepos } from '../events/ports';
import type { RegisterRepos } from '../register/ports';

/** A resident's device: the identity of a resident who reports without a login. */
export interface ResidentDevice {
  id: number;
  /** The resident this device is (one identity space with the residents' groups): the events' origin. */
  residentId: number;
  silencedAt: Date | null;
}

export interface ResidentReport {
  eventNumber: string;
  deviceId: number;
  gridUnitId: number;
  createdAt: Date;
}

export interface ResidentPhoto {
  id: string;
  deviceId: number;
  mimeType: string;
  bytes: Buffer;
}

export interface ResidentWebRepo {
  /** The device of a cookie value, made on its first report; `lastSeenAt` is moved to now. */
  ensureDevice(deviceKey: string, now: Date): Promise<ResidentDevice>;
  deviceByKey(deviceKey: string): Promise<ResidentDevice | null>;
  device(id: number): Promise<ResidentDevice | null>;
  /**
   * Stores (sealed) the phone a resident left; null clears it. There is deliberately no read back:
   * showing it to a handler would be a new use, opened with an access-log row (see resident-repository).
   */
  setPhone(deviceId: number, phone: string | null): Promise<void>;
  /** 无效/骚扰: the device's reports are refused from now on; false when it already was. */
  silence(deviceId: number, input: { by: number; reason: string; now: Date }): Promise<boolean>;
  unsilence(deviceId: number): Promise<boolean>;
  addPhoto(photo: ResidentPhoto & { now: Date }): Promise<void>;
  photo(id: string): Promise<ResidentPhoto | null>;
  addReport(report: ResidentReport & { tokenHash: string }): Promise<void>;
  reportByToken(tokenHash: string): Promise<ResidentReport | null>;
  reportOfEvent(eventNumber: string): Promise<ResidentReport | null>;
  /** Devices not seen since `before` lose their phone and photos, then the row; returns how many. */
  purge(before: Date): Promise<number>;
  /** The public account's facts for grids, for events reported in the range. */
  publicFacts(gridIds: number[], range: FigureRange): Promise<{ events: PublicEventFacts[]; tasks: TaskFigureFacts[]; opinions: { source: OpinionSource; rating: EventRating }[] }>;
  /** The residents' groups bound to a unit (the residents' groups area binds them). */
  residentGroupsOf(unitId: number): Promise<{ channel: ChannelName; conversationId: string }[]>;
}

export interface ResidentWebRepos extends EventsRepos, RegisterRepos {
  residentWeb: ResidentWebRepo;
}

/** A resident's report as the events area takes it (EventsService.reportFromOutside). */
export interface OutsideReport {
  residentId: number;
  gridUnitId: number;
  description: string;
  location: string | null;
  attachments: string[];
}

/** How this area reaches the events area (composed in modules.ts). */
export interface ResidentEvents {
  report(tx: Tx<ResidentWebRepos>, report: OutsideReport): Promise<{ number: string }>;
  rate(tx: Tx<ResidentWebRepos>, number: string, residentId: number, rating: EventRating, reason: string | null): Promise<void>;
}
