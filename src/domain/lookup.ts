/**
 * Lookups keyed by what users type. A plain object answers `__proto__`, `constructor` or `toString`
 * with something inherited from Object.prototype; these answer only the table's own entries.
 */

/** The table's own value for `key`, or undefined: never an inherited property. */
export function lookup<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether `key` is one of the table's own entries. */
export function hasEntry(table: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(table, key);
}
