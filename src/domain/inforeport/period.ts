/**
 * When a report firing happens: the scheduler fires on its nominal day (Tuesday, Friday); on an
 * official holiday the report moves to the next working day, or is skipped (a setting). The
 * period id is the day the report actually happens, so a holiday's report and the next working
 * day's own report are one and the same period: nobody is asked twice on one day.
 */
import type { LocalDate, WorkingCalendar } from '../calendar/working-calendar';

export const HOLIDAY_MODES = ['shift', 'skip'] as const;
/** 顺延 (move to the next working day) or 跳过 (skip). */
export type HolidayMode = (typeof HOLIDAY_MODES)[number];

export type FiringPlan =
  | { kind: 'run'; period: LocalDate }
  | { kind: 'shift'; period: LocalDate; from: LocalDate }
  | { kind: 'skip'; day: LocalDate; holiday: string | null };

export function planReportFiring(calendar: WorkingCalendar, nominalDay: LocalDate, mode: HolidayMode): FiringPlan {
  if (calendar.isWorkingDay(nominalDay)) return { kind: 'run', period: nominalDay };
  if (mode === 'skip') return { kind: 'skip', day: nominalDay, holiday: calendar.officialDayName(nominalDay) };
  return { kind: 'shift', period: calendar.nextWorkingDay(nominalDay), from: nominalDay };
}

/** The daily patrol rule applies on working days only. */
export function planPatrolFiring(calendar: WorkingCalendar, day: LocalDate): FiringPlan {
  return calendar.isWorkingDay(day) ? { kind: 'run', period: day } : { kind: 'skip', day, holiday: calendar.officialDayName(day) };
}

/** Deterministic timer job ids of one period's steps (no ':' — BullMQ reserves it). */
export function periodJobId(area: 'inforeport' | 'patrol' | 'visits', step: string, period: LocalDate, unitId?: number): string {
  return unitId === undefined ? `${area}-${step}-${period}` : `${area}-${step}-${period}-${unitId}`;
}
