/**
 * What every message reads again and again (the sender with their roles, the conversation's unit,
 * the audience of a notification, the settings), kept by the process between transactions and
 * checked against the `read_version` rows (migrations 1764004100000 and 1764004200000), which
 * triggers bump in the same transaction as any change to those tables. A transaction reads the
 * versions once, on its first cached lookup; while they match what the process holds, lookups cost
 * no statement.
 *
 * - A transaction that has written any of those tables (markDirty) reads that scope through for
 *   the rest of its life and stores nothing of it: it must see its own uncommitted rows, and others
 *   must not.
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

/**
 * What a cached value depends on, each with its own version row: the organisation (members, roles,
 * units, bindings, resident groups, settings) and the dialog states. A dialog step, which happens
 * all day long, drops only the dialog states a process holds, not its organisation.
 */
export type ReadScope = 'org' | 'dialog';
const SCOPES: readonly ReadScope[] = ['org', 'dialog'];

/** The values held for one scope, at one version. */
class ScopeHold {
  version: number | null = null;
  readonly values = new Map<string, unknown>();

  at(version: number): Map<string, unknown> | null {
    if (this.version !== null && version < this.version) return null;
    if (this.version !== version) {
      this.values.clear();
      this.version = version;
    }
    if (this.values.size > MAX_ENTRIES) this.values.clear();
    return this.values;
  }
}

export class SharedReads {
  private readonly holds: Record<ReadScope, ScopeHold> = { org: new ScopeHold(), dialog: new ScopeHold() };

  /**
   * The values of `version` of a scope; what was held for an older one is dropped. A transaction
   * that still sees an older version than the process (it began before the change) gets nothing to share.
   */
  at(version: number, scope: ReadScope = 'org'): Map<string, unknown> | null {
    return this.holds[scope].at(version);
  }

  /** The newest versions this process has read of every scope, or null until it has read both. */
  known(): Record<ReadScope, number> | null {
    const { org, dialog } = this.holds;
    return org.version === null || dialog.version === null ? null : { org: org.version, dialog: dialog.version };
  }

  /** The entry held for `key` at the version last read, to adjust in place (a touch's last_seen_at). */
  peek(key: string, scope: ReadScope = 'org'): unknown {
    return this.holds[scope].values.get(key);
  }
}

/** The statement that reads both versions. */
export const READ_VERSIONS = "SELECT name, value FROM read_version WHERE name IN ('org', 'dialog')";
export type VersionRow = { name: string; value: unknown };

export function versionsOf(rows: readonly VersionRow[]): Record<ReadScope, number> {
  const found = new Map(rows.map((r) => [r.name, Number(r.value)]));
  return { org: found.get('org') ?? 0, dialog: found.get('dialog') ?? 0 };
}

export class TxReads {
  private versions: Promise<Record<ReadScope, number>> | null = null;
  private readonly dirty = new Set<ReadScope>();

  constructor(
    private readonly em: EntityManager,
    readonly shared: SharedReads,
    /** The versions when the transaction read them already (with its claim, on MySQL). */
    known?: Record<ReadScope, number>,
  ) {
    if (known) this.versions = Promise.resolve(known);
  }

  /** This transaction wrote rows of the scope: it reads them through from now on. */
  markDirty(scope: ReadScope = 'org'): void {
    this.dirty.add(scope);
  }

  /** Both versions, in one statement, once per transaction. */
  private currentVersions(): Promise<Record<ReadScope, number>> {
    if (!this.versions) {
      this.versions = this.em.query(READ_VERSIONS).then((rows: VersionRow[]) => versionsOf(rows));
      this.versions.catch(() => (this.versions = null));
    }
    return this.versions;
  }

  /** `load()` once per version of its scope across the process; a copy of the value. */
  async get<T>(key: string, load: () => Promise<T>, scope: ReadScope = 'org'): Promise<T> {
    if (this.dirty.has(scope)) return load();
    const version = (await this.currentVersions())[scope];
    const held = this.shared.at(version, scope);
    if (held?.has(key)) return copy(held.get(key) as T);
    const value = await load();
    if (!this.dirty.has(scope)) this.shared.at(version, scope)?.set(key, copy(value));
    return value;
  }
}

/** Reads straight through: tools and tests that build a repository without a process cache. */
export const readThrough = (em: EntityManager): TxReads => {
  const reads = new TxReads(em, new SharedReads());
  for (const scope of SCOPES) reads.markDirty(scope);
  return reads;
};
