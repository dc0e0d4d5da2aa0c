/**
 * The residents' area (居民群, issue 16): residents report in a grid's bound residents' group, hear
 * the result there and rate it; handlers record 回访; residents' identities are sealed and forgotten
 * after the retention. Its observer must be added to the events service (modules.ts).
 */
import type { BotModule } from '../bot';
import type { EventObserver } from '../events/ports';
import type { EventService } from '../events/service';
import type { ScheduleDeclaration } from '../schedules/registry';
import type { TimerHandler } from '../timers';
import { residentCommands } from './commands';
import type { ResidentsRepos } from './ports';
import { ResidentsService } from './service';

export { ResidentsService } from './service';

export const RESIDENTS_PURGE_TIMER = 'residents-purge';

export interface ResidentsModule {
  module: BotModule<ResidentsRepos>;
  service: ResidentsService;
  observer: EventObserver;
}

export function createResidentsModule(deps: { events: EventService }): ResidentsModule {
  const service = new ResidentsService(deps.events);
  const purge: TimerHandler<ResidentsRepos> = {
    name: RESIDENTS_PURGE_TIMER,
    run: async (ctx) => {
      await service.purge(ctx.tx);
    },
  };
  const schedules: ScheduleDeclaration[] = [{ id: 'residents-purge', name: '居民信息清理', defaultPattern: '0 30 3 * * *', timerName: RESIDENTS_PURGE_TIMER, description: 'schedule.desc.residentsPurge' }];
  return {
    module: {
      commands: residentCommands(service),
      timers: [purge],
      schedules,
      // In a bound residents' group every message is the residents' (a member there is a resident),
      // except the leader's own 绑定居民群 / 解绑居民群.
      interceptors: [
        async (ctx, text) => {
          if (ctx.inbound.conversation.kind !== 'group') return null;
          const group = await ctx.repos.residents.groupOf(ctx.inbound.channel, ctx.inbound.conversation.id);
          if (!group) return null;
          const first = text.split(/\s+/, 1)[0] ?? '';
          if (ctx.member && ['绑定居民群', '设为居民群', '解绑居民群'].includes(first)) return null;
          return service.handle(ctx, text);
        },
      ],
    },
    service,
    observer: service.observer(),
  };
}
