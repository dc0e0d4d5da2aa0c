/**
 * The calendar area: 放假安排 lists a year's official arrangement and the county's own days,
 * 录入放假安排 enters or corrects a year from the State Council notice's wording, 增加休息日 /
 * 取消休息日 keep the county's extra days off, and a weekly reminder asks admins for next year's
 * arrangement from 1 December while it is missing.
 */
import { DateTime } from 'luxon';
import type { BotModule } from '../bot';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { arg, defineCommand, usageError, type ParseResult } from '../commands/framework';
import type { TimerHandler } from '../timers';
import type { ScheduleDeclaration } from '../schedules/registry';
import { Notifier } from '../notify';
import { monthDayText, parseArrangement, runsOf, weekdayName, type ArrangementRefusal, type LocalDate, type WorkingCalendar } from '../../domain/calendar';
import { ARRANGEMENTS_SETTING, LOCAL_CALENDAR_SETTING, storedArrangements, storedLocalCalendar } from './source';

export { CalendarSource, ARRANGEMENTS_SETTING, LOCAL_CALENDAR_SETTING } from './source';

export const ARRANGEMENT_CHECK_TIMER = 'calendar-arrangement-check';
/** Last reminder sent, `{ year, day }`: reminders repeat weekly whatever the schedule's pattern. */
const REMINDED_SETTING = 'calendar.arrangementReminded';

export const CALENDAR_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'calendar-arrangement-check', name: '放假安排提醒', defaultPattern: '0 0 9 * * *', timerName: ARRANGEMENT_CHECK_TIMER, description: 'schedule.desc.arrangementCheck' },
];

const yearArg = (label: TextKey = 'arg.year') => ({
  label,
  optional: false,
  rest: false,
  parse: (raw: string): ParseResult<number> => {
    const year = Number(raw.replace(/年$/, ''));
    return Number.isInteger(year) && year >= 2000 && year <= 2100 ? { ok: true, value: year } : { ok: false, reason: t('calendar.badYear', { year: raw }) };
  },
});

const dateArg = {
  label: 'arg.localDate' as TextKey,
  optional: false,
  rest: false,
  parse: (raw: string): ParseResult<LocalDate> => {
    const m = /^(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?$/.exec(raw);
    const date = m ? DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: 'utc' }) : null;
    return date?.isValid ? { ok: true, value: date.toISODate() as LocalDate } : { ok: false, reason: t('calendar.badDate', { date: raw }) };
  },
};

function dayText(day: LocalDate, year: number): string {
  return t('calendar.day', { date: monthDayText(day, year), weekday: weekdayName(day) });
}

function daysText(days: readonly LocalDate[], year: number): string {
  return runsOf(days)
    .map((run) => (run.length === 1 ? dayText(run[0], year) : t('calendar.range', { from: dayText(run[0], year), to: dayText(run[run.length - 1], year) })))
    .join(t('common.separator'));
}

/** A year's listing: where the official days come from, each holiday, the county's own days. */
export function arrangementListing(calendar: WorkingCalendar, year: number, enteredAt?: string, shown = calendar.arrangementOf(year)): string[] {
  const { source, arrangement } = shown;
  const lines = [t('calendar.title', { year }) + t(`calendar.source.${source}`, { at: enteredAt ?? '' })];
  for (const h of arrangement.holidays) {
    const off = h.days.length ? t('calendar.line', { name: h.name, days: daysText(h.days, year), count: h.days.length }) : h.name;
    lines.push(off + (h.workdays.length ? t('calendar.workdays', { days: daysText(h.workdays, year) }) : ''));
  }
  const inYear = (d: LocalDate) => d.startsWith(`${year}-`);
  const local = calendar.localHolidays.filter(inYear);
  if (local.length) lines.push(t('calendar.local', { days: local.map((d) => dayText(d, year)).join(t('common.separator')) }));
  const localWork = calendar.localWorkdays.filter(inYear);
  if (localWork.length) lines.push(t('calendar.localWork', { days: localWork.map((d) => dayText(d, year)).join(t('common.separator')) }));
  return lines;
}

function refusalText(r: ArrangementRefusal): string {
  const { code, ...params } = r;
  return t(`calendar.refused.${code}` as TextKey, params as Record<string, string | number>);
}

