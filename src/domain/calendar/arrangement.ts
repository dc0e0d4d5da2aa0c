/**
 * The State Council's yearly holiday arrangement (国务院办公厅关于某年部分节假日安排的通知) as data:
 * read from the notice's own wording, validated, and — for a year nobody has entered yet — the
 * statutory days computed (fixed dates plus the lunar festivals and 清明), without make-up days.
 */
import { DateTime } from 'luxon';
import { getLunarDate } from 'chinese-days';
import type { LocalDate } from './local-date';

/** One named holiday of a year: its days off and the weekend days worked in exchange (调休上班). */
export interface HolidayEntry {
  name: string;
  days: LocalDate[];
  workdays: LocalDate[];
}

/** A year's official arrangement, as the notice states it. */
export interface YearArrangement {
  year: number;
  holidays: HolidayEntry[];
}

/** Why a notice text was refused; `detail` fills the user's message. */
export type ArrangementRefusal =
  | { code: 'empty' }
  | { code: 'noName'; line: string }
  | { code: 'noHoliday'; line: string }
  | { code: 'badDate'; text: string }
  | { code: 'weekdayMismatch'; text: string; actual: string }
  | { code: 'countMismatch'; name: string; stated: number; counted: number }
  | { code: 'reversedRange'; text: string }
  | { code: 'workdayNotWeekend'; text: string }
  | { code: 'outOfYear'; text: string }
  | { code: 'duplicateDay'; text: string };

export type ArrangementParse = { ok: true; arrangement: YearArrangement } | { ok: false; refusal: ArrangementRefusal };

const WEEKDAY_NAMES = ['一', '二', '三', '四', '五', '六', '日'];
const WEEKDAY_WORDS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

/** `1月4日（周日）` → `周日`: the weekday as the notice writes it. */
export function weekdayName(day: LocalDate): string {
  return `周${WEEKDAY_NAMES[isoWeekday(day) - 1]}`;
}

function isoWeekday(day: LocalDate): number {
  return DateTime.fromISO(day, { zone: 'utc' }).weekday;
}

const DATE_TOKEN = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(]([^）)]*)[）)])?/g;
const RANGE_WORDS = /^\s*(至|到|-|—|–|~|～)\s*$/;

interface Reading {
  days: LocalDate[];
}

/**
 * Dates of one clause: `1月1日至3日`, `2月14日（周六）、2月28日（周六）`, `2023年12月30日至2024年1月1日`.
 * Month and year carry over from the previous date, as the notice writes them.
 */
function readDates(clause: string, year: number): Reading | ArrangementRefusal {
  const days: LocalDate[] = [];
  let month: number | null = null;
  let currentYear = year;
  let previous: { day: LocalDate; end: number } | null = null;
  for (const m of clause.matchAll(DATE_TOKEN)) {
    const text = m[0];
    if (m[1]) currentYear = Number(m[1]);
    if (m[2]) month = Number(m[2]);
    if (month === null) return { code: 'badDate', text };
    const date = DateTime.fromObject({ year: currentYear, month, day: Number(m[3]) }, { zone: 'utc' });
    if (!date.isValid) return { code: 'badDate', text };
    const day = date.toISODate() as LocalDate;
    const stated = /(?:周|星期)([一二三四五六日天])/.exec(m[4] ?? '');
    if (stated && WEEKDAY_WORDS[stated[1]] !== date.weekday) return { code: 'weekdayMismatch', text, actual: weekdayName(day) };
    const between = previous ? clause.slice(previous.end, m.index) : '';
    if (previous && RANGE_WORDS.test(between)) {
      if (day <= previous.day) return { code: 'reversedRange', text: clause.slice(0, m.index + text.length).trim() };
      for (let d = DateTime.fromISO(previous.day, { zone: 'utc' }).plus({ days: 1 }); d <= date; d = d.plus({ days: 1 })) days.push(d.toISODate() as LocalDate);
    } else {
      days.push(day);
    }
    previous = { day, end: m.index + text.length };
  }
  return { days };
}

function isRefusal(v: Reading | ArrangementRefusal): v is ArrangementRefusal {
  return 'code' in v;
}

/** Strips `一、` `1.` `（一）` from the start of a line. */
function stripEnumerator(line: string): string {
  return line.replace(/^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）]?[、.．]?\s*)/, '').trim();
}

/**
 * Reads a year's arrangement from the notice text, one holiday a line:
 * `元旦：1月1日（周五）至3日（周日）放假，共3天。` / `春节：2月6日至13日放假调休，共8天。2月20日（周六）上班。`
 * Refuses a wrong weekday, a count that does not match the range, a make-up day that is not a
 * weekend, a day listed twice, or a date far from the year.
 */
