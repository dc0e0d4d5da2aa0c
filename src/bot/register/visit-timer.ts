/**
 * Visits on cadence (按期走访): every working day in the morning, each grid's households (and
 * places) whose tags ask for a visit that is now overdue are listed to the grid's gridworkers — 1:1, never in
 * the group (the list names special groups) — or, without gridworkers, to the grid head.
 */
import { z } from 'zod';
import { planPatrolFiring } from '../../domain/inforeport/period';
import { householdCode, placeCode } from '../../domain/register/resident';
import type { OrgUnit } from '../../domain/org/org';
import { t } from '../texts';
import type { TimerContext, TimerHandler } from '../timers';
import type { ScheduleDeclaration } from '../schedules/registry';
import { fanoutTimer, gridStepTimer, scheduleFanout } from '../schedules/fanout';
import type { RegisterAreaRepos } from './ports';
import type { RegisterService } from './service';

export const VISIT_FIRE_TIMER = 'visits-fire';

/** Most households one reminder lists; the rest are counted. */
const LIST_LIMIT = 20;

export const VISIT_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'visit-reminder', name: '走访提醒', defaultPattern: '0 30 9 * * *', timerName: VISIT_FIRE_TIMER, data: { step: 'reminder' }, description: 'schedule.desc.visitReminder' },
];

export function visitTimers(service: RegisterService): TimerHandler<RegisterAreaRepos>[] {
  const fire: TimerHandler<RegisterAreaRepos> = {
    name: VISIT_FIRE_TIMER,
    async run(ctx, data) {
      const { step } = z.object({ step: z.enum(['reminder']) }).parse(data);
      // Working days only, like the patrol reminder (holidays and make-up days from the calendar);
      // a firing in the quiet hours waits for their end, as task reminders do.
      const plan = planPatrolFiring(ctx.tx.calendar, ctx.tx.calendar.localDate(ctx.now));
      if (plan.kind === 'run') scheduleFanout(ctx.tx, 'visits', step, plan.period, ctx.tx.calendar.nextOutOfQuiet(ctx.now));
    },
  };
  const perGrid = gridStepTimer<RegisterAreaRepos>('visits', (ctx, grid) => remindGrid(service, ctx, grid));
  return [fire, fanoutTimer('visits'), perGrid];
}

async function remindGrid(service: RegisterService, ctx: TimerContext<RegisterAreaRepos>, grid: OrgUnit): Promise<void> {
  const { tx } = ctx;
  const overdue = await service.overdueHouseholds(tx.repos, grid.id, ctx.now);
  const places = await service.overduePlaces(tx.repos, grid.id, ctx.now);
  if (!overdue.length && !places.length) return;
  let audience = (await tx.repos.org.membersWithRole(grid.id, 'gridworker')).map((m) => m.id);
  if (!audience.length) audience = (await tx.repos.org.membersWithRole(grid.id, 'grid_head')).map((m) => m.id);
  const lines = overdue.slice(0, LIST_LIMIT).map((o) =>
    t('register.visit.overdueLine', { code: householdCode(o.household.id), address: o.household.address, tags: o.tags.join('、'), due: tx.calendar.formatMoment(o.dueAt, ctx.now) }),
  );
  if (overdue.length > LIST_LIMIT) lines.push(t('register.visit.more', { count: overdue.length - LIST_LIMIT }));
  lines.push(
    ...places.slice(0, LIST_LIMIT).map((o) => t('register.visit.overduePlace', { code: placeCode(o.place.id), name: o.place.name, tags: o.place.tags.join('、'), due: tx.calendar.formatMoment(o.dueAt, ctx.now) })),
  );
  const title = t(places.length ? 'register.visit.reminderTitleWithPlaces' : 'register.visit.reminderTitle', { grid: grid.name, count: overdue.length, places: places.length });
  // What the reminder discloses is a read by each recipient, in the access log like any other.
  await tx.repos.accessLog.recordMany(
    audience.flatMap((memberId) => [
      ...overdue.slice(0, LIST_LIMIT).map((o) => ({ at: ctx.now, memberId, action: 'read' as const, subject: 'household' as const, subjectId: o.household.id, unitId: grid.id, unitPath: grid.path, channel: null, conversationId: null, detail: t('register.visit.logDetail') })),
      ...places.slice(0, LIST_LIMIT).map((o) => ({ at: ctx.now, memberId, action: 'read' as const, subject: 'place' as const, subjectId: o.place.id, unitId: grid.id, unitPath: grid.path, channel: null, conversationId: null, detail: t('register.visit.logDetail') })),
    ]),
  );
  await ctx.notify.members(audience, { text: [title, ...lines].join('\n'), card: { title, lines, buttons: overdue.slice(0, 3).map((o) => ({ label: `走访 ${householdCode(o.household.id)}`, command: `户档 ${householdCode(o.household.id)}` })) } });
}
