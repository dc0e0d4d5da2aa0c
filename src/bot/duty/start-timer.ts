/**
 * At the start of each shift (08:00 白班, 20:00 夜班) everyone on duty gets the open urgent items of
 * their unit: urgent and major events still being worked on, and urgent tasks still owed.
 */
import { OPEN_EVENT_STATES } from '../../domain/event/event';
import { shiftAt } from '../../domain/duty/roster';
import { ACTIVE_TASK_STATES } from '../../domain/task/task';
import type { EventsRepos } from '../events/ports';
import type { TimerContext, TimerHandler } from '../timers';
import { t } from '../texts';

export const DUTY_START_TIMER = 'duty.start';
const LIST_LIMIT = 30;

export function dutyStartTimer<R extends EventsRepos>(): TimerHandler<R> {
  return {
    name: DUTY_START_TIMER,
    async run(ctx: TimerContext<R>) {
      const { tx } = ctx;
      const { day, shift } = shiftAt(tx.now, tx.calendar);
      for (const entry of await tx.repos.duty.forShift(day, shift)) {
        const unit = await tx.repos.org.unit(entry.unitId);
        if (!unit) continue;
        const unitIds = (await tx.repos.org.subtree(unit.path)).map((u) => u.id);
        const events = (await tx.repos.events.heldBy(unitIds, OPEN_EVENT_STATES, LIST_LIMIT)).filter((e) => e.urgency !== 'normal');
        const tasks = await tx.repos.tasks.byScope(unitIds, 'urgent', ACTIVE_TASK_STATES, LIST_LIMIT);
        const lines = [t(`duty.start.${shift}`, { unit: unit.name })];
        if (!events.length && !tasks.length) lines.push(t('duty.start.none'));
        for (const e of events) lines.push(t('duty.start.event', { number: e.number, urgency: t(`event.urgency.${e.urgency}`), description: e.description.slice(0, 40) }));
        for (const task of tasks) lines.push(t('duty.start.task', { number: task.number, title: task.title, deadline: tx.calendar.formatMoment(task.deadline, tx.now) }));
        const title = t('duty.start.title', { unit: unit.name });
        await ctx.notify.member(entry.memberId, { text: [`【${title}】`, ...lines].join('\n'), card: { title, lines } });
      }
    },
  };
}
