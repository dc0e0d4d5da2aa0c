/**
 * A rung of a notice's reminder ladder, fired by the jobs layer once per job id: the recipients
 * who have not confirmed by now are reminded; a notice everybody confirmed sends nothing.
 */
import { z } from 'zod';
import type { TimerContext, TimerHandler } from '../timers';
import type { NoticesRepos } from './ports';
import { NOTICE_REMINDER_TIMER, type NoticeService } from './service';

const jobSchema = z.object({
  number: z.string().min(1).max(20),
  rung: z.object({ key: z.string().min(1).max(32), kind: z.enum(['remind', 'overdue', 'urge', 'supervise']) }),
});

export function noticeReminderTimer<R extends NoticesRepos>(service: NoticeService<R>): TimerHandler<R> {
  return {
    name: NOTICE_REMINDER_TIMER,
    async run(ctx: TimerContext<R>, data: Record<string, unknown>) {
      const parsed = jobSchema.safeParse(data);
      if (!parsed.success) return;
      await service.remind(ctx.tx, parsed.data.number, parsed.data.rung);
    },
  };
}
