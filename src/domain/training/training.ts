/**
 * Training hours (培训学时): the regulations ask at least 40 hours of training a year of every
 * gridworker and count it in the assessment. Pure: the year and the quarter come from the
 * calendar, "now" from the caller.
 */
import type { LocalDate } from '../calendar/local-date';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { Ratio } from '../assessment/score';

/** 每人每年培训不少于40学时. */
export const REQUIRED_HOURS_PER_YEAR = 40;

/** The most hours one training may record (a week-long course of 8 h a day is 40). */
export const MAX_HOURS_PER_TRAINING = 80;

export interface Training {
  name: string;
  day: LocalDate;
  hours: number;
}

export type HoursCheck = { ok: true; hours: number } | { ok: false };

/** 学时 as typed: 2, 2.5, 2学时, 2小时 — in half hours, more than 0 and at most {@link MAX_HOURS_PER_TRAINING}. */
export function parseHours(text: string): HoursCheck {
  const m = /^(\d+(?:\.\d+)?)(?:学时|小时|课时|h)?$/i.exec(text.trim());
  if (!m) return { ok: false };
  const hours = Number(m[1]);
  if (!(hours > 0) || hours > MAX_HOURS_PER_TRAINING || Math.round(hours * 2) !== hours * 2) return { ok: false };
  return { ok: true, hours };
}

/** The first and last local day of the year `instant` falls in. */
export function yearOf(instant: Date, calendar: WorkingCalendar): { year: number; from: LocalDate; to: LocalDate } {
  const year = Number(calendar.localDate(instant).slice(0, 4));
  return { year, from: `${year}-01-01`, to: `${year}-12-31` };
}

/** October to December: when a shortfall is still worth a warning and soon too late to make up. */
export function isFourthQuarter(instant: Date, calendar: WorkingCalendar): boolean {
  return Number(calendar.localDate(instant).slice(5, 7)) >= 10;
}

/** Hours still missing this year (0 when the requirement is met). */
export function shortfall(hours: number, required = REQUIRED_HOURS_PER_YEAR): number {
  return Math.max(0, required - hours);
}

/** 考核's training indicator: the year's hours so far of the required hours (capped there). */
export function trainingRatio(hours: number, required = REQUIRED_HOURS_PER_YEAR): Ratio {
  return { done: Math.min(hours, required), of: required };
}
