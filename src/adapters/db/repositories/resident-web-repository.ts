/**
 * Residents' devices, tracking links and photos (rows ↔ domain only). The device cookie is looked
 * up by its keyed hash and kept sealed; a phone is sealed; the tracking token is never stored.
 */
import { And, In, IsNull, LessThan, MoreThanOrEqual, Not, type EntityManager } from 'typeorm';
import type { EventRating, EventState, HandlingLevel } from '../../../domain/event/event';
import { ratingSource, type FigureRange, type OpinionSource } from '../../../domain/figures';
import type { ChannelName } from '../../../config';
import { ChatResidentSchema, EventFollowupSchema, ResidentGroupSchema } from '../schemas/residents';
import type { ResidentDevice, ResidentPhoto, ResidentReport, ResidentWebRepo } from '../../../bot/resident-web/ports';
import { ResidentDeviceSchema, ResidentPhotoSchema, ResidentWebReportSchema, type ResidentDeviceRow } from '../schemas/resident-web';
import { EventLogSchema, EventSchema } from '../schemas/events';
import { TaskSchema } from '../schemas/tasks';
import { taskFigureFacts } from './assessment-repository';
import type { PiiVault } from '../pii/vault';
import type { ResidentIdentity } from '../../../bot/residents/ports';
import { RESIDENT_IDENTITY, residentIdentityKey } from './resident-repository';

export const SEALED = { device: 'resident_device.device', phone: 'resident_device.phone' } as const;
export const MACS = { device: 'resident_device.device' } as const;

const toDevice = (r: ResidentDeviceRow): ResidentDevice => ({ id: r.id, residentId: r.residentId, silencedAt: r.silencedAt });
/** A device is the resident identity `web` + its cookie, in the residents' groups area's chat_resident. */
const IDENTITY = RESIDENT_IDENTITY;
const webIdentity = (deviceKey: string): ResidentIdentity => ({ channel: 'web', userId: deviceKey });
const identityKey = (deviceKey: string) => residentIdentityKey(webIdentity(deviceKey));
const within = (range: FigureRange) => And(MoreThanOrEqual(range.start), LessThan(range.end));

