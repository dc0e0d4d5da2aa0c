/** Dialog state, settings, the audit log and named counters, on TypeORM. */
import type { EntityManager, EntitySchema } from 'typeorm';
import type { AuditRepo, DialogRepo, DialogState, SequenceRepo, SettingsRepo } from '../../../bot/ports';
import { DAILY_SEQUENCE_DIGITS, numberOf, type DailyNumbering } from '../../../domain/calendar/daily-number';
import { insertOf, plainInsert, type Values } from '../plain-insert';
import { AuditLogSchema, DialogStateSchema, SettingSchema } from '../schemas/core';
import { readDate } from '../raw-date';
import { readThrough, type TxReads } from '../read-cache';

/**
 * Asked on every message, and almost always there is none: kept by the process under the dialog
 * read version (read-cache.ts), which any write of dialog_state bumps (and only that: a dialog step
 * leaves the organisation a process holds alone), so a dialog begun through one process is found by
 * another on the next message.
 */
export class TypeOrmDialogRepo implements DialogRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly reads: TxReads = readThrough(em),
  ) {}

  async get(key: string, now: Date): Promise<DialogState | null> {
    const [row] = await this.reads.get(
      `dialog|${key}`,
      async () => (await this.em.query('SELECT kind, data, expires_at AS expiresAt FROM dialog_state WHERE `key` = ?', [key])) as { kind: string; data: string; expiresAt: unknown }[],
      'dialog',
    );
    const expiresAt = row ? readDate(row.expiresAt) : null;
    if (!row || !expiresAt || expiresAt.getTime() <= now.getTime()) return null;
    return { kind: row.kind, data: JSON.parse(row.data) as Record<string, unknown>, expiresAt };
  }

  async put(key: string, state: DialogState, now: Date): Promise<void> {
    this.reads.markDirty('dialog');
    // One statement (INSERT … ON DUPLICATE KEY UPDATE / ON CONFLICT), not a select and then a write.
    await this.em.getRepository(DialogStateSchema).upsert({ key, kind: state.kind, data: JSON.stringify(state.data), expiresAt: state.expiresAt, updatedAt: now }, ['key']);
  }

  async clear(key: string): Promise<void> {
    this.reads.markDirty('dialog');
    await this.em.getRepository(DialogStateSchema).delete({ key });
  }
}

/** Settings, kept by the process under the read version (read-cache.ts) like the organisation. */
export class TypeOrmSettingsRepo implements SettingsRepo {
  constructor(
    private readonly em: EntityManager,
    private readonly reads: TxReads = readThrough(em),
  ) {}

  async get<T>(key: string): Promise<T | null> {
    const [text] = await this.texts([key]);
    return text === null || text === undefined ? null : (JSON.parse(text) as T);
  }

  async texts(keys: readonly string[]): Promise<(string | null)[]> {
    if (!keys.length) return [];
    return this.reads.get(`settings|${JSON.stringify(keys)}`, async () => {
      const rows = (await this.em.query(`SELECT \`key\` AS k, value AS v FROM setting WHERE \`key\` IN (${keys.map(() => '?').join(', ')})`, [...keys])) as { k: string; v: string }[];
      const found = new Map(rows.map((r) => [r.k, r.v]));
      return keys.map((k) => found.get(k) ?? null);
    });
  }

  async put(key: string, value: unknown, now: Date): Promise<void> {
    this.reads.markDirty();
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

/** MariaDB/MySQL: the counter's next value, also left in LAST_INSERT_ID() for the connection. */
const MYSQL_NEXT = 'INSERT INTO `sequence` (`name`, `value`) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE `value` = LAST_INSERT_ID(`value` + 1)';

/**
 * MariaDB/MySQL: `numberOf` in SQL, from the value MYSQL_NEXT left in LAST_INSERT_ID() (which the
 * statement that uses it does not change, even when it generates an id of its own).
 */
const MYSQL_NUMBER = `CONCAT(?, LPAD(LAST_INSERT_ID(), GREATEST(${DAILY_SEQUENCE_DIGITS}, CHAR_LENGTH(LAST_INSERT_ID())), '0'))`;

export class TypeOrmSequenceRepo implements SequenceRepo {
  constructor(private readonly em: EntityManager) {}

  async next(name: string): Promise<number> {
    // One atomic upsert that also returns the value (the row stays locked by this transaction).
    // The former update-then-insert raced on MySQL/MariaDB: two first uses of a name deadlocked on
    // the gap lock, the swallowed error left the rest running outside the transaction, and numbers
    // repeated. MariaDB hands the value back through LAST_INSERT_ID(expr), SQLite through RETURNING.
    if (this.em.connection.options.type === 'mysql') {
      const result = (await this.em.query(MYSQL_NEXT, [name])) as { insertId: number | string };
      return Number(result.insertId);
    }
    const [row] = (await this.em.query('INSERT INTO "sequence" ("name", "value") VALUES (?, 1) ON CONFLICT ("name") DO UPDATE SET "value" = "value" + 1 RETURNING "value"', [name])) as { value: number }[];
    return Number(row.value);
  }
}

/**
 * Inserts a row numbered by the next value of a daily counter (`numbering`) in its `column`, and
 * resolves to its number and generated id. On MariaDB/MySQL the counter's step and the row go in one
 * round trip (it runs for every report), the number built in SQL by the rule of `numberOf`;
 * elsewhere the counter's step, then the row. Atomic with the transaction either way: a rollback
 * takes the number back with the row.
 */
export async function insertNumbered<T>(em: EntityManager, schema: EntitySchema<T>, values: Values<T>, column: keyof T & string, numbering: DailyNumbering): Promise<{ number: string; id: number }> {
  if (em.connection.options.type !== 'mysql') {
    const number = numberOf(numbering, await new TypeOrmSequenceRepo(em).next(numbering.counter));
    const id = await plainInsert(em, schema, { ...values, [column]: number });
    return { number, id: id! };
  }
  const { sql, params } = insertOf(em, schema, { ...values, [column]: { sql: MYSQL_NUMBER, params: [numbering.head] } });
  const [counted, inserted] = (await em.query(`${MYSQL_NEXT}; ${sql}`, [numbering.counter, ...params])) as { insertId: number | string }[];
  const id = Number(inserted?.insertId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('no generated id from a numbered insert');
  return { number: numberOf(numbering, Number(counted.insertId)), id };
}
