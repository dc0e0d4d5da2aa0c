/**
 * The working-day calendar: official Chinese holidays and make-up workdays (调休上班), office
 * hours and quiet hours, all in one local time zone. Pure: every answer derives from its arguments.
 */
import { DateTime } from 'luxon';
import { localFields, zoneOf } from './zone';
// The package's own date helpers read dates in the process's local zone and shift a day west of
// UTC, so we read its published data (the same tables its functions use) by plain date keys.
import officialData from 'chinese-days/dist/chinese-days.json';
import { statutoryArrangement, type HolidayEntry, type YearArrangement } from './arrangement';

import { toLocalDate, type ClockTime, type LocalDate } from './local-date';
export type { ClockTime, LocalDate } from './local-date';

/** A stretch of the day between two clock times; `end` after `start` except for quiet hours. */
export interface ClockRange {
  start: ClockTime;
  end: ClockTime;
}

export interface WorkingCalendarOptions {
  /** @defaultValue 'Asia/Shanghai' */
  timeZone?: string;
  /**
   * Office periods of a working day, in order, not overlapping.
   * @defaultValue 08:30–12:00 and 13:30–17:30
   */
  officeHours?: readonly ClockRange[];
  /**
   * Hours in which non-urgent messages wait; may wrap midnight. `null` disables them.
   * @defaultValue 22:00–07:00
   */
  quietHours?: ClockRange | null;
  /** Local extra days off (a county's own arrangement) on top of the official calendar. */
  extraHolidays?: readonly LocalDate[];
  /** Local extra working days on top of the official calendar. */
  extraWorkdays?: readonly LocalDate[];
  /**
   * Official arrangements entered by an admin (放假安排); they replace the published data the
   * package ships for their year. A year with neither falls back to the statutory days.
   */
  arrangements?: readonly YearArrangement[];
}

/**
 * Where a year's official days come from: entered by an admin, the published tables shipped with
 * the `chinese-days` package, or computed statutory days (no make-up working days known).
 */
export type ArrangementSource = 'entered' | 'published' | 'statutory';

interface YearTable {
  source: ArrangementSource;
  arrangement: YearArrangement;
  off: ReadonlyMap<LocalDate, string>;
  work: ReadonlyMap<LocalDate, string>;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const DEFAULT_OFFICE_HOURS: readonly ClockRange[] = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '17:30' },
];
export const DEFAULT_QUIET_HOURS: ClockRange = { start: '22:00', end: '07:00' };

/** Thrown for a malformed calendar configuration: a fault of the deployment, not of a user. */
export class CalendarConfigError extends Error {
  override readonly name = 'CalendarConfigError';
}