export class TypeOrmResidentWebRepo implements ResidentWebRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: PiiVault,
  ) {}

  private get devices() {
    return this.em.getRepository(ResidentDeviceSchema);
  }

  async deviceByKey(deviceKey: string): Promise<ResidentDevice | null> {
    const row = await this.devices.findOne({ where: { deviceMac: In(this.vault.macs(MACS.device, deviceKey)) } });
    return row && toDevice(row);
  }

  async ensureDevice(deviceKey: string, now: Date): Promise<ResidentDevice> {
    const macs = this.vault.macs(MACS.device, deviceKey);
    const row = await this.devices.findOne({ where: { deviceMac: In(macs) } });
    if (!row) {
      // A new device, perhaps sending several reports at once: each inserts (all but one ignored,
      // once the first commits), then reads the row with a shared locking read, which sees the
      // committed row where a plain read in the transaction's snapshot may not (MariaDB). Shared,
      // never exclusive: two transactions holding the duplicate's shared lock and both asking for
      // an exclusive one deadlock. So a fresh row is not touched again (its lastSeenAt is now).
      // First the resident (chat_resident, shared with the residents' groups), then its device.
      // TypeORM words a shared lock `FOR SHARE`, which MariaDB does not know: `LOCK IN SHARE MODE` is
      // understood by MariaDB and MySQL alike (SQLite serialises writers and needs none).
      const shared = this.em.connection.options.type === 'better-sqlite3' ? '' : ' LOCK IN SHARE MODE';
      const read = async (table: string, columns: string, column: string, values: string[]) =>
        ((await this.em.query(`SELECT ${columns} FROM ${table} WHERE ${column} IN (${values.map(() => '?').join(', ')})${shared}`, values)) as Record<string, unknown>[])[0] ?? null;
      const residents = this.em.getRepository(ChatResidentSchema);
      await residents
        .createQueryBuilder()
        .insert()
        .values({ identityMac: this.vault.mac(IDENTITY, identityKey(deviceKey)), identitySealed: this.vault.seal(IDENTITY, JSON.stringify(webIdentity(deviceKey))), phoneSealed: null, createdAt: now, lastSeenAt: now, purgedAt: null })
        .orIgnore()
        .execute();
      const resident = await read('chat_resident', 'id', 'identity_mac', this.vault.macs(IDENTITY, identityKey(deviceKey)));
      if (!resident) throw new Error('a resident just stored cannot be read back');
      const residentId = Number(resident.id);
      await this.devices
        .createQueryBuilder()
        .insert()
        .values({ residentId, deviceMac: this.vault.mac(MACS.device, deviceKey), deviceSealed: this.vault.seal(SEALED.device, deviceKey), phoneSealed: null, createdAt: now, lastSeenAt: now, silencedAt: null, silencedBy: null, silencedReason: null })
        .orIgnore()
        .execute();
      // Read from the locked row itself: a plain read by id would look at the old snapshot again.
      const fresh = await read('resident_device', 'id, resident_id, silenced_at', 'device_mac', macs);
      if (!fresh) throw new Error('a resident device just stored cannot be read back');
      return { id: Number(fresh.id), residentId: Number(fresh.resident_id), silencedAt: fresh.silenced_at ? new Date(fresh.silenced_at as string | Date) : null };
    }
    await this.devices.update({ id: row.id }, { lastSeenAt: now });
    return toDevice(row);
  }

  async device(id: number): Promise<ResidentDevice | null> {
    const row = await this.devices.findOne({ where: { id } });
    return row && toDevice(row);
  }

  async setPhone(deviceId: number, phone: string | null): Promise<void> {
    await this.devices.update({ id: deviceId }, { phoneSealed: phone ? this.vault.seal(SEALED.phone, phone) : null });
  }

  async silence(deviceId: number, input: { by: number; reason: string; now: Date }): Promise<boolean> {
    const result = await this.devices.update({ id: deviceId, silencedAt: IsNull() }, { silencedAt: input.now, silencedBy: input.by, silencedReason: input.reason });
    return (result.affected ?? 0) > 0;
  }

  async unsilence(deviceId: number): Promise<boolean> {
    const result = await this.devices.update({ id: deviceId, silencedAt: Not(IsNull()) }, { silencedAt: null, silencedBy: null, silencedReason: null });
    return (result.affected ?? 0) > 0;
  }

  async addPhoto(photo: ResidentPhoto & { now: Date }): Promise<void> {
    await this.em.getRepository(ResidentPhotoSchema).insert({ id: photo.id, deviceId: photo.deviceId, mimeType: photo.mimeType, bytes: photo.bytes, createdAt: photo.now });
  }

  async photo(id: string): Promise<ResidentPhoto | null> {
    const row = await this.em.getRepository(ResidentPhotoSchema).findOne({ where: { id } });
    return row && { id: row.id, deviceId: row.deviceId, mimeType: row.mimeType, bytes: Buffer.from(row.bytes) };
  }

  async addReport(report: ResidentReport & { tokenHash: string }): Promise<void> {
    await this.em.getRepository(ResidentWebReportSchema).insert(report);
  }

  async reportByToken(tokenHash: string): Promise<ResidentReport | null> {
    const row = await this.em.getRepository(ResidentWebReportSchema).findOne({ where: { tokenHash } });
    return row && { eventNumber: row.eventNumber, deviceId: row.deviceId, gridUnitId: row.gridUnitId, createdAt: row.createdAt };
  }

  async reportOfEvent(eventNumber: string): Promise<ResidentReport | null> {
    const row = await this.em.getRepository(ResidentWebReportSchema).findOne({ where: { eventNumber } });
    return row && { eventNumber: row.eventNumber, deviceId: row.deviceId, gridUnitId: row.gridUnitId, createdAt: row.createdAt };
  }

  async purge(before: Date): Promise<number> {
    const stale = await this.devices.find({ where: { lastSeenAt: LessThan(before) }, select: { id: true } });
    const ids = stale.map((d) => d.id);
    if (!ids.length) return 0;
    await this.em.getRepository(ResidentPhotoSchema).delete({ deviceId: In(ids) });
    await this.devices.delete({ id: In(ids) });
    return ids.length;
  }

  async residentGroupsOf(unitId: number): Promise<{ channel: ChannelName; conversationId: string }[]> {
    const rows = await this.em.getRepository(ResidentGroupSchema).find({ where: { unitId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ channel: r.channel as ChannelName, conversationId: r.conversationId }));
  }

  async publicFacts(gridIds: number[], range: FigureRange) {
    if (!gridIds.length) return { events: [], tasks: [], opinions: [] };
    const events = await this.em.getRepository(EventSchema).find({ where: { gridUnitId: In(gridIds), reportedAt: within(range) } });
    const tasks = await this.em.getRepository(TaskSchema).find({ where: { gridId: In(gridIds), eventNumber: Not(IsNull()), deadline: within(range) } });
    const rated = await this.em
      .getRepository(EventLogSchema)
      .createQueryBuilder('l')
      .innerJoin(EventSchema.options.tableName!, 'e', 'e.id = l.event_id')
      .where('e.grid_unit_id IN (:...gridIds)', { gridIds })
      .andWhere('l.action = :rate', { rate: 'rate' })
      .andWhere('l.at >= :start AND l.at < :end', { start: range.start, end: range.end })
      .getMany();
    const opinions: { source: OpinionSource; rating: EventRating }[] = rated.flatMap((l) => {
      const rating = l.detail ? (JSON.parse(l.detail) as { rating?: EventRating }).rating : undefined;
      return rating ? [{ source: ratingSource(l.actorId), rating }] : [];
    });
    const followups = await this.em.getRepository(EventFollowupSchema).find({ where: { gridUnitId: In(gridIds), at: within(range) } });
    for (const f of followups) opinions.push({ source: 'followup', rating: f.rating as EventRating });
    return {
      events: events.map((e) => ({
        state: e.state as EventState,
        level: (e.closedByLevel ?? e.handlerLevel) as HandlingLevel,
        category: { category: e.category, item: e.item },
        reportedAt: e.reportedAt,
        closedAt: e.closedAt,
        rating: e.rating as EventRating | null,
      })),
      tasks: tasks.map(taskFigureFacts),
      opinions,
    };
  }
}
