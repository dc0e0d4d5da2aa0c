/**
 * Short human numbers with a local date and a daily sequence: events `SJ20261122-0007`,
 * tasks `T20261122-0007`. The sequence itself comes from storage.
 */
import { toLocalDate } from './local-date';
import { localFields } from './zone';

/** The least number of digits of a day's sequence in a number (`-0007`); more when it grows past them. */
export const DAILY_SEQUENCE_DIGITS = 4;

/**
 * How one day's numbers of one kind are made: the stored counter that counts them (`event-20261122`)
 * and what goes before the sequence (`SJ20261122-`). Storage may build the number itself from these
 * (in the statement that stores the numbered row); `numberOf` is the same rule.
 */
export interface DailyNumbering {
  counter: string;
  head: string;
}

/** The numbering of the local day of `now`: counter `${counter}-yyyymmdd`, head `${prefix}yyyymmdd-`. */
export function dailyNumbering(prefix: string, counter: string, now: Date, timeZone: string): DailyNumbering {
  const local = localFields(now, timeZone);
  const day = toLocalDate(local.year, local.month, local.day).replace(/-/g, '');
  return { counter: `${counter}-${day}`, head: `${prefix}${day}-` };
}

/** The head and the 1-based sequence, at least DAILY_SEQUENCE_DIGITS digits. */
export function numberOf(numbering: DailyNumbering, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
  return `${numbering.head}${String(sequence).padStart(DAILY_SEQUENCE_DIGITS, '0')}`;
}

/** `prefix` + local yyyymmdd of `now` + `-` + the 1-based sequence, at least 4 digits. */
export function formatDailyNumber(prefix: string, now: Date, sequence: number, timeZone: string): string {
  return numberOf(dailyNumbering(prefix, '', now, timeZone), sequence);
}

/** A number as a user types it (any case, short sequence) in canonical form, or null. */
export function parseDailyNumber(prefix: string, text: string): string | null {
  const m = new RegExp(`^${prefix}(\\d{8})-(\\d{1,6})$`, 'i').exec(text.trim());
  if (!m || Number(m[2]) < 1) return null;
  return `${prefix}${m[1]}-${String(Number(m[2])).padStart(4, '0')}`;
}
