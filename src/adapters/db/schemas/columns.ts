/** Column shapes shared by every table mapping, so SQLite and MySQL see the same types. */
import type { EntitySchemaColumnOptions } from 'typeorm';

export const idColumn: EntitySchemaColumnOptions = { type: 'integer', primary: true, generated: 'increment' };

/** All times are stored in UTC, millisecond precision. */
export function dateColumn(name: string, nullable = false): EntitySchemaColumnOptions {
  return { name, type: 'datetime', precision: 3, nullable };
}
