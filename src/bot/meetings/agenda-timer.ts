/**
 * The scheduled agenda (default an hour before each meeting): for every community (周例会) or
 * town (月例会), compose the agenda and post it to the unit's groups and to the chair 1:1.
 * Fired by the schedules mechanism with `{ kind }`; safe to run twice (the agenda is recomposed).
 */
import { z } from 'zod';
import { LEADER_ROLE } from '../../domain/org/org';
import { MEETING_KINDS, MEETING_LEVEL } from '../../domain/meeting/meeting';
import type { TimerHandler } from '../timers';
import type { MeetingService } from './service';

export const AGENDA_TIMER = 'meeting-agenda';

const payload = z.object({ kind: z.enum(MEETING_KINDS) });

export function agendaTimer(service: MeetingService): TimerHandler {
  return {
    name: AGENDA_TIMER,
    async run(ctx, data) {
      const { kind } = payload.parse(data);
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
