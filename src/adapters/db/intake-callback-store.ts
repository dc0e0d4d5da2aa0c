/**
 * The intake callbacks' rows outside any message's transaction: which changes are still to hand to
 * the queue, which of an order are still to deliver (in sequence), and a per-order claim so two
 * workers never post one order's changes at once (which would break their order).
 */
import { IsNull, LessThan, LessThanOrEqual, type DataSource } from 'typeorm';
import type { CallbackJob, PendingCallbacks } from '../../jobs/intake-callbacks';
import { IntakeCallbackSchema, IntakeClientSchema, IntakeOrderSchema, type IntakeCallbackRow } from './schemas/intake';
import type { PiiVault } from './pii/vault';

/** How long a claim holds if its holder dies mid-delivery (longer than a few posts' timeouts). */
const CLAIM_MS = 60_000;

export interface DeliveryTarget {
  orderId: number;
  url: string | null;
  secret: string;
}

export class TypeOrmIntakeCallbackStore implements PendingCallbacks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly vault: PiiVault,
  ) {}

  async undispatched(limit: number): Promise<(CallbackJob & { id: number })[]> {
    return this.exclusive(async () => {
      const rows = await this.dataSource.getRepository(IntakeCallbackSchema).find({ where: { enqueuedAt: IsNull() }, order: { id: 'ASC' }, take: limit });
      const out: (CallbackJob & { id: number })[] = [];
      for (const r of rows) {
        const order = await this.dataSource.getRepository(IntakeOrderSchema).findOne({ where: { id: r.orderId } });
        if (!order) continue;
        out.push({ id: r.id, clientId: order.clientId, externalId: order.externalId, seq: r.seq, status: r.status, url: '', body: r.body });
      }
      return out;
    });
  }

  async markDispatched(id: number): Promise<void> {
    await this.exclusive(() => this.dataSource.getRepository(IntakeCallbackSchema).update({ id }, { enqueuedAt: new Date() }));
  }

  /** The order and where its client wants to hear (null: no callback URL or the client revoked). */
  async target(clientId: number, externalId: string): Promise<DeliveryTarget | null> {
    return this.exclusive(async () => {
      const order = await this.dataSource.getRepository(IntakeOrderSchema).findOne({ where: { clientId, externalId } });
      const client = await this.dataSource.getRepository(IntakeClientSchema).findOne({ where: { id: clientId } });
      if (!order || !client) return null;
      return { orderId: order.id, url: client.revokedAt ? null : client.callbackUrl, secret: this.vault.open('intake.secret', client.signingSecret) };
    });
  }

  /** Claims an order's deliveries for this worker; false when another holds them. */
  async claim(orderId: number, now: Date): Promise<boolean> {
    return this.exclusive(async () => {
      const repo = this.dataSource.getRepository(IntakeOrderSchema);
      const until = new Date(now.getTime() + CLAIM_MS);
      const free = await repo.update({ id: orderId, callbackLockUntil: IsNull() }, { callbackLockUntil: until });
      if ((free.affected ?? 0) > 0) return true;
      const stale = await repo.update({ id: orderId, callbackLockUntil: LessThan(now) }, { callbackLockUntil: until });
      return (stale.affected ?? 0) > 0;
    });
  }

  async release(orderId: number): Promise<void> {
    await this.exclusive(() => this.dataSource.getRepository(IntakeOrderSchema).update({ id: orderId }, { callbackLockUntil: null }));
  }

  /** The order's changes up to `seq` not yet delivered, in sequence. */
  async undelivered(orderId: number, seq: number): Promise<IntakeCallbackRow[]> {
    return this.exclusive(() => this.dataSource.getRepository(IntakeCallbackSchema).find({ where: { orderId, seq: LessThanOrEqual(seq), deliveredAt: IsNull() }, order: { seq: 'ASC' } }));
  }

  async attempted(id: number, outcome: string, delivered: Date | null): Promise<number> {
    return this.exclusive(async () => {
      const repo = this.dataSource.getRepository(IntakeCallbackSchema);
      await repo.increment({ id }, 'attempts', 1);
      await repo.update({ id }, { lastOutcome: outcome.slice(0, 64), ...(delivered ? { deliveredAt: delivered } : {}) });
      return (await repo.findOneOrFail({ where: { id } })).attempts;
    });
  }
}
