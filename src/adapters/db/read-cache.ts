/**
 * What every message reads again and again (the sender with their roles, the conversation's unit,
 * the audience of a notification, the settings), kept by the process between transactions and
 * checked against the `read_version` row (migration 1764004100000), which triggers bump in the
 * same transaction as any change to those tables. A transaction reads the version once, on its
 * first cached lookup; while it matches what the process holds, lookups cost no statement.
 *
 * - A transaction that has written any of those tables (markDirty) reads through for the rest of
 *   its life and stores nothing: it must see its own uncommitted rows, and others must not.
 * - A value is stored under the version read before it, so it is never older than that version;
 *   a newer value under an older version is dropped when the newer version is read.
 * - Values handed out are copies: a caller may change what it receives.
 */
import type { EntityManager } from 'typeorm';

/** More entries than this and the process starts over (an organisation is far smaller). */
const MAX_ENTRIES = 20_000;

/** A deep copy of plain rows (objects, arrays, dates, scalars), dates as dates of this realm. */
function copy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') return new Date((value as unknown as Date).getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copy(v);
  return out as T;
}

export class SharedReads {
  private version: number | null = null;
  private readonly values = new Map<string, unknown>();

  /**
   * The values of `version`; what was held for an older one is dropped. A transaction that still
   * sees an older version than the process (it began before the change) gets nothing to share.
   */
  at(version: number): Map<string, unknown> | null {
    if (this.version !== null && version < this.version) return null;
    if (this.version !== version) {
      this.values.clear();
      this.version = version;
    }
    if (this.values.size > MAX_ENTRIES) this.values.clear();
    return this.values;
  }

  /** The entry held for `key` at the version last read, to adjust in place (a touch's last_seen_at). */
  peek(key: string): unknown {
    return this.values.get(key);
  }
}

export class TxReads {
  private version: Promise<number> | null = null;
  private dirty = false;

  constructor(
    private readonly em: EntityManager,
    readonly shared: SharedReads,
  ) {}

  /** This transaction wrote organisation, binding or setting rows: read through from now on. */
  markDirty(): void {
    this.dirty = true;
  }

  private currentVersion(): Promise<number> {
    if (!this.version) {
      this.version = this.em.query("SELECT value FROM read_version WHERE name = 'org'").then((rows: { value: unknown }[]) => Number(rows[0]?.value ?? 0));
      this.version.catch(() => (this.version = null));
    }
    return this.version;
  }

  /** `load()` once per version across the process; a copy of the value. */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.dirty) return load();
    const version = await this.currentVersion();
    const held = this.shared.at(version);
    if (held?.has(key)) return copy(held.get(key) as T);
    const value = await load();
    if (!this.dirty) this.shared.at(version)?.set(key, copy(value));
    return value;
  }
}

/** Reads straight through: tools and tests that build a repository without a process cache. */
export const readThrough = (em: EntityManager): TxReads => {
  const reads = new TxReads(em, new SharedReads());
  reads.markDirty();
  return reads;
};
