/**
 * The register on TypeORM: rows ↔ domain, with ID numbers, phones and tags sealed on the way in
 * and opened on the way out (adapters/db/pii). Look-ups by ID number or tag go through keyed
 * hashes — under both keys during a rotation.
 */
import { Brackets, In, IsNull, type EntityManager, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import type { AccessEntry, AccessLogRepo, HouseholdChange, LinkTarget, NewResident, RegisterRepo, ResidentPatch, TaggedHousehold, Visit } from '../../../bot/register/ports';
import type { ChangeKind } from '../../../domain/register/changes';
import type { RegisterShare } from '../../../domain/register/access';
import type { Household, Place, Resident, ResidentStatus } from '../../../domain/register/resident';
import type { RegisterTag, TagTarget } from '../../../domain/register/tags';
import type { PiiVault } from '../pii/vault';
import {
  HouseholdChangeSchema,
  HouseholdSchema,
  PlaceSchema,
  RegisterAccessSchema,
  RegisterLinkSchema,
  RegisterShareSchema,
  RegisterTagSchema,
  ResidentSchema,
  ResidentTagSchema,
  VisitSchema,
  type HouseholdRow,
  type PlaceRow,
  type RegisterAccessRow,
  type ResidentRow,
  type VisitRow,
} from '../schemas/register';

/** Column names bound into each envelope (a value moved to another column fails to open). */
export const SEALED = { idNumber: 'resident.id_number', phone: 'resident.phone', tags: 'resident.tags', placePhone: 'place.contact_phone' } as const;
export const MACS = { idNumber: 'id_number', tag: 'tag' } as const;

/** `%text%` for LIKE … ESCAPE '!' (one escape character both SQLite and MariaDB accept). */
const containing = (text: string) => `%${text.replace(/[%_!]/g, '!$&')}%`;

/** Rows per multi-row statement: well under both databases' placeholder limits. */
const CHUNK = 500;

const bool = (v: unknown): boolean => Boolean(Number(v));

function householdToDomain(r: HouseholdRow): Household {
  return { id: r.id, unitId: r.unitId, unitPath: r.unitPath, address: r.address, building: r.building, rented: bool(r.rented), createdAt: r.createdAt, lastVisitAt: r.lastVisitAt };
}

function visitToDomain(r: VisitRow): Visit {
  return { id: r.id, householdId: r.householdId, placeId: r.placeId, unitId: r.unitId, memberId: r.memberId, at: r.at, notes: r.notes, photos: JSON.parse(r.photos) as string[], location: r.location };
}

/** `unit_path LIKE 'p1%' OR unit_path LIKE 'p2%' …`; no scope matches nothing. */
function withinScopes<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string, scopes: string[]): SelectQueryBuilder<T> {
  if (scopes.length === 0) return qb.andWhere('1 = 0');
  return qb.andWhere(
    new Brackets((b) => {
      // Paths are digits and slashes: nothing to escape.
      scopes.forEach((scope, i) => b.orWhere(`${column} LIKE :scope${i}`, { [`scope${i}`]: `${scope}%` }));
    }),
  );
}

