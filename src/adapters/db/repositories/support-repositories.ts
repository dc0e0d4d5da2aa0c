/** Dialog state, settings, the audit log and named counters, on TypeORM. */
import type { EntityManager } from 'typeorm';
import type { AuditRepo, DialogRepo, DialogState, SequenceRepo, SettingsRepo } from '../../../bot/ports';
import { AuditLogSchema, DialogStateSchema, SequenceSchema, SettingSchema } from '../schemas/core';

export class TypeOrmDialogRepo implements DialogRepo {
  constructor(private readonly em: EntityManager) {}

  async get(key: string, now: Date): Promise<DialogState | null> {
    const row = await this.em.getRepository(DialogStateSchema).findOne({ where: { key } });
    if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
    return { kind: row.kind, data: JSON.parse(row.data) as Record<string, unknown>, expiresAt: row.expiresAt };
  }

  async put(key: string, state: DialogState, now: Date): Promise<void> {
    await this.em.getRepository(DialogStateSchema).save({ key, kind: state.kind, data: JSON.stringify(state.data), expiresAt: state.expiresAt, updatedAt: now });
  }

  async clear(key: string): Promise<void> {
    await this.em.getRepository(DialogStateSchema).delete({ key });
  }
}

export class TypeOrmSettingsRepo implements SettingsRepo {
  constructor(private readonly em: EntityManager) {}

  async get<T>(key: string): Promise<T | null> {
    const row = await this.em.getRepository(SettingSchema).findOne({ where: { key } });
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async put(key: string, value: unknown, now: Date): Promise<void> {
    await this.em.getRepository(SettingSchema).save({ key, value: JSON.stringify(value), updatedAt: now });
  }
}

export class TypeOrmAuditRepo implements AuditRepo {
  constructor(private readonly em: EntityManager) {}

  async record(entry: { at: Date; actorMemberId: number | null; action: string; target?: string; detail?: unknown }): Promise<void> {
    await this.em.getRepository(AuditLogSchema).insert({
      at: entry.at,
      actorMemberId: entry.actorMemberId,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    });
  }
}

export class TypeOrmSequenceRepo implements SequenceRepo {
  constructor(private readonly em: EntityManager) {}

  async next(name: string): Promise<number> {
    const repo = this.em.getRepository(SequenceSchema);
    // Insert-or-increment; inside the handling transaction the row lock serialises writers.
    const updated = await repo.increment({ name }, 'value', 1);
    if ((updated.affected ?? 0) === 0) {
      try {
        await repo.insert({ name, value: 1 });
        return 1;
      } catch {
        await repo.increment({ name }, 'value', 1);
      }
    }
    const row = await repo.findOneOrFail({ where: { name } });
    return row.value;
  }
}
