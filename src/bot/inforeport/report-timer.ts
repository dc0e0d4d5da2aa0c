/**
 * The report days' firings: the prompt card in each grid's group, the reminder to who has not
 * reported, and the summary to the grid head and the community. Holidays move the report to the
 * next working day, or skip it (the 报送节假日 setting).
 */
import { z } from 'zod';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { planReportFiring } from '../../domain/inforeport/period';
import type { OrgUnit } from '../../domain/org/org';
import { t } from '../texts';
import type { TimerContext, TimerHandler } from '../timers';
import { communityOf, gridHeads, namesOf, tellGrid } from '../attendance/grid';
import { fanoutTimer, gridStepTimer, scheduleFanout } from '../schedules/fanout';
import type { InfoReportRepos } from './ports';
import { holidayMode } from './commands';
import { answerLine, promptCard } from './format';

export const REPORT_FIRE_TIMER = 'inforeport-fire';
const STEPS = ['prompt', 'reminder', 'summary'] as const;
type Step = (typeof STEPS)[number];

export function reportTimers(calendar: WorkingCalendar): TimerHandler<InfoReportRepos>[] {
  const fire: TimerHandler<InfoReportRepos> = {
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

  const perGrid = gridStepTimer<InfoReportRepos>('inforeport', (ctx, grid, step, period) => runGridStep(ctx, grid, step as Step, period));

  return [fire, fanoutTimer('inforeport'), perGrid];
}

async function runGridStep(ctx: TimerContext<InfoReportRepos>, grid: OrgUnit, step: Step, period: string): Promise<void> {
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
