/**
 * The scheduled agenda (default an hour before each meeting): for every community (周例会) or
 * town (月例会), compose the agenda and post it to the unit's groups and to the chair 1:1.
 * Fired by the schedules mechanism with `{ kind }`; safe to run twice (the agenda is recomposed).
 */
import { z } from 'zod';
import { LEADER_ROLE } from '../../domain/org/org';
import { MEETING_KINDS, MEETING_LEVEL, occurrenceOf } from '../../domain/meeting/meeting';
import type { TimerHandler } from '../timers';
import type { MeetingService } from './service';
import type { MeetingsRepos } from './ports';

export const AGENDA_TIMER = 'meeting-agenda';

/**
 * `onlyOnAgendaDay`: the monthly meeting's day (the first working day) cannot be written as cron,
 * so its schedule fires every morning and the timer acts only on the day the agenda is due.
 */
const payload = z.object({ kind: z.enum(MEETING_KINDS), onlyOnAgendaDay: z.boolean().optional() });

export function agendaTimer(service: MeetingService): TimerHandler<MeetingsRepos> {
  return {
    name: AGENDA_TIMER,
    async run(ctx, data) {
      const { kind, onlyOnAgendaDay } = payload.parse(data);
      const calendar = ctx.tx.calendar;
      const occurrence = occurrenceOf(kind, ctx.now, calendar, calendar.timeZone, service.times);
      if (!occurrence.held) return;
      if (onlyOnAgendaDay && calendar.localDate(occurrence.agendaAt) !== calendar.localDate(ctx.now)) return;
      const level = MEETING_LEVEL[kind];
      for (const root of await ctx.tx.repos.org.roots()) {
        for (const unit of await ctx.tx.repos.org.subtree(root.path)) {
          if (unit.level !== level) continue;
          const prepared = await service.prepareAgenda(ctx.tx, kind, unit, ctx.notify);
          await ctx.notify.unit(unit, prepared.message);
          const chairs = await ctx.tx.repos.org.membersWithRole(unit.id, LEADER_ROLE[level]);
          if ((await ctx.tx.repos.org.conversationsOf(unit.id)).length) await ctx.notify.members(chairs.map((c) => c.id), prepared.message);
        }
      }
    },
  };
}
