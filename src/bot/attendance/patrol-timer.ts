/**
 * The daily patrol rule (巡查): a reminder in the afternoon to gridworkers who have not patrolled,
 * and an end-of-day list to the grid head, fanned out per grid on working days.
 */
import { z } from 'zod';
import { patrolStanding } from '../../domain/attendance/patrol';
import { planPatrolFiring } from '../../domain/inforeport/period';
import type { OrgUnit } from '../../domain/org/org';
import { t } from '../texts';
import type { TimerContext, TimerHandler } from '../timers';
import { fanoutTimer, gridStepTimer, scheduleFanout } from '../schedules/fanout';
import { gridHeads, namesOf, tellGrid } from './grid';
import type { AttendanceRepos } from './ports';


export const PATROL_FIRE_TIMER = 'patrol-fire';

export function patrolTimers(): TimerHandler<AttendanceRepos>[] {
  const fire: TimerHandler<AttendanceRepos> = {
    name: PATROL_FIRE_TIMER,
    async run(ctx, data) {
      const { step } = z.object({ step: z.enum(['reminder', 'summary']) }).parse(data);
      const plan = planPatrolFiring(ctx.tx.calendar, ctx.tx.calendar.localDate(ctx.now));
      if (plan.kind === 'run') scheduleFanout(ctx.tx, 'patrol', step, plan.period, ctx.now);
    },
  };

  const perGrid = gridStepTimer<AttendanceRepos>('patrol', patrolStep);

  return [fire, fanoutTimer('patrol'), perGrid];
}

async function patrolStep(ctx: TimerContext<AttendanceRepos>, grid: OrgUnit, step: string, day: string): Promise<void> {
  const { tx } = ctx;
  const workers = (await tx.repos.org.membersWithRole(grid.id, 'gridworker')).map((m) => m.id);
  if (!workers.length) return;
  const standing = patrolStanding({
    workers,
    patrolled: new Set(await tx.repos.attendance.patrolledMembers(grid.id, day)),
    onLeave: new Set(await tx.repos.attendance.onLeave(workers, day)),
  });
  const names = await namesOf(tx, workers);
  const list = (ids: number[]) => ids.map((id) => names.get(id)!).join('、');
  if (step === 'reminder') {
    if (!standing.missing.length) return;
    const text = t('patrol.reminder', { date: day, names: list(standing.missing) });
    await tellGrid(tx, ctx.notify, grid, { text }, standing.missing);
    return;
  }
  const title = t('patrol.summary.title', { grid: grid.name, date: day });
  const lines = [t('patrol.summary.done', { names: list(standing.done) || t('common.none') }), t('patrol.summary.missing', { names: list(standing.missing) || t('common.none') })];
  if (standing.excused.length) lines.push(t('patrol.summary.leave', { names: list(standing.excused) }));
  await ctx.notify.members(await gridHeads(tx, grid), { text: [title, ...lines].join('\n'), card: { title, lines } });
}
