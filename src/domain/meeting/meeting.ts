/**
 * Meetings (例会): the weekly community meeting (周例会) and the monthly town meeting (月例会),
 * when they take place, which period they review, and how a meeting is named.
 */
import { DateTime } from 'luxon';
import type { LocalDate, WorkingCalendar } from '../calendar/working-calendar';

export const MEETING_KINDS = ['weekly', 'monthly'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** The org level that holds each kind: 周例会 per community, 月例会 per town. */
export const MEETING_LEVEL: Record<MeetingKind, 'community' | 'town'> = { weekly: 'community', monthly: 'town' };

export interface MeetingTimes {
  /** 周例会: ISO weekday (1 = Monday). @defaultValue 1 */
  weeklyWeekday: number;
  /** @defaultValue '08:30' */
  weeklyTime: string;
  /** 月例会 on the first working day of the month at this time. @defaultValue '09:00' */
  monthlyTime: string;
  /** The agenda is posted this many minutes before the meeting. @defaultValue 60 */
  agendaLeadMinutes: number;
}

export const DEFAULT_MEETING_TIMES: MeetingTimes = { weeklyWeekday: 1, weeklyTime: '08:30', monthlyTime: '09:00', agendaLeadMinutes: 60 };

/** A half-open span of time [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

/**
 * One meeting occurrence: its key (`2026-11-23` for the week starting that Monday, `2026-12` for a
 * month), when it is held, and the period it reviews (the previous week or month).
 */
export interface MeetingOccurrence {
  kind: MeetingKind;
  /** False when the whole week is off (春节, 国庆): no meeting that week. */
  held: boolean;
  key: string;
  at: Date;
  agendaAt: Date;
  reviews: Period;
}

function clockOf(time: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!m) throw new Error(`invalid meeting time "${time}", expected HH:mm`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/**
 * The weekly meeting of the week that contains `instant` (weeks start on Monday, local time): on
 * its weekday, or — when that is a day off — the next working day of the same week; a week with no
 * working day from then on has no meeting (`held: false`). Without a calendar, the weekday itself.
 */
export function weeklyOccurrence(instant: Date, zone: string, times: MeetingTimes = DEFAULT_MEETING_TIMES, calendar?: WorkingCalendar): MeetingOccurrence {
  const monday = DateTime.fromJSDate(instant, { zone }).startOf('week');
  let day = monday.plus({ days: times.weeklyWeekday - 1 });
  let held = true;
  if (calendar) {
    const working = calendar.workingDayOnOrAfter(day.toISODate()!);
    const sunday = monday.plus({ days: 6 }).toISODate()!;
    if (working <= sunday) day = DateTime.fromISO(working, { zone });
    else held = false;
  }
  const at = day.set({ ...clockOf(times.weeklyTime), second: 0, millisecond: 0 });
  return {
    kind: 'weekly',
    held,
    key: monday.toISODate()!,
    at: at.toJSDate(),
    agendaAt: at.minus({ minutes: times.agendaLeadMinutes }).toJSDate(),
    reviews: { from: monday.minus({ weeks: 1 }).toJSDate(), to: monday.toJSDate() },
  };
}

/** The monthly meeting of the month that contains `instant`: its first working day. */
export function monthlyOccurrence(instant: Date, calendar: WorkingCalendar, zone: string, times: MeetingTimes = DEFAULT_MEETING_TIMES): MeetingOccurrence {
  const first = DateTime.fromJSDate(instant, { zone }).startOf('month');
  const day: LocalDate = calendar.workingDayOnOrAfter(first.toISODate()!);
  const at = DateTime.fromISO(day, { zone }).set({ ...clockOf(times.monthlyTime), second: 0, millisecond: 0 });
  return {
    kind: 'monthly',
    held: true,
    key: first.toFormat('yyyy-MM'),
    at: at.toJSDate(),
    agendaAt: at.minus({ minutes: times.agendaLeadMinutes }).toJSDate(),
    reviews: { from: first.minus({ months: 1 }).toJSDate(), to: first.toJSDate() },
  };
}

export function occurrenceOf(kind: MeetingKind, instant: Date, calendar: WorkingCalendar, zone: string, times: MeetingTimes = DEFAULT_MEETING_TIMES): MeetingOccurrence {
  return kind === 'weekly' ? weeklyOccurrence(instant, zone, times, calendar) : monthlyOccurrence(instant, calendar, zone, times);
}

/**
 * The month a 月度计划 submitted at `now` is for: this month while this month's meeting has not
 * started yet, otherwise next month (`YYYY-MM`).
 */
export function planMonthFor(now: Date, calendar: WorkingCalendar, zone: string, times: MeetingTimes = DEFAULT_MEETING_TIMES): string {
  const thisMonth = monthlyOccurrence(now, calendar, zone, times);
  if (now.getTime() < thisMonth.at.getTime()) return thisMonth.key;
  return DateTime.fromJSDate(now, { zone }).startOf('month').plus({ months: 1 }).toFormat('yyyy-MM');
}

/** `HY-01001-W2026-11-23` / `HY-01-M2026-12`: a meeting's human reference, also the task source ref. */
export function meetingNumber(kind: MeetingKind, unitCode: string, key: string): string {
  return `HY-${unitCode}-${kind === 'weekly' ? 'W' : 'M'}${key}`;
}
