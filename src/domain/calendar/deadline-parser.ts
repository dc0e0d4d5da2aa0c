/**
 * Reads a deadline the way people type it in a chat (`明天17:00`, `11月30日`, `3个工作日`, `下周一`)
 * into an instant. A user's mistake is a value, never a throw.
 */
import { DateTime } from 'luxon';
import { pad2 } from './local-date';
import type { LocalDate, WorkingCalendar } from './working-calendar';

/** How the deadline was expressed; a task may show "3个工作日" differently from a fixed date. */
export type DeadlineBasis = 'date' | 'date_time' | 'working_days' | 'days' | 'hours';

export type DeadlineParseError =
  /** Nothing we can read as a date, a time or a duration. */
  | 'unreadable'
  /** A readable moment that is not after `now`. */
  | 'in_past'
  /** More than {@link MAX_DEADLINE_DAYS} days ahead: almost always a typo in the year. */
  | 'too_far';

export type DeadlineParseResult =
  | { ok: true; deadline: Date; basis: DeadlineBasis }
  | { ok: false; error: DeadlineParseError; /** The moment that was read, for `in_past`/`too_far` replies. */ readAs?: Date };

/** A deadline further ahead than this is refused as `too_far`. */
export const MAX_DEADLINE_DAYS = 366;
/** A month-day already past this year means next year only if that is at most this far ahead. */
const NEXT_YEAR_WINDOW_DAYS = 183;

const NUM = '([0-9]{1,4}|[零〇一二两三四五六七八九十]{1,3})';
const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** `3`, `三`, `十二`, `二十三` → number; null for anything else. */
export function readNumber(text: string): number | null {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const tens = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(text);
  if (tens) return (tens[1] ? CN_DIGITS[tens[1]] : 1) * 10 + (tens[2] ? CN_DIGITS[tens[2]] : 0);
  if (text.length === 1 && text in CN_DIGITS) return CN_DIGITS[text];
  return null;
}

/** Full-width digits and punctuation to ASCII, whitespace runs to one space, filler words off. */
function normalise(input: string): string {
  return input
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/：/g, ':')
    .replace(/[／]/g, '/')
    .replace(/[－—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(截止到?|截至|期限|限期?|于|在)\s*/, '')
    .replace(/\s*(之前|以前|前|为止|之内|以内|内)$/, '')
    .trim();
}

interface ClockReading {
  hour: number;
  minute: number;
}

const TIME = new RegExp(
  `^(上午|早上|早晨|早|中午|下午|傍晚|晚上|晚)?\\s*${NUM}\\s*(?::\\s*([0-9]{2})|点\\s*(半|整|${NUM}\\s*分?)?|时\\s*(?:${NUM}\\s*分)?)$`,
);

/** `17:00`, `18点`, `下午3点半`, `9点15分`, `晚上8时` → a clock time; null if not a time. */
function readClock(text: string): ClockReading | null | 'invalid' {
  if (text === '') return null;
  const m = TIME.exec(text);
  if (!m) return 'invalid';
  const [, period, hourText, colonMinutes, pointTail, pointMinutes, hourMarkMinutes] = m;
  let hour = readNumber(hourText);
  let minute = 0;
  if (colonMinutes !== undefined) minute = Number(colonMinutes);
  else if (pointTail === '半') minute = 30;
  else if (pointMinutes !== undefined) minute = readNumber(pointMinutes) ?? -1;
  else if (hourMarkMinutes !== undefined) minute = readNumber(hourMarkMinutes) ?? -1;
  if (hour === null) return 'invalid';
  if (period && /下午|傍晚|晚/.test(period) && hour < 12) hour += 12;
  if (period === '中午' && hour < 3) hour += 12;
  if (hour > 23 || minute < 0 || minute > 59) return 'invalid';
  return { hour, minute };
}

type DayReading =
  | { kind: 'fixed'; date: LocalDate }
  /** A month-day without a year: this year, or next year when that is the nearer future. */
  | { kind: 'month_day'; month: number; day: number }
  /** A day of month alone (`30号`): this month, or next month when already past. */
  | { kind: 'month_day_of_month'; day: number };

const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3 };
const WEEKDAY_NAMES: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };

const DAY_PATTERNS: ReadonlyArray<{ re: RegExp; read: (m: RegExpExecArray, today: LocalDate, calendar: WorkingCalendar) => DayReading | 'invalid' }> = [
  {
    re: /^(今天|今日|明天|明日|大后天|后天)/,
    read: (m, today, calendar) => ({ kind: 'fixed', date: calendar.addCalendarDays(today, RELATIVE_DAYS[m[1]]) }),
  },
  {
    re: /^(本|这|下个?|下一)?(?:周|星期|礼拜)([一二三四五六日天1-7])/,
    read: (m, today, calendar) => {
      const target = WEEKDAY_NAMES[m[2]];
      const current = calendar.weekday(today);
      if (m[1]?.startsWith('下')) return { kind: 'fixed', date: calendar.addCalendarDays(today, 7 - current + target) };
      if (m[1]) return { kind: 'fixed', date: calendar.addCalendarDays(today, target - current) };
      // A bare weekday means its next occurrence, today included.
      return { kind: 'fixed', date: calendar.addCalendarDays(today, (target - current + 7) % 7) };
    },
  },
  {
    re: /^([0-9]{4})\s*(?:年|-|\/|\.)\s*([0-9]{1,2})\s*(?:月|-|\/|\.)\s*([0-9]{1,2})\s*(?:日|号)?/,
    read: (m, _today, calendar) => {
      const date = DateTime.fromObject(
        { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
        { zone: calendar.timeZone },
      );
      return date.isValid ? { kind: 'fixed', date: date.toISODate() as LocalDate } : 'invalid';
    },
  },
  {
    re: new RegExp(`^${NUM}\\s*(?:月|\\/)\\s*${NUM}\\s*(?:日|号)?`),
    read: (m) => {
      const month = readNumber(m[1]);
      const day = readNumber(m[2]);
      return month === null || day === null ? 'invalid' : { kind: 'month_day', month, day };
    },
  },
  {
    re: new RegExp(`^${NUM}\\s*(?:日|号)`),
    read: (m) => {
      const day = readNumber(m[1]);
      return day === null ? 'invalid' : { kind: 'month_day_of_month', day };
    },
  },
];

const DURATIONS: ReadonlyArray<{ re: RegExp; basis: DeadlineBasis; unit: 'working_days' | 'days' | 'weeks' | 'hours' }> = [
  { re: new RegExp(`^${NUM}\\s*个?\\s*工作日$`), basis: 'working_days', unit: 'working_days' },
  { re: new RegExp(`^${NUM}\\s*(?:个)?\\s*(?:天|自然日)$`), basis: 'days', unit: 'days' },
  { re: new RegExp(`^${NUM}\\s*个?\\s*(?:周|星期|礼拜)$`), basis: 'days', unit: 'weeks' },
  { re: new RegExp(`^${NUM}\\s*个?\\s*(?:小时|钟头|h|H)$`), basis: 'hours', unit: 'hours' },
];

/**
 * Reads a deadline typed by a user, relative to `now`, in the calendar's zone.
 *
 * - A date without a time means office end (17:30) of that day: `后天`, `11月30日`, `下周一`.
 * - A time without a date means today: `18点`.
 * - `N个工作日` follows {@link WorkingCalendar.addWorkingDays} (same clock time on the n-th
 *   working day, capped at office end); `N天`/`N周` are calendar days at the same clock time;
 *   `N小时` is exact.
 * - `11月30日` already past this year means next year only when that is within half a year
 *   (`1月5日` typed in December); otherwise it is `in_past`.
 * - Trailing `前`/`之前`/`内` and leading `截止` are ignored: `明天17:00前` = `明天17:00`.
 */
export function parseDeadline(input: string, now: Date, calendar: WorkingCalendar): DeadlineParseResult {
  const text = normalise(input);
  if (text === '') return { ok: false, error: 'unreadable' };

  const phrase = readPhrase(input, text, now, calendar);
  if (phrase) return phrase;

  for (const duration of DURATIONS) {
    const m = duration.re.exec(text);
    if (!m) continue;
    const n = readNumber(m[1]);
    if (n === null) return { ok: false, error: 'unreadable' };
    return check(addDuration(now, n, duration.unit, calendar), now, duration.basis);
  }

  const today = calendar.localDate(now);
  for (const pattern of DAY_PATTERNS) {
    const m = pattern.re.exec(text);
    if (!m) continue;
    const day = pattern.read(m, today, calendar);
    const clock = readClock(text.slice(m[0].length).trim());
    if (day === 'invalid' || clock === 'invalid') return { ok: false, error: 'unreadable' };
    return resolveDay(day, clock, now, today, calendar);
  }

  const clock = readClock(text);
  if (clock === null || clock === 'invalid') return { ok: false, error: 'unreadable' };
  return check(atClock(today, clock, calendar), now, 'date_time');
}

function addDuration(now: Date, n: number, unit: 'working_days' | 'days' | 'weeks' | 'hours', calendar: WorkingCalendar): Date {
  if (unit === 'working_days') return calendar.addWorkingDays(now, n);
  if (unit === 'hours') return new Date(now.getTime() + n * 3_600_000);
  const days = unit === 'weeks' ? n * 7 : n;
  return DateTime.fromJSDate(now, { zone: calendar.timeZone }).plus({ days }).toJSDate();
}

function atClock(day: LocalDate, clock: ClockReading, calendar: WorkingCalendar): Date {
  return calendar.at(day, `${pad2(clock.hour)}:${pad2(clock.minute)}`);
}

function momentOf(day: LocalDate, clock: ClockReading | null, calendar: WorkingCalendar): Date {
  return clock ? atClock(day, clock, calendar) : calendar.officeEndOf(day);
}

function resolveDay(
  day: DayReading,
  clock: ClockReading | null,
  now: Date,
  today: LocalDate,
  calendar: WorkingCalendar,
): DeadlineParseResult {
  const basis: DeadlineBasis = clock ? 'date_time' : 'date';
  if (day.kind === 'fixed') return check(momentOf(day.date, clock, calendar), now, basis);

  const [year, month] = today.split('-').map(Number);
  const candidates: LocalDate[] =
    day.kind === 'month_day'
      ? [localDate(year, day.month, day.day, calendar), localDate(year + 1, day.month, day.day, calendar)].filter(isDate)
      : [localDate(year, month, day.day, calendar), nextMonthDay(year, month, day.day, calendar)].filter(isDate);
  if (candidates.length === 0) return { ok: false, error: 'unreadable' };
  const first = momentOf(candidates[0], clock, calendar);
  if (first.getTime() > now.getTime()) return check(first, now, basis);
  const second = candidates[1] ? momentOf(candidates[1], clock, calendar) : null;
  if (second && second.getTime() - now.getTime() <= NEXT_YEAR_WINDOW_DAYS * 86_400_000) return check(second, now, basis);
  return { ok: false, error: 'in_past', readAs: first };
}

function check(deadline: Date, now: Date, basis: DeadlineBasis): DeadlineParseResult {
  if (deadline.getTime() <= now.getTime()) return { ok: false, error: 'in_past', readAs: deadline };
  if (deadline.getTime() - now.getTime() > MAX_DEADLINE_DAYS * 86_400_000) {
    return { ok: false, error: 'too_far', readAs: deadline };
  }
  return { ok: true, deadline, basis };
}

function localDate(year: number, month: number, day: number, calendar: WorkingCalendar): LocalDate | null {
  const date = DateTime.fromObject({ year, month, day }, { zone: calendar.timeZone });
  return date.isValid ? (date.toISODate() as LocalDate) : null;
}

function nextMonthDay(year: number, month: number, day: number, calendar: WorkingCalendar): LocalDate | null {
  return month === 12 ? localDate(year + 1, 1, day, calendar) : localDate(year, month + 1, day, calendar);
}

function isDate(value: LocalDate | null): value is LocalDate {
  return value !== null;
}


/**
 * Deadlines as people say them, each ending at the end of an office day (never at the current
 * clock time, which at night would be a deadline in the small hours):
 * - `月底`/`月末`/`本月底`: the month's last day; `月中`: the 15th (next month's once past);
 * - `本周内`/`这周`: the last working day of this week; `周末前`/`周末`: this week's Friday
 *   (next week's once past);
 * - `下班前`/`今天下班前`/`明天下班前`: that day's office end;
 * - `三天内`/`3天之内`: the office end of the third day (typed without 内, `3天` stays exact).
 */
function readPhrase(input: string, text: string, now: Date, calendar: WorkingCalendar): DeadlineParseResult | null {
  const today = calendar.localDate(now);
  const [year, month] = today.split('-').map(Number);
  const end = (day: LocalDate | null) => (day ? check(calendar.officeEndOf(day), now, 'date') : { ok: false as const, error: 'unreadable' as const });
  const thisOrNext = (day: (y: number, m: number) => LocalDate | null): DeadlineParseResult => {
    const first = day(year, month);
    if (first && calendar.officeEndOf(first).getTime() > now.getTime()) return end(first);
    return end(month === 12 ? day(year + 1, 1) : day(year, month + 1));
  };
  if (/^(本月|这个?月|当月)?(月底|月末|底)$/.test(text) && /月/.test(text)) return thisOrNext((y, m) => lastDayOfMonth(y, m, calendar));
  if (/^(本月|这个?月|当月)?月中$/.test(text)) return thisOrNext((y, m) => localDate(y, m, 15, calendar));
  if (/^(本周|这周|这个?星期|本星期)$/.test(text)) {
    const weekday = calendar.weekday(today);
    for (let offset = 7 - weekday; offset >= 0; offset--) {
      const day = calendar.addCalendarDays(today, offset);
      if (calendar.isWorkingDay(day)) return end(day);
    }
    return { ok: false, error: 'in_past', readAs: calendar.officeEndOf(today) };
  }
  if (/^(本周|这周)?周末$/.test(text)) {
    const friday = calendar.addCalendarDays(today, 5 - calendar.weekday(today));
    return calendar.officeEndOf(friday).getTime() > now.getTime() ? end(friday) : end(calendar.addCalendarDays(friday, 7));
  }
  const offDuty = /^(今天|今日|明天|明日|后天)?下班(时|时间)?$/.exec(text);
  if (offDuty) return end(calendar.addCalendarDays(today, offDuty[1] ? RELATIVE_DAYS[offDuty[1]] : 0));
  const within = new RegExp(`^${NUM}\\s*(?:个)?\\s*(?:天|自然日)$`).exec(text);
  if (within && /(之内|以内|内)\s*$/.test(input.trim())) {
    const n = readNumber(within[1]);
    return n === null ? { ok: false, error: 'unreadable' } : end(calendar.addCalendarDays(today, n));
  }
  return null;
}

function lastDayOfMonth(year: number, month: number, calendar: WorkingCalendar): LocalDate | null {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: calendar.timeZone });
  return first.isValid ? (first.endOf('month').toISODate() as LocalDate) : null;
}