const WEEKDAY_NAMES = ['一', '二', '三', '四', '五', '六', '日'];
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(clock: ClockTime): number {
  const m = CLOCK.exec(clock);
  if (!m) throw new CalendarConfigError(`invalid clock time "${clock}", expected HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface MinuteRange {
  start: number;
  end: number;
}

/** Cap on day-by-day walks, so a calendar with no working day at all cannot loop forever. */
const MAX_DAYS_SCANNED = 3660;

export class WorkingCalendar {
  readonly timeZone: string;
  readonly officeHours: readonly ClockRange[];
  readonly quietHours: ClockRange | null;
  private readonly office: readonly MinuteRange[];
  private readonly quiet: MinuteRange | null;
  private readonly extraHolidays: ReadonlySet<LocalDate>;
  private readonly extraWorkdays: ReadonlySet<LocalDate>;
  private readonly entered: ReadonlyMap<number, YearArrangement>;
  private readonly tables = new Map<number, YearTable>();

  constructor(options: WorkingCalendarOptions = {}) {
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    if (!DateTime.now().setZone(this.timeZone).isValid) {
      throw new CalendarConfigError(`unknown time zone "${this.timeZone}"`);
    }
    this.officeHours = options.officeHours ?? DEFAULT_OFFICE_HOURS;
    this.office = this.officeHours.map((r) => ({ start: minutesOf(r.start), end: minutesOf(r.end) }));
    if (this.office.length === 0) throw new CalendarConfigError('office hours must not be empty');
    this.office.forEach((r, i) => {
      const previous = this.office[i - 1];
      if (r.end <= r.start || (previous && r.start < previous.end)) {
        throw new CalendarConfigError('office periods must be ordered, non-empty and not overlapping');
      }
    });
    this.quietHours = options.quietHours === undefined ? DEFAULT_QUIET_HOURS : options.quietHours;
    this.quiet = this.quietHours
      ? { start: minutesOf(this.quietHours.start), end: minutesOf(this.quietHours.end) }
      : null;
    this.extraHolidays = new Set(options.extraHolidays ?? []);
    this.extraWorkdays = new Set(options.extraWorkdays ?? []);
    this.entered = new Map((options.arrangements ?? []).map((a) => [a.year, a]));
  }

  /** The county's own extra days off (on top of the official arrangement), sorted. */
  get localHolidays(): LocalDate[] {
    return [...this.extraHolidays].sort();
  }

  /** The county's own extra working days, sorted. */
  get localWorkdays(): LocalDate[] {
    return [...this.extraWorkdays].sort();
  }

  /** A year's official arrangement and where it comes from. */
  arrangementOf(year: number): { source: ArrangementSource; arrangement: YearArrangement } {
    const table = this.table(year);
    return { source: table.source, arrangement: table.arrangement };
  }

  // ---- days -------------------------------------------------------------------------------

  /** The local calendar day an instant falls on. */
  localDate(instant: Date): LocalDate {
    const local = localFields(instant, this.timeZone);
    return toLocalDate(local.year, local.month, local.day);
  }

  /**
   * Whether a day is a working day: Monday–Friday unless an official holiday, plus the official
   * make-up workdays (调休上班) that fall on weekends; local overrides win. Years the official
   * data does not cover yet fall back to Monday–Friday.
   */
  isWorkingDay(day: Date | LocalDate): boolean {
    const date = this.toLocalDate(day);
    if (this.extraWorkdays.has(date)) return true;
    if (this.extraHolidays.has(date)) return false;
    return this.officialDay(date).work;
  }

  /**
   * The Chinese name of the official holiday or make-up workday a day belongs to (`国庆节`,
   * `春节`), or null for an ordinary day.
   */
  officialDayName(day: Date | LocalDate): string | null {
    const date = this.toLocalDate(day);
    return this.officialDay(date).name;
  }

  /** The first working day strictly after `day`. */
  nextWorkingDay(day: Date | LocalDate): LocalDate {
    return this.nthWorkingDayAfter(this.toLocalDate(day), 1);
  }

  /** The first working day on or after `day`. */
  workingDayOnOrAfter(day: Date | LocalDate): LocalDate {
    const date = this.toLocalDate(day);
    return this.isWorkingDay(date) ? date : this.nextWorkingDay(date);
  }

  /** The instant of a local wall-clock time on a local day. */
  at(day: LocalDate, clock: ClockTime): Date {
    const minutes = minutesOf(clock);
    return this.dayStart(day)
      .set({ hour: Math.floor(minutes / 60), minute: minutes % 60 })
      .toJSDate();
  }

  /** Start of office hours (08:30 by default) on a day. */
  officeStartOf(day: Date | LocalDate): Date {
    return this.atMinutes(this.toLocalDate(day), this.office[0].start);
  }

  /** End of office hours (17:30 by default) on a day: what a deadline without a time means. */
  officeEndOf(day: Date | LocalDate): Date {
    return this.atMinutes(this.toLocalDate(day), this.office[this.office.length - 1].end);
  }

  /**
   * `n` working days after `from` — the rule for deadlines such as "3个工作日":
   * - `from` on a working day: the same local clock time on the n-th working day after that day,
   *   but never later than office end (17:30) of that day. Dispatched Monday 10:00 → Thursday
   *   10:00; dispatched Monday 20:00 → Thursday 17:30. Either way the assignee has n whole
   *   working days.
   * - `from` on a day off: counting starts with the next working day, which is the first of the
   *   n days, and the deadline is office end of the n-th. Dispatched Saturday → Wednesday 17:30.
   * `n = 0` returns `from` unchanged; `n` must be a non-negative integer.
   */
  addWorkingDays(from: Date, n: number): Date {
    assertCount(n);
    if (n === 0) return new Date(from.getTime());
    const startDay = this.localDate(from);
    if (!this.isWorkingDay(startDay)) {
      const first = this.nextWorkingDay(startDay);
      return this.officeEndOf(this.nthWorkingDayAfter(first, n - 1));
    }
    const target = this.nthWorkingDayAfter(startDay, n);
    const local = this.zoned(from);
    const clockMinutes = local.hour * 60 + local.minute;
    const officeEnd = this.office[this.office.length - 1].end;
    if (clockMinutes >= officeEnd) return this.atMinutes(target, officeEnd);
    return this.dayStart(target)
      .set({ hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond })
      .toJSDate();
  }

  /**
   * `hours` of office time after `from`, counted only inside office periods of working days.
   * Ending exactly at a period's end stays there (15:30 + 2 h → 17:30, not next morning).
   */
  addWorkingHours(from: Date, hours: number): Date {
    if (!(hours >= 0) || !Number.isFinite(hours)) throw new RangeError(`hours must be >= 0, got ${hours}`);
    let remainingMs = hours * 3_600_000;
    let day = this.localDate(from);
    for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++) {
      if (this.isWorkingDay(day)) {
        for (const period of this.office) {
          const start = Math.max(this.atMinutes(day, period.start).getTime(), from.getTime());
          const end = this.atMinutes(day, period.end).getTime();
          if (end <= start) continue;
          if (remainingMs <= end - start) return new Date(start + remainingMs);
          remainingMs -= end - start;
        }
      }
      day = this.addCalendarDays(day, 1);
    }
    throw new CalendarConfigError('no working time found within ten years');
  }

  /**
   * Whole working days from `a` to `b`: the largest n with `addWorkingDays(a, n) <= b`, so a task
   * due Friday 17:30 is "1 working day overdue" from Monday 17:30. Negative when `b` is before `a`.
   */
  workingDaysBetween(a: Date, b: Date): number {
    if (b.getTime() < a.getTime()) return -this.workingDaysBetween(b, a);
    let n = 0;
    while (n < MAX_DAYS_SCANNED && this.addWorkingDays(a, n + 1).getTime() <= b.getTime()) n++;
    return n;
  }

  /** Calendar days after a local day. */
  addCalendarDays(day: LocalDate, days: number): LocalDate {
    return this.dayStart(day).plus({ days }).toISODate() as LocalDate;
  }

  /** ISO weekday of a local day: 1 = Monday … 7 = Sunday. */
  weekday(day: Date | LocalDate): number {
    return this.dayStart(this.toLocalDate(day)).weekday;
  }

  // ---- quiet hours ------------------------------------------------------------------------

  /** Whether an instant falls in quiet hours (22:00–07:00 by default; end exclusive). */
  isQuietTime(instant: Date): boolean {
    if (!this.quiet) return false;
    const local = this.zoned(instant);
    const minutes = local.hour * 60 + local.minute;
    const { start, end } = this.quiet;
    return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  }

  /** `instant` itself outside quiet hours, else the moment quiet hours end (07:00). */
  nextOutOfQuiet(instant: Date): Date {
    if (!this.quiet || !this.isQuietTime(instant)) return new Date(instant.getTime());
    const local = this.zoned(instant);
    const minutes = local.hour * 60 + local.minute;
    const today = this.localDate(instant);
    const endDay = minutes >= this.quiet.end ? this.addCalendarDays(today, 1) : today;
    return this.atMinutes(endDay, this.quiet.end);
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Official status of a day: the arrangement of its own year first, then of the years beside it. */
  private officialDay(date: LocalDate): { work: boolean; name: string | null } {
    const year = Number(date.slice(0, 4));
    for (const y of [year, year + 1, year - 1]) {
      const table = this.table(y);
      const work = table.work.get(date);
      if (work !== undefined) return { work: true, name: work };
      const off = table.off.get(date);
      if (off !== undefined) return { work: false, name: off };
    }
    const weekday = this.weekday(date);
    return { work: weekday <= 5, name: null };
  }

  private table(year: number): YearTable {
    let table = this.tables.get(year);
    if (!table) {
      const entered = this.entered.get(year);
      const published = entered ? null : publishedArrangement(year);
      const [source, arrangement]: [ArrangementSource, YearArrangement] = entered
        ? ['entered', entered]
        : published
          ? ['published', published]
          : ['statutory', statutoryArrangement(year)];
      const off = new Map<LocalDate, string>();
      const work = new Map<LocalDate, string>();
      for (const h of arrangement.holidays) {
        for (const d of h.days) off.set(d, h.name);
        for (const d of h.workdays) work.set(d, h.name);
      }
      table = { source, arrangement, off, work };
      this.tables.set(year, table);
    }
    return table;
  }

  /** The local wall-clock time of an instant, `HH:mm`. */
  clockOf(instant: Date): ClockTime {
    return this.zoned(instant).toFormat('HH:mm');
  }

  /**
   * The one way a moment (a deadline, a meeting) is written: `12月8日 17:00（周二）`, with the year
   * in front when it is not the year of `now`.
   */
  formatMoment(instant: Date, now?: Date): string {
    const local = this.zoned(instant);
    const sameYear = !now || this.zoned(now).year === local.year;
    return `${local.toFormat(sameYear ? 'M月d日 HH:mm' : 'yyyy年M月d日 HH:mm')}（周${WEEKDAY_NAMES[local.weekday - 1]}）`;
  }

  /** A day written as people read it: `12月8日`. */
  formatDay(instant: Date): string {
    return this.zoned(instant).toFormat('M月d日');
  }

  /** The instant in the calendar's zone, for formatting. */
  toLocal(instant: Date): DateTime {
    return this.zoned(instant);
  }

  private zoned(instant: Date): DateTime {
    return DateTime.fromJSDate(instant, { zone: zoneOf(this.timeZone) });
  }

  private dayStart(day: LocalDate): DateTime {
    const parsed = DateTime.fromISO(day, { zone: zoneOf(this.timeZone) });
    if (!LOCAL_DATE.test(day) || !parsed.isValid) throw new RangeError(`invalid local date "${day}"`);
    return parsed.startOf('day');
  }

  private atMinutes(day: LocalDate, minutes: number): Date {
    return this.dayStart(day)
      .set({ hour: Math.floor(minutes / 60), minute: minutes % 60 })
      .toJSDate();
  }

  private toLocalDate(day: Date | LocalDate): LocalDate {
    if (day instanceof Date) return this.localDate(day);
    this.dayStart(day);
    return day;
  }

  private nthWorkingDayAfter(day: LocalDate, n: number): LocalDate {
    let current = day;
    let found = 0;
    for (let scanned = 0; found < n; scanned++) {
      if (scanned >= MAX_DAYS_SCANNED) throw new CalendarConfigError('no working day found within ten years');
      current = this.addCalendarDays(current, 1);
      if (this.isWorkingDay(current)) found++;
    }
    return current;
  }
}

interface OfficialData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
const OFFICIAL: OfficialData = officialData;

const publishedCache = new Map<number, YearArrangement | null>();

/**
 * A year's arrangement from the tables the package ships (entries read "National Day,国庆节,3":
 * English name, Chinese name, length), or null for a year it does not cover.
 */
function publishedArrangement(year: number): YearArrangement | null {
  if (publishedCache.has(year)) return publishedCache.get(year) ?? null;
  const byName = new Map<string, HolidayEntry>();
  const entry = (raw: string) => {
    const name = raw.split(',')[1] ?? raw;
    let e = byName.get(name);
    if (!e) byName.set(name, (e = { name, days: [], workdays: [] }));
    return e;
  };
  const prefix = `${year}-`;
  for (const [date, raw] of Object.entries(OFFICIAL.holidays)) if (date.startsWith(prefix)) entry(raw).days.push(date);
  for (const [date, raw] of Object.entries(OFFICIAL.workdays)) if (date.startsWith(prefix)) entry(raw).workdays.push(date);
  const holidays = [...byName.values()].map((h) => ({ ...h, days: h.days.sort(), workdays: h.workdays.sort() })).sort((a, b) => (a.days[0] ?? a.workdays[0]).localeCompare(b.days[0] ?? b.workdays[0]));
  const result = holidays.length > 0 ? { year, holidays } : null;
  publishedCache.set(year, result);
  return result;
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
}
