/**
 * The twice-weekly info report (每周二、五报送): the prompt card in each grid's group, answers
 * (`报送 无变化`, one line per changed category, or a guided dialog), same-day correction, 特殊信息
 * at any time, the reminder to who has not reported and the summary to the grid head and the
 * community. Holidays move the report to the next working day, or skip it (a setting).
 */
import { z } from 'zod';
import { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { categoryOf, parseInfoAnswer, type InfoAnswer, type InfoCategory, type InfoItem } from '../../domain/inforeport/categories';
import { HOLIDAY_MODES, planReportFiring, type HolidayMode } from '../../domain/inforeport/period';
import type { OrgUnit } from '../../domain/org/org';
import type { BotModule } from '../bot';
import { arg, defineCommand, type CommandContext } from '../commands/framework';
import type { DialogHandler } from '../dialogs/dialog';
import { SessionError } from '../errors';
import type { Tx } from '../ports';
import { t, type TextKey } from '../texts';
import type { TimerContext, TimerHandler } from '../timers';
import { communityOf, dutyGrid, gridHeads, namesOf, tellGrid } from '../attendance/grid';
import { fanoutTimer, gridStepPayload, gridTimerName, scheduleFanout } from '../schedules/fanout';
import type { ScheduleDeclaration } from '../schedules/registry';
import { answerLine, categoryMenu, promptCard } from './format';

export const HOLIDAY_SETTING = 'inforeport.holiday';
export const REPORT_FIRE_TIMER = 'inforeport-fire';
const DIALOG = 'inforeport';
const STEPS = ['prompt', 'reminder', 'summary'] as const;
type Step = (typeof STEPS)[number];

export const INFO_REPORT_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'inforeport-prompt', name: '信息报送', defaultPattern: '0 0 9 * * 2,5', timerName: REPORT_FIRE_TIMER, data: { step: 'prompt' }, description: 'schedule.desc.reportPrompt' },
  { id: 'inforeport-reminder', name: '报送提醒', defaultPattern: '0 0 15 * * 2,5', timerName: REPORT_FIRE_TIMER, data: { step: 'reminder' }, description: 'schedule.desc.reportReminder' },
  { id: 'inforeport-summary', name: '报送汇总', defaultPattern: '0 30 17 * * 2,5', timerName: REPORT_FIRE_TIMER, data: { step: 'summary' }, description: 'schedule.desc.reportSummary' },
];

async function holidayMode(tx: Tx): Promise<HolidayMode> {
  const stored = await tx.repos.settings.get<string>(HOLIDAY_SETTING);
  return (HOLIDAY_MODES as readonly string[]).includes(stored ?? '') ? (stored as HolidayMode) : 'shift';
}

function describeAnswer(answer: InfoAnswer): string {
  return answerLine(answer);
}

async function saveAnswer(ctx: CommandContext, grid: OrgUnit, answer: InfoAnswer, calendar: WorkingCalendar): Promise<string> {
  const member = ctx.requireMember();
  const period = calendar.localDate(ctx.now);
  const items: InfoItem[] = answer.unchanged ? [] : answer.items;
  const { corrected } = await ctx.repos.attendance.saveInfoReport({ unitId: grid.id, memberId: member.id, period, unchanged: answer.unchanged, items, at: ctx.now });
  return t(corrected ? 'report.corrected' : 'report.saved', { date: period, grid: grid.name, answer: describeAnswer(answer) });
}

function readError(reason: string, line?: string): SessionError {
  return new SessionError(`report.error.${reason}` as TextKey, { line: line ?? '', menu: categoryMenu() });
}

