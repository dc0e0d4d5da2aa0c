/**
 * Leave (请假): the days asked for, read from what a gridworker types, and the rules on them —
 * no overlap with a leave already asked for, and who is away on a given day.
 */
import { toLocalDate } from '../calendar/local-date';
import type { LocalDate } from '../calendar/working-calendar';
import { lookup } from '../lookup';

export interface LeaveSpan {
  /** First day off, `YYYY-MM-DD`. */
  start: LocalDate;
  /** Last day off, inclusive. */
  end: LocalDate;
}

export type LeaveStatus = 'pending' | 'approved' | 'refused' | 'cancelled';

export type LeaveDatesParse = { ok: true; span: LeaveSpan } | { ok: false; reason: 'unreadable' | 'in_past' | 'reversed' | 'too_long' };

/** Longest single leave the bot accepts; longer ones go through the office. */
export const MAX_LEAVE_DAYS = 30;

const RELATIVE: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2 };

function shift(day: LocalDate, days: number): LocalDate {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return toLocalDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function valid(y: number, m: number, d: number): LocalDate | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return toLocalDate(y, m, d);
}

/** One day: 今天/明天/后天, 2026-11-26, 11-26, 11月26日, 11月26号, 11/26. A date without a year is the next such date. */
export function parseDay(raw: string, today: LocalDate): LocalDate | null {
  const word = raw.trim();
  const offset = lookup(RELATIVE, word);
  if (offset !== undefined) return shift(today, offset);
  const [ty] = today.split('-').map(Number);
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(word);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(word);
  if (!m) return null;
  const thisYear = valid(ty, Number(m[1]), Number(m[2]));
  if (!thisYear) return null;
  // "1月3日" asked for in late December means next January.
  return thisYear < shift(today, -31) ? valid(ty + 1, Number(m[1]), Number(m[2])) : thisYear;
}

/** `明天`, `11月26日`, `11月26日至11月28日`, `11-26~11-28`, `2026-11-26到2026-11-28`. */
export function parseLeaveDates(raw: string, today: LocalDate): LeaveDatesParse {
  const parts = raw.split(/至|到|~|～|—|－－/);
  if (parts.length > 2) return { ok: false, reason: 'unreadable' };
  const start = parseDay(parts[0], today);
  const end = parts.length === 2 ? parseDay(parts[1], today) : start;
  if (!start || !end) return { ok: false, reason: 'unreadable' };
  if (end < start) return { ok: false, reason: 'reversed' };
  if (start < today) return { ok: false, reason: 'in_past' };
  if (daysIn({ start, end }).length > MAX_LEAVE_DAYS) return { ok: false, reason: 'too_long' };
  return { ok: true, span: { start, end } };
}

/** Every day of a span, in order. */
export function daysIn(span: LeaveSpan): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = span.start; d <= span.end && out.length <= MAX_LEAVE_DAYS + 1; d = shift(d, 1)) out.push(d);
  return out;
}

export function overlaps(a: LeaveSpan, b: LeaveSpan): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function covers(span: LeaveSpan, day: LocalDate): boolean {
  return span.start <= day && day <= span.end;
}

/** A leave still standing (asked for or granted) blocks another over the same days. */
export function blocksNewLeave(status: LeaveStatus): boolean {
  return status === 'pending' || status === 'approved';
}

/** Only granted leave silences reminders. */
export function silencesReminders(status: LeaveStatus): boolean {
  return status === 'approved';
}
