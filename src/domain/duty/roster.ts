/**
 * The duty roster (值班表) of a community or town: who is on duty on which day, by day (白班
 * 08:00–20:00) and by night (夜班 20:00–08:00 the next morning), holidays included. Pure: times come
 * from the working calendar, "now" from the caller.
 */
import { toLocalDate, type LocalDate } from '../calendar/local-date';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { lookup } from '../lookup';

export type DutyShift = 'day' | 'night';
export const DUTY_SHIFTS: readonly DutyShift[] = ['day', 'night'];

/** When each shift begins, local time; the night shift of a day ends at the next day's day shift. */
export const SHIFT_START: Record<DutyShift, string> = { day: '08:00', night: '20:00' };

export interface DutyEntry {
  unitId: number;
  day: LocalDate;
  shift: DutyShift;
  memberId: number;
}

/** The shift covering an instant: before 08:00 is still the previous day's night. */
export function shiftAt(instant: Date, calendar: WorkingCalendar): { day: LocalDate; shift: DutyShift } {
  const today = calendar.localDate(instant);
  const clock = calendar.clockOf(instant);
  if (clock < SHIFT_START.day) return { day: calendar.addCalendarDays(today, -1), shift: 'night' };
  return { day: today, shift: clock < SHIFT_START.night ? 'day' : 'night' };
}

/** When a shift begins. */
export function shiftStart(day: LocalDate, shift: DutyShift, calendar: WorkingCalendar): Date {
  return calendar.at(day, SHIFT_START[shift]);
}

/** Outside office hours: a day off, or a working day before office start or after office end. */
export function isAfterHours(instant: Date, calendar: WorkingCalendar): boolean {
  if (!calendar.isWorkingDay(instant)) return true;
  return instant.getTime() < calendar.officeStartOf(instant).getTime() || instant.getTime() >= calendar.officeEndOf(instant).getTime();
}

/** Where after-hours urgent items go: to the person on duty as well as the usual people, or instead of the leaders. */
export type AfterHoursRouting = 'also' | 'instead';

/**
 * The leaders an after-hours urgent item reaches: with someone on duty, `also` adds them and
 * `instead` sends to them alone; with nobody on duty, the usual leaders (nothing is dropped).
 */
export function afterHoursRecipients(usual: readonly number[], onDuty: number | null, routing: AfterHoursRouting): number[] {
  if (onDuty === null) return [...new Set(usual)];
  return routing === 'instead' ? [onDuty] : [...new Set([...usual, onDuty])];
}

/** A roster day as people write it: 2027-03-01, 3月1日, 2027年3月1日, 今天, 明天, 后天 (or a spreadsheet date cell). */
export function parseRosterDay(text: string, now: Date, calendar: WorkingCalendar): LocalDate | null {
  const today = calendar.localDate(now);
  const relative: Record<string, number> = { 今天: 0, 明天: 1, 后天: 2 };
  const offset = lookup(relative, text);
  if (offset !== undefined) return calendar.addCalendarDays(today, offset);
  // A spreadsheet date cell arrives as midnight UTC of that calendar day.
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T00:00:00(?:\.000)?Z)?$/.exec(text);
  const cn = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]$/.exec(text);
  const m = iso ?? cn;
  if (!m) return null;
  const year = m[1] ? Number(m[1]) : Number(today.slice(0, 4));
  const [month, day] = [Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return toLocalDate(year, month, day);
}
