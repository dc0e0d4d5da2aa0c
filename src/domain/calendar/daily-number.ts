/**
 * Short human numbers with a local date and a daily sequence: events `SJ20261122-0007`,
 * tasks `T20261122-0007`. The sequence itself comes from storage.
 */
import { toLocalDate } from './local-date';
import { localFields } from './zone';

/** `prefix` + local yyyymmdd of `now` + `-` + the 1-based sequence, at least 4 digits. */
export function formatDailyNumber(prefix: string, now: Date, sequence: number, timeZone: string): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
  const local = localFields(now, timeZone);
  const day = toLocalDate(local.year, local.month, local.day).replace(/-/g, '');
  return `${prefix}${day}-${String(sequence).padStart(4, '0')}`;
}

/** A number as a user types it (any case, short sequence) in canonical form, or null. */
export function parseDailyNumber(prefix: string, text: string): string | null {
  const m = new RegExp(`^${prefix}(\\d{8})-(\\d{1,6})$`, 'i').exec(text.trim());
  if (!m || Number(m[2]) < 1) return null;
  return `${prefix}${m[1]}-${String(Number(m[2])).padStart(4, '0')}`;
}
