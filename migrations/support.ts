/**
 * Column builders for migrations: one vocabulary that TypeORM turns into the right DDL for
 * SQLite and for MySQL/MariaDB, so every migration runs on both.
 */
import { Table, TableIndex, type TableColumnOptions, type TableIndexOptions, type QueryRunner } from 'typeorm';

export const col = {
  id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
  str: (name: string, length: number, opts: { nullable?: boolean; primary?: boolean } = {}): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: opts.nullable ?? false,
    isPrimary: opts.primary ?? false,
  }),
  text: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  int: (name: string, opts: { nullable?: boolean; default?: number; primary?: boolean } = {}): TableColumnOptions => ({
    name,
    type: 'int',
    isNullable: opts.nullable ?? false,
    isPrimary: opts.primary ?? false,
    ...(opts.default !== undefined ? { default: opts.default } : {}),
  }),
  bool: (name: string, defaultValue: boolean): TableColumnOptions => ({ name, type: 'boolean', default: defaultValue }),
  date: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable }),
  double: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'double', isNullable: nullable }),
};

export async function createTable(
  queryRunner: QueryRunner,
  name: string,
  columns: TableColumnOptions[],
  extra: { uniques?: { name: string; columnNames: string[] }[]; indices?: TableIndexOptions[] } = {},
): Promise<void> {
  await queryRunner.createTable(new Table({ name, columns, uniques: extra.uniques ?? [] }), false);
  for (const index of extra.indices ?? []) await queryRunner.createIndex(name, new TableIndex(index));
}
