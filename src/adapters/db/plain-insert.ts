/**
 * One INSERT of one row, built once per table and set of columns from TypeORM's own metadata (its
 * column names, its quoting, its value conversion for the driver in use), for the rows every
 * message writes. TypeORM's insert builder rebuilds the statement each time, which costs more CPU
 * than the statement itself (docs/decisions.md). A value may be a function returning an SQL
 * expression, as with TypeORM's insert, or an SQL expression with its own parameters.
 */
import type { EntityManager, EntitySchema } from 'typeorm';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata.js';
import { LeanMysqlQueryRunner } from './lean-query-runner';

/** An SQL expression as a column's value, its `?` bound to `params` (the statement stays cacheable). */
export interface SqlExpression {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export type Values<T> = { [K in keyof T]?: T[K] | (() => string) | SqlExpression };

function isExpression(value: unknown): value is SqlExpression {
  return typeof value === 'object' && value !== null && typeof (value as SqlExpression).sql === 'string' && Array.isArray((value as SqlExpression).params);
}

const statements = new WeakMap<EntityMetadata, Map<string, string>>();

/** Inserts the row; resolves to the generated id, or null when the table has none. */
export async function plainInsert<T>(em: EntityManager, schema: EntitySchema<T>, values: Values<T>): Promise<number | null> {
  const { metadata, sql, params } = insertOf(em, schema, values);
  const raw = await em.query(sql, params);
  if (!metadata.generatedColumns.length) return null;
  const id = typeof raw === 'number' || typeof raw === 'bigint' ? Number(raw) : Number((raw as { insertId?: number } | null)?.insertId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`no generated id from the insert into ${metadata.tableName}`);
  return id;
}

/**
 * Inserts a row nobody reads back in this transaction (no id wanted): on MySQL it goes with the
 * transaction's next statement, in the same round trip (lean-query-runner.ts); elsewhere at once.
 */
export async function plainInsertLater<T>(em: EntityManager, schema: EntitySchema<T>, values: Values<T>): Promise<void> {
  const { sql, params } = insertOf(em, schema, values);
  if (em.queryRunner instanceof LeanMysqlQueryRunner) await em.queryRunner.deferWrite(sql, params);
  else await em.query(sql, params);
}

/** The INSERT of one row and its parameters, for a caller that sends it with other statements. */
export function insertOf<T>(em: EntityManager, schema: EntitySchema<T>, values: Values<T>): { metadata: EntityMetadata; sql: string; params: unknown[] } {
  const metadata = em.connection.getMetadata(schema);
  const driver = em.connection.driver;
  const given = metadata.columns.filter((c) => (values as Record<string, unknown>)[c.propertyName] !== undefined);
  // Expressions made by functions are part of the statement: it is cached only when there are none.
  const built = given.some((c) => typeof (values as Record<string, unknown>)[c.propertyName] === 'function');
  const shape = given
    .map((c) => {
      const value = (values as Record<string, unknown>)[c.propertyName];
      return isExpression(value) ? `${c.propertyName}=${value.sql}` : c.propertyName;
    })
    .join(',');
  let byShape = statements.get(metadata);
  if (!byShape) statements.set(metadata, (byShape = new Map()));
  const params: unknown[] = [];
  const placeholders: string[] = [];
  for (const column of given) {
    const value = (values as Record<string, unknown>)[column.propertyName];
    if (typeof value === 'function') {
      placeholders.push((value as () => string)());
    } else if (isExpression(value)) {
      placeholders.push(value.sql);
      params.push(...value.params);
    } else {
      placeholders.push('?');
      params.push(driver.preparePersistentValue(value, column));
    }
  }
  let sql = built ? undefined : byShape.get(shape);
  if (!sql) {
    sql = `INSERT INTO ${driver.escape(metadata.tableName)} (${given.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES (${placeholders.join(', ')})`;
    if (!built) byShape.set(shape, sql);
  }
  return { metadata, sql, params };
}
