/**
 * Assessment periods (考核周期): a month, a quarter or a year in the deployment's zone, parsed from
 * what people type (本月, 上季度, 2026Q4, 2026, 2026-11, 2026年11月) into a half-open UTC range.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar, LocalDate } from '../calendar/working-calendar';

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface AssessmentPeriod {
  kind: PeriodKind;
  /** Canonical key: `2026-11`, `2026Q4`, `2026`. */
  key: string;
  /** Chinese label: 2026年11月, 2026年第四季度, 2026年. */
  label: string;
  /** First instant of the period (UTC). */
  start: Date;
  /** First instant after the period (UTC): the range is [start, end). */
  end: Date;
}

const QUARTER_NAMES = ['一', '二', '三', '四'];

function build(kind: PeriodKind, year: number, index: number, zone: string): AssessmentPeriod {
  const month = kind === 'month' ? index : kind === 'quarter' ? (index - 1) * 3 + 1 : 1;
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone });
  const end = start.plus(kind === 'month' ? { months: 1 } : kind === 'quarter' ? { months: 3 } : { years: 1 });
  const key = kind === 'month' ? `${year}-${String(index).padStart(2, '0')}` : kind === 'quarter' ? `${year}Q${index}` : String(year);
  const label = kind === 'month' ? `${year}年${index}月` : kind === 'quarter' ? `${year}年第${QUARTER_NAMES[index - 1]}季度` : `${year}年`;
  return { kind, key, label, start: start.toJSDate(), end: end.toJSDate() };
}

/** The month, quarter or year that contains `instant`. */
export function periodContaining(kind: PeriodKind, instant: Date, zone: string): AssessmentPeriod {
  const local = DateTime.fromJSDate(instant, { zone });
  const index = kind === 'month' ? local.month : kind === 'quarter' ? Math.ceil(local.month / 3) : 1;
  return build(kind, local.year, index, zone);
}

/** The period just before `period`, of the same kind (for trends). */
export function previousPeriod(period: AssessmentPeriod, zone: string): AssessmentPeriod {
  return periodContaining(period.kind, new Date(period.start.getTime() - 1), zone);
}

const RELATIVE: Record<string, { kind: PeriodKind; back: boolean }> = {
  本月: { kind: 'month', back: false },
  当月: { kind: 'month', back: false },
  上月: { kind: 'month', back: true },
  本季: { kind: 'quarter', back: false },
  本季度: { kind: 'quarter', back: false },
  上季度: { kind: 'quarter', back: true },
  今年: { kind: 'year', back: false },
  本年: { kind: 'year', back: false },
  本年度: { kind: 'year', back: false },
  去年: { kind: 'year', back: true },
};

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/**
 * Reads a period a user typed, relative to `now`; null when it is not one. Accepted:
 * 本月 / 上月 / 本季度 / 上季度 / 今年 / 去年, `2026-11`, `2026年11月`, `202611`, `2026Q4`, `2026-Q4`,
 * `2026年第四季度` / `2026年第4季度`, `2026`, `2026年`.
 */
export function parsePeriod(text: string, now: Date, zone: string): AssessmentPeriod | null {
  const s = text.trim().replace(/\s+/g, '');
  const relative = RELATIVE[s];
  if (relative) {
    const current = periodContaining(relative.kind, now, zone);
    return relative.back ? previousPeriod(current, zone) : current;
  }
  let m = /^(\d{4})(?:(?:-|\/|\.|年)(\d{1,2})月?|(\d{2}))$/.exec(s);
  if (m) {
    const [year, month] = [Number(m[1]), Number(m[2] ?? m[3])];
    if (validYear(year) && month >= 1 && month <= 12) return build('month', year, month, zone);
    return null;
  }
  m = /^(\d{4})(?:-|年)?(?:[Qq]([1-4])|第?([1-4一二三四])季度?)$/.exec(s);
  if (m) {
    const year = Number(m[1]);
    const q = m[2] ?? m[3];
    const quarter = /\d/.test(q) ? Number(q) : QUARTER_NAMES.indexOf(q) + 1;
    return validYear(year) ? build('quarter', year, quarter, zone) : null;
  }
  m = /^(\d{4})年?(?:度)?$/.exec(s);
  if (m && validYear(Number(m[1]))) return build('year', Number(m[1]), 1, zone);
  return null;
}

function validYear(year: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** Whether an instant falls within the period. */
export function inPeriod(period: Pick<AssessmentPeriod, 'start' | 'end'>, at: Date): boolean {
  return at.getTime() >= period.start.getTime() && at.getTime() < period.end.getTime();
}

/** The local days of the period up to (not including) `until`, capped at the period's end. */
export function daysOf(period: Pick<AssessmentPeriod, 'start' | 'end'>, until: Date, zone: string): LocalDate[] {
  const stop = Math.min(period.end.getTime(), until.getTime());
  const days: LocalDate[] = [];
  for (let d = DateTime.fromJSDate(period.start, { zone }).startOf('day'); d.toMillis() < stop; d = d.plus({ days: 1 })) days.push(d.toISODate() as LocalDate);
  return days;
}

/** The working days of the period that have begun by `until` (today counts). */
export function workingDaysOf(period: Pick<AssessmentPeriod, 'start' | 'end'>, until: Date, calendar: WorkingCalendar): LocalDate[] {
  return daysOf(period, until, calendar.timeZone).filter((d) => calendar.isWorkingDay(d));
}
