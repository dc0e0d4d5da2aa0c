/**
 * 代办 on TypeORM: rows ↔ records. The references of document photos are sealed with the register's
 * vault on the way in and opened on the way out (the area logs each read in the access log).
 */
import { Brackets, In, type EntityManager, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import type { CatalogueItem } from '../../../domain/daiban/catalogue';
import type { Daiban, DaibanOrigin, DaibanState } from '../../../domain/daiban/daiban';
import type { DaibanListQuery, DaibanPhoto, DaibanRecord, DaibanRepo, DaibanStep } from '../../../bot/daiban/ports';
import type { PiiVault } from '../pii/vault';
import { DaibanItemSchema, DaibanPhotoSchema, DaibanSchema, DaibanStepSchema, type DaibanRow } from '../schemas/daiban';

/** The field a photo reference is sealed for (a value moved to another column does not open). */
export const DAIBAN_PHOTO_FIELD = 'daiban.photo';

function toRecord(r: DaibanRow): DaibanRecord {
  return {
    id: r.id,
    number: r.number,
    item: r.item,
    materials: JSON.parse(r.materials) as string[],
    ticked: JSON.parse(r.ticked) as number[],
    office: r.office,
    limitDays: r.limitDays,
    householdId: r.householdId,
    unitId: r.unitId,
    unitPath: r.unitPath,
    handlerId: r.handlerId,
    origin: r.origin as DaibanOrigin,
    state: r.state as DaibanState,
    note: r.note,
    registeredAt: r.registeredAt,
    acceptedAt: r.acceptedAt,
    completeAt: r.completeAt,
    submittedAt: r.submittedAt,
    submittedOn: r.submittedOn,
    submittedOffice: r.submittedOffice,
    closedAt: r.closedAt,
    returnReason: r.returnReason,
    deadline: r.deadline,
    deadlineVersion: r.deadlineVersion,
  };
}

function toRow(d: Daiban): Omit<DaibanRow, 'id'> {
  return { ...d, materials: JSON.stringify(d.materials), ticked: JSON.stringify(d.ticked) };
}

function withinScopes<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string, scopes: string[]): SelectQueryBuilder<T> {
  if (scopes.length === 0) return qb.andWhere('1 = 0');
  // Paths are digits and slashes: nothing to escape.
  return qb.andWhere(new Brackets((b) => scopes.forEach((scope, i) => b.orWhere(`${column} LIKE :scope${i}`, { [`scope${i}`]: `${scope}%` }))));
}

export class TypeOrmDaibanRepo implements DaibanRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: PiiVault,
  ) {}

  private get canLock(): boolean {
    return this.em.connection.options.type === 'mysql';
  }

  async catalogue(): Promise<CatalogueItem[]> {
    const rows = await this.em.getRepository(DaibanItemSchema).find({ order: { id: 'ASC' } });
    return rows.map((r) => ({ name: r.name, materials: JSON.parse(r.materials) as string[], office: r.office, limitDays: r.limitDays }));
  }

  async putItem(item: CatalogueItem, now: Date): Promise<void> {
    const repo = this.em.getRepository(DaibanItemSchema);
    const values = { materials: JSON.stringify(item.materials), office: item.office, limitDays: item.limitDays, updatedAt: now };
    const existing = await repo.findOne({ where: { name: item.name } });
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ name: item.name, ...values });
  }

  async removeItem(name: string): Promise<boolean> {
    const result = await this.em.getRepository(DaibanItemSchema).delete({ name });
    return (result.affected ?? 0) > 0;
  }

  async create(d: Daiban): Promise<DaibanRecord> {
    const result = await this.em.getRepository(DaibanSchema).insert(toRow(d));
    return { ...d, id: Number(result.identifiers[0].id) };
  }

  async byNumber(number: string, forUpdate = false): Promise<DaibanRecord | null> {
    const row = await this.em.getRepository(DaibanSchema).findOne({ where: { number }, ...(forUpdate && this.canLock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return row ? toRecord(row) : null;
  }

  async save(d: DaibanRecord): Promise<void> {
    const { id, ...rest } = d;
    await this.em.getRepository(DaibanSchema).update({ id }, toRow(rest));
  }

  async list(query: DaibanListQuery): Promise<DaibanRecord[]> {
    const qb = withinScopes(this.em.getRepository(DaibanSchema).createQueryBuilder('d'), 'd.unit_path', query.scopes);
    if (query.handlerId !== undefined) qb.andWhere('d.handler_id = :handler', { handler: query.handlerId });
    if (query.states) qb.andWhere(query.states.length ? 'd.state IN (:...states)' : '1 = 0', { states: [...query.states] });
    return (await qb.orderBy('d.id', 'DESC').take(query.limit).getMany()).map(toRecord);
  }

  async touching(scopes: string[], start: Date, end: Date): Promise<DaibanRecord[]> {
    const qb = withinScopes(this.em.getRepository(DaibanSchema).createQueryBuilder('d'), 'd.unit_path', scopes);
    qb.andWhere(
      new Brackets((b) => {
        for (const column of ['registered_at', 'deadline', 'closed_at']) b.orWhere(`(d.${column} >= :start AND d.${column} < :end)`, { start, end });
      }),
    );
    return (await qb.orderBy('d.id', 'ASC').getMany()).map(toRecord);
  }

  async addStep(daibanId: number, step: DaibanStep): Promise<void> {
    await this.em.getRepository(DaibanStepSchema).insert({ daibanId, ...step, note: step.note === null ? null : [...step.note].slice(0, 500).join('') });
  }

  async steps(daibanId: number): Promise<DaibanStep[]> {
    const rows = await this.em.getRepository(DaibanStepSchema).find({ where: { daibanId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ at: r.at, action: r.action, memberId: r.memberId, note: r.note }));
  }

  async addPhotos(daibanId: number, refs: string[], memberId: number, at: Date): Promise<void> {
    if (!refs.length) return;
    await this.em.getRepository(DaibanPhotoSchema).insert(refs.map((ref) => ({ daibanId, refSealed: this.vault.seal(DAIBAN_PHOTO_FIELD, ref), memberId, at })));
  }

  async photos(daibanId: number): Promise<DaibanPhoto[]> {
    const rows = await this.em.getRepository(DaibanPhotoSchema).find({ where: { daibanId: In([daibanId]) }, order: { id: 'ASC' } });
    return rows.map((r) => ({ id: r.id, daibanId: r.daibanId, ref: this.vault.open(DAIBAN_PHOTO_FIELD, r.refSealed), memberId: r.memberId, at: r.at }));
  }
}