export function createCalendarModule(): BotModule {
  const list = defineCommand({
    id: 'holidays',
    name: '放假安排',
    aliases: ['节假日'],
    access: 'member',
    args: { year: arg.optional(yearArg()) },
    async run(ctx, { year }) {
      const calendar = ctx.tx.calendar;
      const shown = year ?? calendar.toLocal(ctx.now).year;
      const stored = (await storedArrangements(ctx.repos.settings))[String(shown)];
      const at = stored?.enteredAt ? calendar.toLocal(new Date(stored.enteredAt)).toFormat('yyyy-MM-dd') : undefined;
      const lines = arrangementListing(calendar, shown, at);
      return { text: lines.join('\n'), card: { title: lines[0], lines: lines.slice(1) } };
    },
  });

  const enter = defineCommand({
    id: 'enterHolidays',
    name: '录入放假安排',
    aliases: ['更正放假安排'],
    access: 'admin',
    args: { year: yearArg(), notice: arg.text('arg.notice') },
    async run(ctx, { year, notice }) {
      const parsed = parseArrangement(year, notice);
      if (!parsed.ok) throw usageError('enterHolidays', 'calendar.refused.footer', {}, [refusalText(parsed.refusal)]);
      const all = await storedArrangements(ctx.repos.settings);
      const previous = all[String(year)] ?? null;
      all[String(year)] = { ...parsed.arrangement, enteredAt: ctx.now.toISOString(), enteredBy: ctx.member!.id };
      await ctx.repos.settings.put(ARRANGEMENTS_SETTING, all, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'calendar.arrangement', target: String(year), detail: { previous, next: parsed.arrangement } });
      const calendar = ctx.tx.calendar;
      const lines = arrangementListing(calendar, year, undefined, { source: 'entered', arrangement: parsed.arrangement });
      return [t('calendar.entered', { year, count: parsed.arrangement.holidays.length }), ...lines.slice(1)].join('\n');
    },
  });

  const addDayOff = defineCommand({
    id: 'addDayOff',
    name: '增加休息日',
    aliases: ['本地休息日'],
    access: 'admin',
    args: { date: dateArg, note: arg.optional(arg.text('arg.note')) },
    async run(ctx, { date, note }) {
      const local = await storedLocalCalendar(ctx.repos.settings);
      const days = new Set(local.extraHolidays ?? []);
      if (days.has(date)) return t('calendar.dayOffAlready', { date });
      days.add(date);
      await ctx.repos.settings.put(LOCAL_CALENDAR_SETTING, { ...local, extraHolidays: [...days].sort(), extraWorkdays: (local.extraWorkdays ?? []).filter((d) => d !== date) }, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'calendar.dayOff.add', target: date, detail: { note: note ?? null } });
      return t('calendar.dayOffAdded', { date, weekday: weekdayName(date), note: note ? `（${note}）` : '' });
    },
  });

  const removeDayOff = defineCommand({
    id: 'removeDayOff',
    name: '取消休息日',
    access: 'admin',
    args: { date: dateArg },
    async run(ctx, { date }) {
      const local = await storedLocalCalendar(ctx.repos.settings);
      if (!(local.extraHolidays ?? []).includes(date)) throw new SessionError('calendar.dayOffUnknown', { date });
      await ctx.repos.settings.put(LOCAL_CALENDAR_SETTING, { ...local, extraHolidays: (local.extraHolidays ?? []).filter((d) => d !== date) }, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'calendar.dayOff.remove', target: date });
      return t('calendar.dayOffRemoved', { date });
    },
  });

  const check: TimerHandler = {
    name: ARRANGEMENT_CHECK_TIMER,
    async run(ctx) {
      const calendar = ctx.tx.calendar;
      const today = calendar.toLocal(ctx.now);
      const year = today.month === 12 ? today.year + 1 : today.year;
      if (calendar.arrangementOf(year).source !== 'statutory') return;
      const last = await ctx.tx.repos.settings.get<{ year: number; day: LocalDate }>(REMINDED_SETTING);
      const day = calendar.localDate(ctx.now);
      if (last?.year === year && calendar.addCalendarDays(last.day, 7) > day) return;
      await ctx.tx.repos.settings.put(REMINDED_SETTING, { year, day }, ctx.now);
      const admins = (await ctx.tx.repos.org.membersWithRole(0, 'admin')).map((m) => m.id);
      await new Notifier(ctx.tx).members(admins, { text: t('calendar.reminder', { year }) });
    },
  };

  return { commands: [list, enter, addDayOff, removeDayOff], timers: [check], schedules: CALENDAR_SCHEDULES };
}
