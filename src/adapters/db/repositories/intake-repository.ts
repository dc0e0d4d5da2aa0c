/** The intake's tables on TypeORM: rows ↔ the intake area's records; secrets and contacts sealed with the PII vault. */
import { Between, In, IsNull, LessThanOrEqual, MoreThanOrEqual, Not, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { IntakeClient, IntakeOrderRecord, IntakeRepo, NewIntakeOrder, OrderFilter, OrderSource, OrderStatus } from '../../../bot/intake/ports';
import { GridAddressWordSchema, IntakeCallbackSchema, IntakeClientSchema, IntakeOrderSchema, type IntakeClientRow, type IntakeOrderRow } from '../schemas/intake';
import type { PiiVault } from '../pii/vault';

const CLOSED: OrderStatus[] = ['closed', 'rated', 'returned'];

export class TypeOrmIntakeRepo implements IntakeRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: PiiVault,
  ) {}

  private clientsRepo = () => this.em.getRepository(IntakeClientSchema);
  private ordersRepo = () => this.em.getRepository(IntakeOrderSchema);

  private toClient = (r: IntakeClientRow): IntakeClient => ({
    id: r.id,
    name: r.name,
    keyHash: r.keyHash,
    signingSecret: this.vault.open('intake.secret', r.signingSecret),
    callbackUrl: r.callbackUrl,
    unitId: r.unitId,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
  });

  private toOrder = (r: IntakeOrderRow): IntakeOrderRecord => ({
    id: r.id,
    clientId: r.clientId,
    externalId: r.externalId,
    source: r.source as OrderSource,
    serviceCode: r.serviceCode,
    category: r.category,
    description: r.description,
    address: r.address,
    latitude: r.latitude,
    longitude: r.longitude,
    hasContact: r.contact !== null,
    deadline: r.deadline,
    eventId: r.eventId,
    inboxUnitId: r.inboxUnitId,
    placement: r.placement,
    status: r.status as OrderStatus,
    callbackSeq: r.callbackSeq,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });

  async createClient(input: Omit<IntakeClient, 'id' | 'revokedAt'> & { createdBy: number | null }): Promise<IntakeClient> {
    const saved = await this.clientsRepo().save({ ...input, signingSecret: this.vault.seal('intake.secret', input.signingSecret), revokedAt: null });
    return this.toClient(saved as IntakeClientRow);
  }

  async clients(): Promise<IntakeClient[]> {
    return (await this.clientsRepo().find({ order: { id: 'ASC' } })).map(this.toClient);
  }

  async client(id: number): Promise<IntakeClient | null> {
    const row = await this.clientsRepo().findOne({ where: { id } });
    return row ? this.toClient(row) : null;
  }

  async clientByKeyHash(keyHash: string): Promise<IntakeClient | null> {
    const row = await this.clientsRepo().findOne({ where: { keyHash, revokedAt: IsNull() } });
    return row ? this.toClient(row) : null;
  }

  async revokeClient(id: number, now: Date): Promise<boolean> {
    return ((await this.clientsRepo().update({ id, revokedAt: IsNull() }, { revokedAt: now })).affected ?? 0) > 0;
  }

  async orderByExternalId(clientId: number, externalId: string): Promise<IntakeOrderRecord | null> {
    const row = await this.ordersRepo().findOne({ where: { clientId, externalId } });
    return row ? this.toOrder(row) : null;
  }

  async order(id: number): Promise<IntakeOrderRecord | null> {
    const row = await this.ordersRepo().findOne({ where: { id } });
    return row ? this.toOrder(row) : null;
  }

  async orderOfEvent(eventId: number): Promise<IntakeOrderRecord | null> {
    const row = await this.ordersRepo().findOne({ where: { eventId } });
    return row ? this.toOrder(row) : null;
  }

  async createOrder(order: NewIntakeOrder): Promise<IntakeOrderRecord> {
    const saved = await this.ordersRepo().save({
      ...order,
      // Sealed on the way in and never opened on a read (see IntakeOrderRecord.hasContact).
      contact: order.contact ? this.vault.seal('intake.contact', JSON.stringify(order.contact)) : null,
      callbackSeq: 0,
      callbackLockUntil: null,
      updatedAt: order.createdAt,
    });
    return this.toOrder(saved as IntakeOrderRow);
  }

  async placeOrder(orderId: number, eventId: number, placement: string, now: Date): Promise<void> {
    await this.ordersRepo().update({ id: orderId }, { eventId, placement, inboxUnitId: null, updatedAt: now });
  }

  async ordersOf(clientId: number, filter: OrderFilter): Promise<IntakeOrderRecord[]> {
    const where: FindOptionsWhere<IntakeOrderRow> = { clientId };
    if (filter.ids) where.id = In(filter.ids.length ? filter.ids : [-1]);
    if (filter.serviceCode) where.serviceCode = filter.serviceCode;
    if (filter.status === 'closed') where.status = In(CLOSED);
    if (filter.status === 'open') where.status = Not(In(CLOSED));
    if (filter.start && filter.end) where.createdAt = Between(filter.start, filter.end);
    else if (filter.start) where.createdAt = MoreThanOrEqual(filter.start);
    else if (filter.end) where.createdAt = LessThanOrEqual(filter.end);
    const rows = await this.ordersRepo().find({ where, order: { id: 'DESC' }, take: filter.limit });
    return rows.map(this.toOrder);
  }

  async inbox(unitIds: number[]): Promise<IntakeOrderRecord[]> {
    if (!unitIds.length) return [];
    return (await this.ordersRepo().find({ where: { inboxUnitId: In(unitIds), eventId: IsNull() }, order: { id: 'ASC' }, take: 50 })).map(this.toOrder);
  }

  async addStatusChange(orderId: number, status: OrderStatus, body: (seq: number) => string, now: Date): Promise<number> {
    // The increment is one statement, so two changes of one order in concurrent transactions get two numbers.
    await this.ordersRepo().increment({ id: orderId }, 'callbackSeq', 1);
    await this.ordersRepo().update({ id: orderId }, { status, updatedAt: now });
    const row = await this.ordersRepo().findOneOrFail({ where: { id: orderId } });
    const seq = row.callbackSeq;
    await this.em.getRepository(IntakeCallbackSchema).insert({ orderId, seq, status, body: body(seq), createdAt: now, enqueuedAt: null, deliveredAt: null, attempts: 0, lastOutcome: null });
    return seq;
  }

  async addressWords(unitIds: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!unitIds.length) return out;
    for (const r of await this.em.getRepository(GridAddressWordSchema).find({ where: { unitId: In(unitIds) } })) out.set(r.unitId, [...(out.get(r.unitId) ?? []), r.word]);
    return out;
  }

  async setAddressWords(unitId: number, words: string[], now: Date): Promise<void> {
    const repo = this.em.getRepository(GridAddressWordSchema);
    await repo.delete({ unitId });
    if (words.length) await repo.insert(words.map((word) => ({ unitId, word, createdAt: now })));
  }
}
