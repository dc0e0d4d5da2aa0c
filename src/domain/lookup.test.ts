import { hasEntry, lookup } from './lookup';

describe('lookups keyed by user input', () => {
  const table: Record<string, number> = { 一: 1, 二: 2 };
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])('does not answer %s', (word) => {
    expect(lookup(table, word)).toBeUndefined();
    expect(hasEntry(table, word)).toBe(false);
  });
  it('answers the table’s own words', () => {
    expect(lookup(table, '二')).toBe(2);
    expect(hasEntry(table, '一')).toBe(true);
  });
});
