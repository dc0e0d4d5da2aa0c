/** The outbox table, for the job layer's dispatcher and senders. */
import { IsNull, LessThan, type DataSource } from 'typeorm';
import type { OutboxStore, StoredOutboxRow } from '../../jobs/outbox-store';
import { OutboxSchema, type OutboxRow } from './schemas/core';
import { NO_VAULT, type PiiVault } from './pii/vault';
import { openPayload } from './pii/outbox-seal';
import { writeDate } from './raw-date';

/** Sent rows marked in one statement at most. */
const MARK_SENT_BATCH = 200;

export class TypeOrmOutboxStore implements OutboxStore {
  constructor(
    private readonly dataSource: DataSource,
    /** Serialises access on SQLite, shared with the unit of work. */
    private readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
    /** Opens message payloads the unit of work sealed. */
    private readonly vault: PiiVault = NO_VAULT,
  ) {}

  private opened = (row: OutboxRow | null): StoredOutboxRow | null => (row ? { ...row, payload: openPayload(this.vault, row.payload), stored: row.payload } : null);

  private repo = () => this.dataSource.getRepository(OutboxSchema);

  load(id: string): Promise<StoredOutboxRow | null> {
    return this.exclusive(async () => this.opened(await this.repo().findOne({ where: { id } })));
  }

  open(stored: string): string {
    return openPayload(this.vault, stored);
  }

  // The marks run for every message sent: plain SQL, as TypeORM's update builder costs more CPU
  // than the statement (docs/decisions.md).
  async markDispatched(ids: string[], now: Date): Promise<void> {
    if (!ids.length) return;
    const at = writeDate(this.dataSource.manager, now);
    await this.exclusive(() => this.dataSource.query(`UPDATE outbox SET dispatched_at = ? WHERE id IN (${ids.map(() => '?').join(', ')}) AND dispatched_at IS NULL`, [at, ...ids]));
  }

  /**
   * Rows whose sends finished while an earlier mark was being written: they are marked together
   * in one statement as soon as it is done. Each caller still resolves only once its own row is
   * written (a send job completes after its row says sent), and a lone send waits for nothing.
   */
  private sent: { id: string; now: Date; done(err?: unknown): void }[] = [];
  private markingSent = false;

  markSent(id: string, now: Date): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sent.push({ id, now, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.markingSent) void this.writeSent();
    });
  }

  private async writeSent(): Promise<void> {
    this.markingSent = true;
    while (this.sent.length) {
      const batch = this.sent.splice(0, MARK_SENT_BATCH);
      const now = new Date(Math.max(...batch.map((b) => b.now.getTime())));
      try {
        const at = writeDate(this.dataSource.manager, now);
        await this.exclusive(() =>
          this.dataSource.query(`UPDATE outbox SET status = 'sent', sent_at = ?, dispatched_at = COALESCE(dispatched_at, ?) WHERE id IN (${batch.map(() => '?').join(', ')})`, [
            at,
            at,
            ...batch.map((b) => b.id),
          ]),
        );
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err ?? new Error('marking sent failed'));
      }
    }
    this.markingSent = false;
  }

  async markFailed(id: string, error: string, now: Date): Promise<void> {
    await this.exclusive(() => this.repo().update({ id }, { status: 'failed', lastError: error.slice(0, 2000), sentAt: null, dispatchedAt: now }));
  }

  async recordAttempt(id: string, error: string): Promise<void> {
    await this.exclusive(async () => {
      await this.repo().increment({ id }, 'attempts', 1);
      await this.repo().update({ id }, { lastError: error.slice(0, 2000) });
    });
  }

  undispatched(createdBefore: Date, limit: number): Promise<StoredOutboxRow[]> {
    return this.exclusive(async () =>
      (await this.repo().find({ where: { dispatchedAt: IsNull(), createdAt: LessThan(createdBefore) }, order: { createdAt: 'ASC' }, take: limit })).map((r) => this.opened(r)!),
    );
  }
}
