/** Dialog state, settings, the audit log and named counters, on TypeORM. */
import type { EntityManager } from 'typeorm';
import type { AuditRepo, DialogRepo, DialogState, SequenceRepo, SettingsRepo } from '../../../bot/ports';
import { AuditLogSchema, DialogStateSchema, SequenceSchema, SettingSchema } from '../schemas/core';
import { readDate } from '../raw-date';

export class TypeOrmDialogRepo implements DialogRepo {
  constructor(private readonly em: EntityManager) {}

  /** Read on every message: plain SQL, no query building. */
  async get(key: string, now: Date): Promise<DialogState | null> {
    const [row] = (await this.em.query('SELECT kind, data, expires_at AS expiresAt FROM dialog_state WHERE `key` = ?', [key])) as { kind: string; data: string; expiresAt: unknown }[];
    const expiresAt = row ? readDate(row.expiresAt) : null;
    if (!row || !expiresAt || expiresAt.getTime() <= now.getTime()) return null;
    return { kind: row.kind, data: JSON.parse(row.data) as Record<string, unknown>, expiresAt };
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

  async texts(keys: readonly string[]): Promise<(string | null)[]> {
    if (!keys.length) return [];
    const rows = (await this.em.query(`SELECT \`key\` AS k, value AS v FROM setting WHERE \`key\` IN (${keys.map(() => '?').join(', ')})`, [...keys])) as { k: string; v: string }[];
    const found = new Map(rows.map((r) => [r.k, r.v]));
    return keys.map((k) => found.get(k) ?? null);
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
    // One atomic upsert, then a read of the row this transaction now holds locked. The former
    // update-then-insert raced on MySQL/MariaDB: two first uses of a name deadlocked on the gap
    // lock, the swallowed error left the rest running outside the transaction, and numbers repeated.
    const mysql = this.em.connection.options.type === 'mysql';
    await this.em.query(
      mysql
        ? 'INSERT INTO `sequence` (`name`, `value`) VALUES (?, 1) ON DUPLICATE KEY UPDATE `value` = `value` + 1'
        : 'INSERT INTO "sequence" ("name", "value") VALUES (?, 1) ON CONFLICT ("name") DO UPDATE SET "value" = "value" + 1',
      [name],
    );
    const row = await this.em.getRepository(SequenceSchema).findOneOrFail({ where: { name }, ...(mysql ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return row.value;
  }
}