export function parseArrangement(year: number, text: string): ArrangementParse {
  const lines = text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter((l) => l && /\d/.test(l));
  if (lines.length === 0) return { ok: false, refusal: { code: 'empty' } };
  const holidays: HolidayEntry[] = [];
  const seen = new Set<LocalDate>();
  const first = `${year - 1}-12-01`;
  const last = `${year + 1}-01-31`;
  for (const raw of lines) {
    const line = stripEnumerator(raw);
    const colon = line.search(/[：:]/);
    if (colon <= 0) return { ok: false, refusal: { code: 'noName', line: raw } };
    const name = line.slice(0, colon).trim();
    const body = line.slice(colon + 1);
    const entry: HolidayEntry = { name, days: [], workdays: [] };
    let stated: number | null = null;
    for (const sentence of body.split(/[。；;]/)) {
      const total = /共\s*(\d+)\s*天/.exec(sentence);
      if (total) stated = Number(total[1]);
      const offAt = sentence.indexOf('放假');
      if (offAt >= 0) {
        const read = readDates(sentence.slice(0, offAt), year);
        if (isRefusal(read)) return { ok: false, refusal: read };
        entry.days.push(...read.days);
        continue;
      }
      const workAt = sentence.indexOf('上班');
      if (workAt >= 0) {
        const read = readDates(sentence.slice(0, workAt), year);
        if (isRefusal(read)) return { ok: false, refusal: read };
        for (const d of read.days) if (isoWeekday(d) < 6) return { ok: false, refusal: { code: 'workdayNotWeekend', text: `${monthDayText(d)}（${weekdayName(d)}）` } };
        entry.workdays.push(...read.days);
      }
    }
    if (entry.days.length === 0) return { ok: false, refusal: { code: 'noHoliday', line: raw } };
    if (stated !== null && stated !== entry.days.length) return { ok: false, refusal: { code: 'countMismatch', name, stated, counted: entry.days.length } };
    for (const d of [...entry.days, ...entry.workdays]) {
      if (d < first || d > last) return { ok: false, refusal: { code: 'outOfYear', text: d } };
      if (seen.has(d)) return { ok: false, refusal: { code: 'duplicateDay', text: monthDayText(d) } };
      seen.add(d);
    }
    holidays.push(entry);
  }
  return { ok: true, arrangement: { year, holidays } };
}

/** `1月4日`, with the year in front when it is not `year`. */
export function monthDayText(day: LocalDate, year?: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${year !== undefined && y !== year ? `${y}年` : ''}${m}月${d}日`;
}

/** Consecutive runs of days, for writing `1月1日至1月3日` rather than every day. */
export function runsOf(days: readonly LocalDate[]): LocalDate[][] {
  const sorted = [...days].sort();
  const runs: LocalDate[][] = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    const next = run ? (DateTime.fromISO(run[run.length - 1], { zone: 'utc' }).plus({ days: 1 }).toISODate() as LocalDate) : null;
    if (run && next === d) run.push(d);
    else runs.push([d]);
  }
  return runs;
}

// ---- statutory days without an arrangement ---------------------------------------------------

/** The statutory public holidays (全体公民放假的节日, as amended 2024, in force from 2025). */
export const STATUTORY_HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;

const statutoryCache = new Map<number, YearArrangement>();

/**
 * The statutory days off of a year nobody has entered an arrangement for: 元旦 1 Jan; 春节 除夕 and
 * 正月初一至初三; 清明 the solar term; 劳动节 1–2 May; 端午 五月初五; 中秋 八月十五; 国庆 1–3 Oct.
 * No make-up working days: those exist only once the State Council has published them.
 */
export function statutoryArrangement(year: number): YearArrangement {
  const cached = statutoryCache.get(year);
  if (cached) return cached;
  const iso = (month: number, day: number) => DateTime.fromObject({ year, month, day }, { zone: 'utc' }).toISODate() as LocalDate;
  const springFirst = lunarToSolar(year, 1, 1);
  const shift = (d: LocalDate, n: number) => DateTime.fromISO(d, { zone: 'utc' }).plus({ days: n }).toISODate() as LocalDate;
  const arrangement: YearArrangement = {
    year,
    holidays: [
      { name: '元旦', days: [iso(1, 1)], workdays: [] },
      { name: '春节', days: [-1, 0, 1, 2].map((n) => shift(springFirst, n)), workdays: [] },
      { name: '清明节', days: [iso(4, qingmingDay(year))], workdays: [] },
      { name: '劳动节', days: [iso(5, 1), iso(5, 2)], workdays: [] },
      { name: '端午节', days: [lunarToSolar(year, 5, 5)], workdays: [] },
      { name: '中秋节', days: [lunarToSolar(year, 8, 15)], workdays: [] },
      { name: '国庆节', days: [iso(10, 1), iso(10, 2), iso(10, 3)], workdays: [] },
    ],
  };
  statutoryCache.set(year, arrangement);
  return arrangement;
}

/**
 * The Gregorian day in `year` of a (non-leap) lunar month and day. The conversion is the
 * `chinese-days` package's lunar table (1900–2100); we read only its lunar fields, which do not
 * depend on the process's time zone.
 */
function lunarToSolar(year: number, lunarMonth: number, lunarDay: number): LocalDate {
  // A lunar month/day falls at most ~50 days after the same Gregorian month/day.
  let d = DateTime.fromObject({ year, month: lunarMonth, day: 1 }, { zone: 'utc' }).minus({ days: 5 });
  for (let i = 0; i < 90; i++, d = d.plus({ days: 1 })) {
    const iso = d.toISODate() as LocalDate;
    const lunar = getLunarDate(iso);
    if (lunar.lunarYear === year && lunar.lunarMon === lunarMonth && lunar.lunarDay === lunarDay && !lunar.isLeap) return iso;
  }
  throw new RangeError(`no lunar ${lunarMonth}/${lunarDay} found in ${year}`);
}

/** 清明 (the solar term 4–6 April): the usual 21st-century formula, floor(Y·0.2422 + 4.81) − floor(Y/4). */
function qingmingDay(year: number): number {
  const y = year % 100;
  return Math.floor(y * 0.2422 + (year >= 2000 ? 4.81 : 5.59)) - Math.floor(y / 4);
}
