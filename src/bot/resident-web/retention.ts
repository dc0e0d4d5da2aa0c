/**
 * Residents' personal data is kept only as long as the settings say: every night, devices not
 * seen for `residents.retentionDays` (the residents' groups area's setting and default) lose their sealed identity, phone and photos.
 * Their reports stay (as events of the grid), but nothing links them to a person any more.
 */
import type { TimerHandler } from '../timers';
import type { ScheduleDeclaration } from '../schedules/registry';
import type { ResidentWebRepos } from './ports';

import { DEFAULT_RETENTION_DAYS, RETENTION_SETTING } from '../residents/service';

export const RETENTION_TIMER = 'resident-web-retention';

export const RETENTION_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'resident-web-retention', name: '居民设备清理', defaultPattern: '0 30 3 * * *', timerName: RETENTION_TIMER, data: {}, description: 'schedule.residentWebRetention' },
];

export async function retentionDays(repos: ResidentWebRepos): Promise<number> {
  const days = await repos.settings.get<number>(RETENTION_SETTING);
  return typeof days === 'number' && Number.isFinite(days) && days >= 1 ? Math.floor(days) : DEFAULT_RETENTION_DAYS;
}

export function retentionTimer(): TimerHandler<ResidentWebRepos> {
  return {
    name: RETENTION_TIMER,
    async run(ctx) {
      const days = await retentionDays(ctx.tx.repos);
      const removed = await ctx.tx.repos.residentWeb.purge(new Date(ctx.now.getTime() - days * 86_400_000));
      if (removed) await ctx.tx.repos.audit.record({ at: ctx.now, actorMemberId: null, action: 'residents.purge', detail: { removed, days } });
    },
  };
}