export function createInfoReportModule(deps: { calendar?: WorkingCalendar } = {}): BotModule {
  const calendar = deps.calendar ?? new WorkingCalendar();

  const report = defineCommand({
    id: 'infoReport',
    name: '报送',
    aliases: ['信息报送'],
    access: 'gridworker',
    args: { content: arg.optional(arg.text('arg.reportContent')) },
    async run(ctx, { content }) {
      const grid = await dutyGrid(ctx);
      if (!content) {
        await ctx.dialog.start(DIALOG, { unitId: grid.id, step: 'pick' });
        return [t('report.dialog.pick'), categoryMenu()].join('\n');
      }
      const parsed = parseInfoAnswer(content);
      if (!parsed.ok) throw readError(parsed.reason, parsed.line);
      return saveAnswer(ctx, grid, parsed.answer, calendar);
    },
  });

  const guided: DialogHandler = {
    kind: DIALOG,
    async step(ctx, state) {
      const data = z.object({ unitId: z.number(), step: z.enum(['pick', 'detail']), pending: z.array(z.string()).default([]), items: z.array(z.object({ category: z.string(), detail: z.string() })).default([]) }).parse(state.data);
      const grid = await ctx.repos.org.unit(data.unitId);
      const text = ctx.inbound.text.trim();
      if (!grid || !text) return t('report.dialog.needText');
      if (data.step === 'pick') {
        const direct = parseInfoAnswer(text);
        if (direct.ok && direct.answer.unchanged) {
          await ctx.dialog.clear();
          return saveAnswer(ctx, grid, { unchanged: true }, calendar);
        }
        const picked = text.split(/[\s,，、]+/).filter(Boolean).map(categoryOf);
        if (!picked.length || picked.some((c) => c === null)) return [t('report.dialog.badPick'), categoryMenu()].join('\n');
        const pending = [...new Set(picked as InfoCategory[])];
        await ctx.dialog.start(DIALOG, { unitId: grid.id, step: 'detail', pending, items: [] });
        return t('report.dialog.detail', { category: pending[0] });
      }
      const [current, ...rest] = data.pending;
      const items = [...data.items, { category: current, detail: text.slice(0, 500) }] as InfoItem[];
      if (rest.length) {
        await ctx.dialog.start(DIALOG, { unitId: grid.id, step: 'detail', pending: rest, items });
        return t('report.dialog.detail', { category: rest[0] });
      }
      await ctx.dialog.clear();
      return saveAnswer(ctx, grid, { unchanged: false, items }, calendar);
    },
  };

  const special = defineCommand({
    id: 'specialInfo',
    name: '特殊信息',
    aliases: ['紧急信息'],
    access: 'gridworker',
    args: { content: arg.text('arg.reportContent') },
    async run(ctx, { content }) {
      const member = ctx.requireMember();
      const grid = await dutyGrid(ctx);
      const id = await ctx.repos.attendance.addSpecialInfo({ unitId: grid.id, memberId: member.id, text: content, at: ctx.now });
      const body = t('report.special.body', { grid: grid.name, name: member.name, text: content, time: ctx.now.toISOString() });
      const flagged = { text: body, card: { title: t('report.special.title'), fields: [{ label: t('report.special.grid'), value: grid.name }, { label: t('report.special.from'), value: member.name }], lines: [content] } };
      await ctx.notify.members(await gridHeads(ctx.tx, grid), flagged);
      const community = await communityOf(ctx.tx, grid);
      if (community) {
        await ctx.notify.unit(community, flagged);
      }
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: member.id, action: 'inforeport.special', target: `special#${id}` });
      return t('report.special.sent', { community: community?.name ?? '' });
    },
  });

  const holidays = defineCommand({
    id: 'reportHolidays',
    name: '报送节假日',
    aliases: [],
    access: 'admin',
    args: { mode: arg.optional(arg.oneOf('arg.holidayMode', ['顺延', '跳过'] as const)) },
    async run(ctx, { mode }) {
      if (!mode) return t('report.holiday.current', { mode: (await holidayMode(ctx.tx)) === 'shift' ? '顺延' : '跳过' });
      await ctx.repos.settings.put(HOLIDAY_SETTING, mode === '顺延' ? 'shift' : 'skip', ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'inforeport.holiday', detail: { mode } });
      return t('report.holiday.set', { mode });
    },
  });

  const fire: TimerHandler = {
    name: REPORT_FIRE_TIMER,
    async run(ctx, data) {
      const { step } = z.object({ step: z.enum(STEPS) }).parse(data);
      const plan = planReportFiring(calendar, calendar.localDate(ctx.now), await holidayMode(ctx.tx));
      if (plan.kind === 'skip') return;
      if (plan.kind === 'run') return scheduleFanout(ctx.tx, 'inforeport', step, plan.period, ctx.now);
      // Moved past a holiday: the same clock time on the next working day.
      const clock = new Intl.DateTimeFormat('en-GB', { timeZone: calendar.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ctx.now);
      scheduleFanout(ctx.tx, 'inforeport', step, plan.period, calendar.at(plan.period, clock));
    },
  };

  const perGrid: TimerHandler = {
    name: gridTimerName('inforeport'),
    async run(ctx, data) {
      const { step, period, unitId } = gridStepPayload.parse(data);
      const grid = await ctx.tx.repos.org.unit(unitId);
      if (!grid || grid.level !== 'grid') return;
      await runGridStep(ctx, grid, step as Step, period);
    },
  };

  return {
    commands: [report, special, holidays],
    dialogs: [guided],
    timers: [fire, fanoutTimer('inforeport'), perGrid],
    schedules: INFO_REPORT_SCHEDULES,
  };
}

