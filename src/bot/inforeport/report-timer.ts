/**
 * The report days' firings: the prompt card in each grid's group, the reminder to who has not
 * reported, and the summary to the grid head (the community gets one digest, ./digest.ts). Holidays move the report to the
 * next working day, or skip it (the 报送节假日 setting).
 */
import { z } from 'zod';
import { planReportFiring } from '../../domain/inforeport/period';
import type { OrgUnit } from '../../domain/org/org';
import { t } from '../texts';
import type { TimerContext, TimerHandler } from '../timers';
import { gridHeads, namesOf, tellGrid } from '../attendance/grid';
import { communityDigestTimer, gridSummary } from './digest';
import { fanoutTimer, gridStepTimer, scheduleFanout } from '../schedules/fanout';
import type { InfoReportRepos } from './ports';
import { holidayMode } from './commands';
import { promptCard } from './format';

export const REPORT_FIRE_TIMER = 'inforeport-fire';
const STEPS = ['prompt', 'reminder', 'summary'] as const;
type Step = (typeof STEPS)[number];

export function reportTimers(): TimerHandler<InfoReportRepos>[] {
  const fire: TimerHandler<InfoReportRepos> = {
    name: REPORT_FIRE_TIMER,
    async run(ctx, data) {
      const { step } = z.object({ step: z.enum(STEPS) }).parse(data);
      const plan = planReportFiring(ctx.tx.calendar, ctx.tx.calendar.localDate(ctx.now), await holidayMode(ctx.tx));
      if (plan.kind === 'skip') return;
      if (plan.kind === 'run') return scheduleFanout(ctx.tx, 'inforeport', step, plan.period, ctx.now);
      // Moved past a holiday: the same clock time on the next working day.
      const clock = ctx.tx.calendar.clockOf(ctx.now);
      scheduleFanout(ctx.tx, 'inforeport', step, plan.period, ctx.tx.calendar.at(plan.period, clock));
    },
  };

  const perGrid = gridStepTimer<InfoReportRepos>('inforeport', (ctx, grid, step, period) => runGridStep(ctx, grid, step as Step, period));

  return [fire, fanoutTimer('inforeport', ['summary']), perGrid, communityDigestTimer()];
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
  // The grid head gets the grid's summary; the community gets one digest of all its grids (./digest.ts).
  const summary = await gridSummary(tx, grid, period);
  if (summary) await ctx.notify.members(await gridHeads(tx, grid), summary.message);
}
