/**
 * The residents' web use cases: a report from the page behind a grid's QR card, its private
 * tracking link, the resident's rating, the gridworker's 无效/骚扰 that silences a device, and the
 * public account of a grid or community. The HTTP adapter (adapters/http/resident-route.ts) holds
 * the rate limits, the cookie and the form; everything here runs in the caller's transaction.
 */
import crypto from 'node:crypto';
import type { EventRating, EventState, TimelineEntry } from '../../domain/event/event';
import { hasAuthority, type Member, type OrgUnit } from '../../domain/org/org';
import { buildPublicAccount, isMobilePhone, MAX_DESCRIPTION_CHARS, MAX_PLACE_CHARS, type PublicAccount } from '../../domain/resident';
import type { AssessmentPeriod } from '../../domain/assessment/period';
import type { Tx } from '../ports';
import type { StoredEvent } from '../events/ports';
import { EventRefusedError } from '../events/refusals';
import type { ResidentEvents, ResidentPhoto, ResidentWebRepos } from './ports';

/** A tracking token: 256 random bits, base64url (43 characters). */
export const TRACKING_TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const PHOTO_ID = /^[0-9a-f]{32}$/;

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');
export const newDeviceKey = (): string => crypto.randomBytes(16).toString('base64url');
export const DEVICE_KEY = /^[A-Za-z0-9_-]{22}$/;

export interface ResidentSubmission {
  gridCode: string;
  deviceKey: string;
  description: string;
  place: string;
  latitude: number | null;
  longitude: number | null;
  phone: string;
  photos: { mimeType: string; bytes: Buffer }[];
}

export type SubmitRefusal = 'unknown_grid' | 'silenced' | 'description_required' | 'description_too_long' | 'place_too_long' | 'bad_phone';
export type SubmitResult = { ok: true; token: string; number: string } | { ok: false; reason: SubmitRefusal };

export interface TrackingView {
  number: string;
  grid: OrgUnit;
  state: EventState;
  category: string;
  description: string;
  location: string | null;
  photos: string[];
  reportedAt: Date;
  result: string | null;
  rating: EventRating | null;
  /** The loop's steps, oldest first, without who took them. */
  steps: { at: Date; action: string; to: EventState }[];
  canRate: boolean;
}

export type RateResult = { ok: true; state: EventState } | { ok: false; reason: 'unknown' | 'not_closed' | 'reason_required' };

/** The photo's address on this server (what the event's attachments carry). */
export const residentPhotoUrl = (baseUrl: string | null, id: string): string => `${(baseUrl ?? '').replace(/\/$/, '')}/r/photo/${id}`;

export class ResidentWebService {
  constructor(
    private readonly events: ResidentEvents,
    private readonly baseUrl: () => string | null,
  ) {}

  /** The grid behind a card: only a grid (网格) takes reports. */
  async gridOf(repos: ResidentWebRepos, code: string): Promise<OrgUnit | null> {
    const unit = /^[A-Za-z0-9-]{2,32}$/.test(code) ? await repos.org.unitByCode(code) : null;
    return unit && unit.level === 'grid' ? unit : null;
  }

  async submit(tx: Tx<ResidentWebRepos>, s: ResidentSubmission): Promise<SubmitResult> {
    const grid = await this.gridOf(tx.repos, s.gridCode);
    if (!grid) return { ok: false, reason: 'unknown_grid' };
    const description = s.description.trim();
    const place = s.place.trim();
    const phone = s.phone.replace(/[\s-]/g, '');
    if (!description) return { ok: false, reason: 'description_required' };
    if ([...description].length > MAX_DESCRIPTION_CHARS) return { ok: false, reason: 'description_too_long' };
    if ([...place].length > MAX_PLACE_CHARS) return { ok: false, reason: 'place_too_long' };
    if (phone && !isMobilePhone(phone)) return { ok: false, reason: 'bad_phone' };
    const known = await tx.repos.residentWeb.deviceByKey(s.deviceKey);
    if (known?.silencedAt) return { ok: false, reason: 'silenced' };
    const device = await tx.repos.residentWeb.ensureDevice(s.deviceKey, tx.now);
    if (phone) await tx.repos.residentWeb.setPhone(device.id, phone);
    const photoUrls: string[] = [];
    for (const p of s.photos) {
      const photo: ResidentPhoto = { id: crypto.randomBytes(16).toString('hex'), deviceId: device.id, mimeType: p.mimeType, bytes: p.bytes };
      await tx.repos.residentWeb.addPhoto({ ...photo, now: tx.now });
      photoUrls.push(residentPhotoUrl(this.baseUrl(), photo.id));
    }
    const coords = s.latitude !== null && s.longitude !== null ? `${s.latitude.toFixed(5)},${s.longitude.toFixed(5)}` : null;
    const location = place && coords ? `${place}（${coords}）` : place || coords;
    const { number } = await this.events.report(tx, { residentId: device.residentId, gridUnitId: grid.id, description, location, attachments: photoUrls });
    const token = crypto.randomBytes(32).toString('base64url');
    await tx.repos.residentWeb.addReport({ tokenHash: hashToken(token), eventNumber: number, deviceId: device.id, gridUnitId: grid.id, createdAt: tx.now });
    return { ok: true, token, number };
  }