export class TypeOrmRegisterRepo implements RegisterRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: PiiVault,
  ) {}

  private residentToDomain(r: ResidentRow): Resident {
    return {
      id: r.id,
      householdId: r.householdId,
      unitId: r.unitId,
      name: r.name,
      relation: r.relation,
      idNumber: r.idSealed ? this.vault.open(SEALED.idNumber, r.idSealed) : null,
      phone: r.phoneSealed ? this.vault.open(SEALED.phone, r.phoneSealed) : null,
      tags: r.tagsSealed ? (JSON.parse(this.vault.open(SEALED.tags, r.tagsSealed)) as string[]) : [],
      status: r.status as ResidentStatus,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  private placeToDomain(r: PlaceRow): Place {
    return {
      id: r.id,
      unitId: r.unitId,
      unitPath: r.unitPath,
      name: r.name,
      kind: r.kind,
      address: r.address,
      tags: JSON.parse(r.tags) as string[],
      contactName: r.contactName,
      contactPhone: r.contactPhoneSealed ? this.vault.open(SEALED.placePhone, r.contactPhoneSealed) : null,
      createdAt: r.createdAt,
      lastVisitAt: r.lastVisitAt,
    };
  }

  /** The sealed columns of a resident's personal data. */
  private sealResident(v: { idNumber: string | null; phone: string | null; tags: string[] }): Pick<ResidentRow, 'idSealed' | 'idMac' | 'phoneSealed' | 'tagsSealed'> {
    return {
      idSealed: v.idNumber ? this.vault.seal(SEALED.idNumber, v.idNumber) : null,
      idMac: v.idNumber ? this.vault.mac(MACS.idNumber, v.idNumber) : null,
      phoneSealed: v.phone ? this.vault.seal(SEALED.phone, v.phone) : null,
      tagsSealed: v.tags.length ? this.vault.seal(SEALED.tags, JSON.stringify(v.tags)) : null,
    };
  }

  private async writeTagIndex(r: Pick<ResidentRow, 'id' | 'householdId' | 'unitPath'>, tags: string[]): Promise<void> {
    await this.em.getRepository(ResidentTagSchema).delete({ residentId: r.id });
    if (tags.length) {
      await this.em
        .getRepository(ResidentTagSchema)
        .insert(tags.map((tag) => ({ residentId: r.id, tagMac: this.vault.mac(MACS.tag, tag), householdId: r.householdId, unitPath: r.unitPath })));
    }
  }

  async tags(): Promise<RegisterTag[]> {
    const rows = await this.em.getRepository(RegisterTagSchema).find({ order: { target: 'DESC', name: 'ASC' } });
    return rows.map((r) => ({ name: r.name, target: r.target as TagTarget, cadenceDays: r.cadenceDays }));
  }

  async putTag(tag: RegisterTag, now: Date): Promise<void> {
    await this.em.getRepository(RegisterTagSchema).save({ name: tag.name, target: tag.target, cadenceDays: tag.cadenceDays, updatedAt: now });
  }

  async household(id: number): Promise<Household | null> {
    const row = await this.em.getRepository(HouseholdSchema).findOne({ where: { id } });
    return row ? householdToDomain(row) : null;
  }

  async households(ids: number[]): Promise<Household[]> {
    if (!ids.length) return [];
    return (await this.em.getRepository(HouseholdSchema).find({ where: { id: In(ids) }, order: { address: 'ASC' } })).map(householdToDomain);
  }

  async householdAt(unitId: number, address: string): Promise<Household | null> {
    const row = await this.em.getRepository(HouseholdSchema).findOne({ where: { unitId, address } });
    return row ? householdToDomain(row) : null;
  }

  async createHousehold(input: { unitId: number; unitPath: string; address: string; building: string; now: Date }): Promise<Household> {
    const row = await this.em.getRepository(HouseholdSchema).save({
      unitId: input.unitId,
      unitPath: input.unitPath,
      address: input.address,
      building: input.building,
      rented: false,
      createdAt: input.now,
      updatedAt: input.now,
      lastVisitAt: null,
    });
    return householdToDomain(row as HouseholdRow);
  }

  async householdsAt(scopes: string[], address: string, limit: number): Promise<Household[]> {
    const qb = this.em.getRepository(HouseholdSchema).createQueryBuilder('h').where('h.address = :address', { address });
    const rows = await withinScopes(qb, 'h.unit_path', scopes).orderBy('h.id', 'ASC').limit(limit).getMany();
    return rows.map(householdToDomain);
  }

  async householdsByAddress(scopes: string[], text: string, limit: number): Promise<Household[]> {
    const qb = this.em.getRepository(HouseholdSchema).createQueryBuilder('h').where("h.address LIKE :text ESCAPE '!'", { text: containing(text) });
    const rows = await withinScopes(qb, 'h.unit_path', scopes).orderBy('h.address', 'ASC').limit(limit).getMany();
    return rows.map(householdToDomain);
  }

  async householdsByTag(scopes: string[], tag: string, limit: number): Promise<Household[]> {
    const macs = this.vault.macs(MACS.tag, tag);
    const qb = this.em.getRepository(ResidentTagSchema).createQueryBuilder('t').select('DISTINCT t.household_id', 'householdId').where('t.tag_mac IN (:...macs)', { macs });
    const ids = (await withinScopes(qb, 't.unit_path', scopes).limit(limit).getRawMany<{ householdId: number | string }>()).map((r) => Number(r.householdId));
    if (!ids.length) return [];
    const rows = await this.em.getRepository(HouseholdSchema).find({ where: { id: In(ids) }, order: { address: 'ASC' } });
    return rows.map(householdToDomain);
  }

  async setRented(householdId: number, rented: boolean, now: Date): Promise<void> {
    await this.em.getRepository(HouseholdSchema).update({ id: householdId }, { rented, updatedAt: now });
  }

  async markVisited(householdId: number, at: Date): Promise<void> {
    await this.em.getRepository(HouseholdSchema).update({ id: householdId }, { lastVisitAt: at });
  }

  async taggedHouseholds(unitId: number): Promise<TaggedHousehold[]> {
    const residents = await this.em
      .getRepository(ResidentSchema)
      .createQueryBuilder('r')
      .where('r.unit_id = :unitId AND r.status = :present AND r.tags_sealed IS NOT NULL', { unitId, present: 'present' })
      .getMany();
    const tagsByHousehold = new Map<number, Set<string>>();
    for (const r of residents) {
      const set = tagsByHousehold.get(r.householdId) ?? new Set<string>();
      for (const tag of this.residentToDomain(r).tags) set.add(tag);
      tagsByHousehold.set(r.householdId, set);
    }
    if (!tagsByHousehold.size) return [];
    const households = await this.em.getRepository(HouseholdSchema).find({ where: { id: In([...tagsByHousehold.keys()]) }, order: { id: 'ASC' } });
    return households.map((h) => ({ household: householdToDomain(h), tags: [...(tagsByHousehold.get(h.id) ?? [])] }));
  }

  async householdsUnder(unitPath: string): Promise<Household[]> {
    const rows = await withinScopes(this.em.getRepository(HouseholdSchema).createQueryBuilder('h'), 'h.unit_path', [unitPath]).orderBy('h.address', 'ASC').getMany();
    return rows.map(householdToDomain);
  }

  async createHouseholds(input: { unitId: number; unitPath: string; address: string; building: string }[], now: Date): Promise<Household[]> {
    const repo = this.em.getRepository(HouseholdSchema);
    for (let i = 0; i < input.length; i += CHUNK) {
      await repo.insert(input.slice(i, i + CHUNK).map((h) => ({ ...h, rented: false, createdAt: now, updatedAt: now, lastVisitAt: null })));
    }
    // Read back by (unit, address), the unique key: ids of a multi-row insert are not portable.
    const byKey = new Map<string, Household>();
    for (const unitId of [...new Set(input.map((h) => h.unitId))]) {
      for (const row of await repo.find({ where: { unitId } })) byKey.set(`${row.unitId}|${row.address}`, householdToDomain(row));
    }
    return input.map((h) => byKey.get(`${h.unitId}|${h.address}`)!);
  }

  async residentsUnder(unitPath: string): Promise<Resident[]> {
    const rows = await withinScopes(this.em.getRepository(ResidentSchema).createQueryBuilder('r'), 'r.unit_path', [unitPath]).orderBy('r.household_id', 'ASC').addOrderBy('r.id', 'ASC').getMany();
    return rows.map((r) => this.residentToDomain(r));
  }

  async residentsByIdNumbers(idNumbers: string[]): Promise<Resident[]> {
    const macs = [...new Set(idNumbers)].flatMap((id) => this.vault.macs(MACS.idNumber, id));
    const out: Resident[] = [];
    for (let i = 0; i < macs.length; i += CHUNK) {
      for (const row of await this.em.getRepository(ResidentSchema).find({ where: { idMac: In(macs.slice(i, i + CHUNK)) } })) out.push(this.residentToDomain(row));
    }
    return out;
  }

  async addResidents(input: NewResident[]): Promise<void> {
    const repo = this.em.getRepository(ResidentSchema);
    for (let i = 0; i < input.length; i += CHUNK) {
      const chunk = input.slice(i, i + CHUNK);
      await repo.insert(
        chunk.map((r) => ({
          householdId: r.householdId,
          unitId: r.unitId,
          unitPath: r.unitPath,
          name: r.name,
          relation: r.relation,
          ...this.sealResident(r),
          status: r.status,
          createdAt: r.now,
          updatedAt: r.now,
        })),
      );
      const tagged = chunk.filter((r) => r.tags.length && r.status === 'present');
      if (!tagged.length) continue;
      // Ids read back by household and name (the chunk's own rows): multi-row insert ids are not portable.
      const rows = await repo.find({ where: { householdId: In([...new Set(tagged.map((r) => r.householdId))]) }, select: { id: true, householdId: true, name: true, unitPath: true } });
      const tagRows = tagged.flatMap((r) => {
        const row = rows.filter((x) => x.householdId === r.householdId && x.name === r.name).pop();
        return row ? r.tags.map((tag) => ({ residentId: row.id, tagMac: this.vault.mac(MACS.tag, tag), householdId: row.householdId, unitPath: row.unitPath })) : [];
      });
      await this.em.getRepository(ResidentTagSchema).createQueryBuilder().insert().values(tagRows).orIgnore().execute();
    }
  }

  async resident(id: number): Promise<Resident | null> {
    const row = await this.em.getRepository(ResidentSchema).findOne({ where: { id } });
    return row ? this.residentToDomain(row) : null;
  }

  async residentsOf(householdId: number): Promise<Resident[]> {
    const rows = await this.em.getRepository(ResidentSchema).find({ where: { householdId }, order: { id: 'ASC' } });
    return rows.map((r) => this.residentToDomain(r));
  }

  async residentByIdNumber(idNumber: string): Promise<Resident | null> {
    const row = await this.em.getRepository(ResidentSchema).findOne({ where: { idMac: In(this.vault.macs(MACS.idNumber, idNumber)) } });
    return row ? this.residentToDomain(row) : null;
  }

  async residentsByName(scopes: string[], name: string, limit: number): Promise<Resident[]> {
    const qb = this.em.getRepository(ResidentSchema).createQueryBuilder('r').where('r.name = :name', { name });
    const rows = await withinScopes(qb, 'r.unit_path', scopes).orderBy('r.id', 'ASC').limit(limit).getMany();
    return rows.map((r) => this.residentToDomain(r));
  }

  async addResident(input: NewResident): Promise<Resident> {
    const row = (await this.em.getRepository(ResidentSchema).save({
      householdId: input.householdId,
      unitId: input.unitId,
      unitPath: input.unitPath,
      name: input.name,
      relation: input.relation,
      ...this.sealResident(input),
      status: input.status,
      createdAt: input.now,
      updatedAt: input.now,
    })) as ResidentRow;
    await this.writeTagIndex(row, input.status === 'present' ? input.tags : []);
    return this.residentToDomain(row);
  }

  async updateResident(id: number, patch: ResidentPatch, now: Date): Promise<Resident> {
    const current = await this.resident(id);
    if (!current) throw new Error(`resident ${id} not found`);
    const next = { ...current, ...patch };
    const row = await this.em.getRepository(ResidentSchema).findOneOrFail({ where: { id } });
    await this.em.getRepository(ResidentSchema).update({ id }, { name: next.name, relation: next.relation, status: next.status, ...this.sealResident(next), updatedAt: now });
    await this.writeTagIndex(row, next.status === 'present' ? next.tags : []);
    return { ...next, updatedAt: now };
  }

  async moveResident(id: number, to: Household, now: Date): Promise<void> {
    await this.em.getRepository(ResidentSchema).update({ id }, { householdId: to.id, unitId: to.unitId, unitPath: to.unitPath, updatedAt: now });
    await this.em.getRepository(ResidentTagSchema).update({ residentId: id }, { householdId: to.id, unitPath: to.unitPath });
  }

  async eraseResident(id: number): Promise<void> {
    await this.em.getRepository(ResidentTagSchema).delete({ residentId: id });
    await this.em.getRepository(HouseholdChangeSchema).update({ residentId: id }, { note: null });
    await this.em.getRepository(ResidentSchema).delete({ id });
  }

  async addChange(input: Omit<HouseholdChange, 'id' | 'residentName'>): Promise<void> {
    await this.em.getRepository(HouseholdChangeSchema).insert({ householdId: input.householdId, kind: input.kind, residentId: input.residentId, note: input.note, memberId: input.memberId, at: input.at });
  }

  async changesOf(householdId: number, limit: number): Promise<HouseholdChange[]> {
    const rows = await this.em.getRepository(HouseholdChangeSchema).find({ where: { householdId }, order: { at: 'DESC', id: 'DESC' }, take: limit });
    const ids = [...new Set(rows.flatMap((r) => (r.residentId === null ? [] : [r.residentId])))];
    const names = new Map<number, string>();
    if (ids.length) for (const r of await this.em.getRepository(ResidentSchema).find({ where: { id: In(ids) }, select: { id: true, name: true } })) names.set(r.id, r.name);
    return rows.map((r) => ({
      id: r.id,
      householdId: r.householdId,
      kind: r.kind as ChangeKind,
      residentId: r.residentId,
      residentName: r.residentId === null ? null : (names.get(r.residentId) ?? null),
      note: r.note,
      memberId: r.memberId,
      at: r.at,
    }));
  }

  async addVisit(input: Omit<Visit, 'id'>): Promise<Visit> {
    const row = (await this.em.getRepository(VisitSchema).save({ ...input, photos: JSON.stringify(input.photos) })) as VisitRow;
    return visitToDomain(row);
  }

  async lastVisits(unitId: number, asOf: Date): Promise<Map<number, Date>> {
    const rows = await this.em
      .getRepository(VisitSchema)
      .createQueryBuilder('v')
      .select('v.household_id', 'householdId')
      .addSelect('MAX(v.at)', 'at')
      .where('v.unit_id = :unitId AND v.household_id IS NOT NULL AND v.at <= :asOf', { unitId, asOf })
      .groupBy('v.household_id')
      .getRawMany<{ householdId: number | string; at: Date | string }>();
    // SQLite hands MAX() back as text in UTC ('2026-11-30 01:02:03.456').
    return new Map(rows.map((r) => [Number(r.householdId), r.at instanceof Date ? r.at : new Date(`${String(r.at).replace(' ', 'T')}Z`)]));
  }

  async visitsOf(target: { householdId: number } | { placeId: number }, limit: number): Promise<Visit[]> {
    const rows = await this.em.getRepository(VisitSchema).find({ where: target, order: { at: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(visitToDomain);
  }

  async place(id: number): Promise<Place | null> {
    const row = await this.em.getRepository(PlaceSchema).findOne({ where: { id } });
    return row ? this.placeToDomain(row) : null;
  }

  async placeByName(unitId: number, name: string): Promise<Place | null> {
    const row = await this.em.getRepository(PlaceSchema).findOne({ where: { unitId, name } });
    return row ? this.placeToDomain(row) : null;
  }

  async createPlace(input: Omit<Place, 'id' | 'lastVisitAt'>): Promise<Place> {
    const row = (await this.em.getRepository(PlaceSchema).save({
      unitId: input.unitId,
      unitPath: input.unitPath,
      name: input.name,
      kind: input.kind,
      address: input.address,
      tags: JSON.stringify(input.tags),
      contactName: input.contactName,
      contactPhoneSealed: input.contactPhone ? this.vault.seal(SEALED.placePhone, input.contactPhone) : null,
      createdAt: input.createdAt,
      updatedAt: input.createdAt,
      lastVisitAt: null,
    })) as PlaceRow;
    return this.placeToDomain(row);
  }

  async placesByText(scopes: string[], text: string, limit: number): Promise<Place[]> {
    const like = containing(text);
    const qb = this.em
      .getRepository(PlaceSchema)
      .createQueryBuilder('p')
      .where(new Brackets((b) => b.where("p.name LIKE :like ESCAPE '!'", { like }).orWhere("p.address LIKE :like ESCAPE '!'", { like }).orWhere('p.kind = :text', { text }).orWhere('p.tags LIKE :tag', { tag: `%"${text}"%` })));
    const rows = await withinScopes(qb, 'p.unit_path', scopes).orderBy('p.name', 'ASC').limit(limit).getMany();
    return rows.map((r) => this.placeToDomain(r));
  }

  async placesOf(unitId: number): Promise<Place[]> {
    return (await this.em.getRepository(PlaceSchema).find({ where: { unitId }, order: { id: 'ASC' } })).map((r) => this.placeToDomain(r));
  }

  async markPlaceVisited(placeId: number, at: Date): Promise<void> {
    await this.em.getRepository(PlaceSchema).update({ id: placeId }, { lastVisitAt: at });
  }

  async link(input: { target: LinkTarget; kind: 'event' | 'task'; ref: string; memberId: number; now: Date }): Promise<boolean> {
    const target = { householdId: 'householdId' in input.target ? input.target.householdId : null, placeId: 'placeId' in input.target ? input.target.placeId : null };
    const repo = this.em.getRepository(RegisterLinkSchema);
    if (await repo.findOne({ where: { householdId: target.householdId ?? IsNull(), placeId: target.placeId ?? IsNull(), kind: input.kind, ref: input.ref } })) return false;
    await repo.insert({ ...target, kind: input.kind, ref: input.ref, memberId: input.memberId, createdAt: input.now });
    return true;
  }

  async linksOf(target: LinkTarget): Promise<{ kind: 'event' | 'task'; ref: string; createdAt: Date }[]> {
    const rows = await this.em.getRepository(RegisterLinkSchema).find({ where: target, order: { createdAt: 'DESC', id: 'DESC' }, take: 20 });
    return rows.map((r) => ({ kind: r.kind as 'event' | 'task', ref: r.ref, createdAt: r.createdAt }));
  }

  async sharesOf(memberId: number): Promise<RegisterShare[]> {
    const rows = await this.em.getRepository(RegisterShareSchema).find({ where: { memberId } });
    return rows.map((r) => ({ memberId: r.memberId, unitId: r.unitId, unitPath: r.unitPath }));
  }

  async share(input: RegisterShare & { grantedBy: number; now: Date }): Promise<boolean> {
    const repo = this.em.getRepository(RegisterShareSchema);
    if (await repo.findOne({ where: { memberId: input.memberId, unitId: input.unitId } })) return false;
    await repo.insert({ memberId: input.memberId, unitId: input.unitId, unitPath: input.unitPath, grantedBy: input.grantedBy, createdAt: input.now });
    return true;
  }

  async unshare(memberId: number, unitId: number): Promise<boolean> {
    const result = await this.em.getRepository(RegisterShareSchema).delete({ memberId, unitId });
    return (result.affected ?? 0) > 0;
  }
}

function accessToDomain(r: RegisterAccessRow): AccessEntry & { id: number } {
  return {
    id: r.id,
    at: r.at,
    memberId: r.memberId,
    action: r.action as AccessEntry['action'],
    subject: r.subject as AccessEntry['subject'],
    subjectId: r.subjectId,
    unitId: r.unitId,
    unitPath: r.unitPath,
    channel: r.channel,
    conversationId: r.conversationId,
    detail: r.detail,
  };
}

export class TypeOrmAccessLogRepo implements AccessLogRepo {
  constructor(private readonly em: EntityManager) {}

  async record(entry: AccessEntry): Promise<void> {
    await this.em.getRepository(RegisterAccessSchema).insert({ ...entry, detail: entry.detail?.slice(0, 200) ?? null, conversationId: entry.conversationId?.slice(0, 128) ?? null });
  }

  async recordMany(entries: AccessEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += CHUNK) {
      await this.em.getRepository(RegisterAccessSchema).insert(entries.slice(i, i + CHUNK).map((e) => ({ ...e, detail: e.detail?.slice(0, 200) ?? null, conversationId: e.conversationId?.slice(0, 128) ?? null })));
    }
  }

  async query(input: { scopes: string[]; since: Date; memberId?: number; limit: number }): Promise<(AccessEntry & { id: number })[]> {
    const qb = this.em.getRepository(RegisterAccessSchema).createQueryBuilder('a').where('a.at >= :since', { since: input.since });
    if (input.memberId !== undefined) qb.andWhere('a.member_id = :memberId', { memberId: input.memberId });
    const rows = await withinScopes(qb, 'a.unit_path', input.scopes).orderBy('a.at', 'DESC').addOrderBy('a.id', 'DESC').limit(input.limit).getMany();
    return rows.map(accessToDomain);
  }
}
