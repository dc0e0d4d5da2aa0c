import type { EntityManager } from 'typeorm';

/** A DATETIME from a raw query: a Date on MySQL, a UTC text on SQLite. */
export function readDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const text = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** A DATETIME parameter of a raw query: a Date for mysql2, TypeORM's UTC text on SQLite. */
export function writeDate(em: EntityManager, d: Date): Date | string {
  return em.connection.options.type === 'better-sqlite3' ? d.toISOString().replace('T', ' ').replace('Z', '') : d;
}