  /** What the holder of a tracking link sees: their own report and its progress, nobody's name. */
  async track(repos: ResidentWebRepos, token: string): Promise<TrackingView | null> {
    if (!TRACKING_TOKEN.test(token)) return null;
    const report = await repos.residentWeb.reportByToken(hashToken(token));
    if (!report) return null;
    const event = await repos.events.byNumber(report.eventNumber);
    const grid = event && (await repos.org.unit(event.gridUnitId));
    if (!event || !grid) return null;
    const timeline = await repos.events.timeline(event.id);
    return {
      number: event.number,
      grid,
      state: event.state,
      category: event.category.item ? `${event.category.category}·${event.category.item}` : event.category.category,
      description: event.description,
      location: event.location,
      photos: event.attachments.filter((a) => a.includes('/r/photo/')),
      reportedAt: event.reportedAt,
      result: event.state === 'closed' || event.state === 'rated' || event.state === 'settled_on_spot' ? event.result : null,
      rating: event.rating,
      steps: publicSteps(timeline),
      canRate: event.state === 'closed',
    };
  }

  async rate(tx: Tx<ResidentWebRepos>, token: string, rating: EventRating, reason: string): Promise<RateResult> {
    if (!TRACKING_TOKEN.test(token)) return { ok: false, reason: 'unknown' };
    const report = await tx.repos.residentWeb.reportByToken(hashToken(token));
    if (!report) return { ok: false, reason: 'unknown' };
    const event = await tx.repos.events.byNumber(report.eventNumber);
    if (!event) return { ok: false, reason: 'unknown' };
    if (event.state !== 'closed') return { ok: false, reason: 'not_closed' };
    const why = reason.trim().slice(0, MAX_DESCRIPTION_CHARS);
    if (rating === 'unsatisfied' && !why) return { ok: false, reason: 'reason_required' };
    try {
      const device = await tx.repos.residentWeb.device(report.deviceId);
      if (!device) return { ok: false, reason: 'unknown' };
      await this.events.rate(tx, event.number, device.residentId, rating, why || null);
    } catch (err) {
      // Rated a moment ago from another tab: the loop refuses the second rating.
      if (err instanceof EventRefusedError) return { ok: false, reason: 'not_closed' };
      throw err;
    }
    const after = await tx.repos.events.byNumber(event.number);
    return { ok: true, state: after?.state ?? event.state };
  }

  /**
   * 无效/骚扰: a gridworker of the event's grid (or above) silences the device that reported it.
   * The event is annotated (without the device); the access is logged like any read of residents' data.
   */
  async silence(tx: Tx<ResidentWebRepos>, member: Member, event: StoredEvent, reason: 'invalid' | 'harassment', via: { channel: string; conversationId: string }): Promise<'silenced' | 'already' | 'not_resident' | 'not_allowed'> {
    const grid = await tx.repos.org.unit(event.gridUnitId);
    if (!grid || !hasAuthority(member, grid.path, 'gridworker')) return 'not_allowed';
    const report = await tx.repos.residentWeb.reportOfEvent(event.number);
    if (!report) return 'not_resident';
    const done = await tx.repos.residentWeb.silence(report.deviceId, { by: member.id, reason, now: tx.now });
    await tx.repos.accessLog.record({ at: tx.now, memberId: member.id, action: 'change', subject: 'reporter', subjectId: report.deviceId, unitId: grid.id, unitPath: grid.path, channel: via.channel, conversationId: via.conversationId, detail: `silence ${reason} ${event.number}` });
    if (done) {
      await tx.repos.events.addEntry(event.id, { eventNumber: event.number, action: `resident_${reason}`, actorId: member.id, at: tx.now, from: event.state, to: event.state, level: event.handler.level, unitId: event.handler.unitId, note: null, attachments: [], detail: null });
    }
    return done ? 'silenced' : 'already';
  }

  async unsilence(tx: Tx<ResidentWebRepos>, member: Member, event: StoredEvent, via: { channel: string; conversationId: string }): Promise<'done' | 'not_silenced' | 'not_resident' | 'not_allowed'> {
    const grid = await tx.repos.org.unit(event.gridUnitId);
    if (!grid || !hasAuthority(member, grid.path, 'grid_head')) return 'not_allowed';
    const report = await tx.repos.residentWeb.reportOfEvent(event.number);
    if (!report) return 'not_resident';
    const done = await tx.repos.residentWeb.unsilence(report.deviceId);
    await tx.repos.accessLog.record({ at: tx.now, memberId: member.id, action: 'change', subject: 'reporter', subjectId: report.deviceId, unitId: grid.id, unitPath: grid.path, channel: via.channel, conversationId: via.conversationId, detail: `unsilence ${event.number}` });
    return done ? 'done' : 'not_silenced';
  }

  /** The public account of a grid or a community (its grids) for a period. */
  async publicAccount(repos: ResidentWebRepos, unit: OrgUnit, period: AssessmentPeriod, now: Date): Promise<PublicAccount> {
    const grids = unit.level === 'grid' ? [unit] : (await repos.org.subtree(unit.path)).filter((u) => u.level === 'grid');
    const facts = await repos.residentWeb.publicFacts(
      grids.map((g) => g.id),
      { start: period.start, end: period.end },
    );
    return buildPublicAccount({ ...facts, range: { start: period.start, end: period.end }, now });
  }
}

/** The loop's steps a resident may see: state changes and ratings, never who or any note. */
function publicSteps(timeline: readonly TimelineEntry[]): { at: Date; action: string; to: EventState }[] {
  return timeline.filter((e) => e.from !== e.to || e.action === 'report' || e.action === 'rate').map((e) => ({ at: e.at, action: e.action, to: e.to }));
}
