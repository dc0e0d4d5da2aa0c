/**
 * The residents' side on TypeORM. A resident's platform identity is sealed with the PII vault and
 * found by keyed hash; every opening writes an access-log row in the same transaction.
 */
import { In, LessThan, IsNull, type EntityManager } from 'typeorm';
import type { ChannelName } from '../../../config';
import type { EventRating } from '../../../domain/event/event';
import type { Followup, FollowupMethod, ResidentAccessPurpose, ResidentGroup, ResidentIdentity, ResidentRepo, ResidentReport } from '../../../bot/residents/ports';
import type { PiiVault } from '../pii/vault';
import { readThrough, type TxReads } from '../read-cache';
import { EventSchema } from '../schemas/events';
import { ChatResidentSchema, EventFollowupSchema, ResidentAccessSchema, ResidentGroupSchema, ResidentReportSchema } from '../schemas/residents';

/** The sealed field of a resident's identity, and the key its keyed hash is taken of (shared with the 联系卡 devices). */
export const RESIDENT_IDENTITY = 'chat_resident.identity';
const IDENTITY = RESIDENT_IDENTITY;
export const residentIdentityKey = (identity: ResidentIdentity): string => `${identity.channel}\u0000${identity.userId}`;

export class TypeOrmResidentRepo implements ResidentRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: PiiVault,
    /** Group bindings are kept by the process under the read version (read-cache.ts); residents never. */
    private readonly reads: TxReads = readThrough(em),
  ) {}

  private groups = () => this.em.getRepository(ResidentGroupSchema);
  private residents = () => this.em.getRepository(ChatResidentSchema);
  private reports = () => this.em.getRepository(ResidentReportSchema);

  async groupOf(channel: ChannelName, conversationId: string): Promise<ResidentGroup | null> {
    return this.reads.get(`group|${channel}|${conversationId}`, async () => {
      const row = await this.groups().findOne({ where: { channel, conversationId } });
      return row ? { channel: row.channel as ChannelName, conversationId: row.conversationId, unitId: row.unitId, boundBy: row.boundBy } : null;
    });
  }

  async bindGroup(group: ResidentGroup, now: Date): Promise<void> {
    this.reads.markDirty();
    const changed = await this.groups().update({ channel: group.channel, conversationId: group.conversationId }, { unitId: group.unitId, boundBy: group.boundBy });
    if (!changed.affected) await this.groups().insert({ ...group, createdAt: now });
  }

  async unbindGroup(channel: ChannelName, conversationId: string): Promise<boolean> {
    this.reads.markDirty();
    return Boolean((await this.groups().delete({ channel, conversationId })).affected);
  }

  private key(identity: ResidentIdentity): string {
    return residentIdentityKey(identity);
  }

  async residentFor(identity: ResidentIdentity, now: Date): Promise<number> {
    const row = await this.residents().findOne({ where: { identityMac: In(this.vault.macs(IDENTITY, this.key(identity))) } });
    if (row) {
      await this.residents().update({ id: row.id }, { lastSeenAt: now });
      return row.id;
    }
    const result = await this.residents().insert({
      identityMac: this.vault.mac(IDENTITY, this.key(identity)),
      identitySealed: this.vault.seal(IDENTITY, JSON.stringify(identity)),
      phoneSealed: null,
      createdAt: now,
      lastSeenAt: now,
      purgedAt: null,
    });
    return Number((result.identifiers[0] as { id: number }).id);
  }

  async identityOf(residentId: number, access: { memberId: number | null; purpose: ResidentAccessPurpose; eventNumber: string | null; now: Date }): Promise<ResidentIdentity | null> {
    const row = await this.residents().findOne({ where: { id: residentId } });
    if (!row?.identitySealed) return null;
    await this.em.getRepository(ResidentAccessSchema).insert({ at: access.now, residentId, memberId: access.memberId, action: 'open', purpose: access.purpose, eventNumber: access.eventNumber });
    return JSON.parse(this.vault.open(IDENTITY, row.identitySealed)) as ResidentIdentity;
  }

  async addReport(report: ResidentReport, now: Date): Promise<void> {
    await this.reports().insert({ ...report, createdAt: now });
  }

  async reportOf(eventId: number): Promise<ResidentReport | null> {
    const row = await this.reports().findOne({ where: { eventId } });
    return row ? { eventId: row.eventId, eventNumber: row.eventNumber, residentId: row.residentId, channel: row.channel as ChannelName, conversationId: row.conversationId } : null;
  }

  async purgeIdle(before: Date, openStates: readonly string[], now: Date): Promise<number> {
    const idle = await this.residents().find({ where: { lastSeenAt: LessThan(before), purgedAt: IsNull() } });
    let purged = 0;
    for (const r of idle) {
      const reports = await this.reports().find({ where: { residentId: r.id } });
      const open = reports.length ? await this.em.getRepository(EventSchema).count({ where: { id: In(reports.map((x) => x.eventId)), state: In([...openStates]) } }) : 0;
      if (open > 0) continue;
      await this.residents().update({ id: r.id }, { identityMac: null, identitySealed: null, phoneSealed: null, purgedAt: now });
      await this.em.getRepository(ResidentAccessSchema).insert({ at: now, residentId: r.id, memberId: null, action: 'purge', purpose: 'purge', eventNumber: null });
      purged++;
    }
    return purged;
  }

  async addFollowup(f: Followup): Promise<void> {
    await this.em.getRepository(EventFollowupSchema).insert({ ...f });
  }

  async followups(eventId: number): Promise<Followup[]> {
    const rows = await this.em.getRepository(EventFollowupSchema).find({ where: { eventId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ eventId: r.eventId, eventNumber: r.eventNumber, gridUnitId: r.gridUnitId, memberId: r.memberId, method: r.method as FollowupMethod, rating: r.rating as EventRating, note: r.note, at: r.at }));
  }
}