async function runGridStep(ctx: TimerContext, grid: OrgUnit, step: Step, period: string): Promise<void> {
  const { tx } = ctx;
  const workers = (await tx.repos.org.membersWithRole(grid.id, 'gridworker')).map((m) => m.id);
  const onLeave = new Set(await tx.repos.attendance.onLeave(workers, period));
  const active = workers.filter((id) => !onLeave.has(id));
  const reports = await tx.repos.attendance.infoReportsOf(grid.id, period);
  const reported = new Set(reports.map((r) => r.memberId));
  const names = await namesOf(tx, workers);
  if (step === 'prompt') {
    if (!active.length) return;
    await tellGrid(tx, ctx.notify, grid, promptCard(period, active.map((id) => names.get(id)!)), active);
    return;
  }
  if (step === 'reminder') {
    const missing = active.filter((id) => !reported.has(id));
    if (!missing.length) return;
    const text = t('report.reminder', { date: period, names: missing.map((id) => names.get(id)!).join('、') });
    await tellGrid(tx, ctx.notify, grid, { text, card: { title: t('report.reminder.title'), lines: [text], buttons: [{ label: t('report.button.unchanged'), command: '报送 无变化' }, { label: t('report.button.guided'), command: '报送' }] } }, missing);
    return;
  }
  const lines: string[] = [];
  for (const r of reports) {
    const name = names.get(r.memberId) ?? (await tx.repos.org.memberSummary(r.memberId))?.name ?? `#${r.memberId}`;
    lines.push(t('report.summary.reported', { name, answer: answerLine(r.unchanged ? { unchanged: true } : { unchanged: false, items: r.items }) }));
  }
  const missing = active.filter((id) => !reported.has(id));
  if (missing.length) lines.push(t('report.summary.missing', { names: missing.map((id) => names.get(id)!).join('、') }));
  const leave = workers.filter((id) => onLeave.has(id) && !reported.has(id));
  if (leave.length) lines.push(t('report.summary.leave', { names: leave.map((id) => names.get(id)!).join('、') }));
  if (!lines.length) return;
  const title = t('report.summary.title', { grid: grid.name, date: period });
  const changed = reports.filter((r) => !r.unchanged).length;
  const fields = [
    { label: t('report.summary.field.reported'), value: `${reports.length}/${workers.length}` },
    { label: t('report.summary.field.changed'), value: String(changed) },
  ];
  const message = { text: [title, ...fields.map((f) => `${f.label}：${f.value}`), ...lines].join('\n'), card: { title, fields, lines } };
  await ctx.notify.members(await gridHeads(tx, grid), message);
  const community = await communityOf(tx, grid);
  if (community) await ctx.notify.unit(community, message);
}
