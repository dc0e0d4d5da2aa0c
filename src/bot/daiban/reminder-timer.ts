/**
 * A rung of a 代办's time-limit ladder, fired by the jobs layer once per job id (src/jobs/timer-worker.ts):
 * the handler reads the request afresh and tells only while it is open and the rung is for its current limit.
 */
import { z } from 'zod';
import type { TimerContext, TimerHandler } from '../timers';
import type { DaibanRepos } from './ports';
import { DAIBAN_REMINDER_TIMER, type DaibanService } from './service';

const jobSchema = z.object({
  number: z.string().min(1).max(20),
  deadlineVersion: z.number().int().min(1),
  rung: z.object({
    key: z.string().min(1).max(32),
    kind: z.enum(['remind', 'overdue', 'urge', 'supervise']),
    audience: z.enum(['assignee', 'assignee+gridHead', 'community', 'levelAbove']),
  }),
});

export function daibanReminderTimer(service: DaibanService): TimerHandler<DaibanRepos> {
  return {
    name: DAIBAN_REMINDER_TIMER,
    async run(ctx: TimerContext<DaibanRepos>, data: Record<string, unknown>) {
      const parsed = jobSchema.safeParse(data);
      if (!parsed.success) return;
      await service.remind(ctx.tx, parsed.data.number, parsed.data.deadlineVersion, parsed.data.rung);
    },
  };
}
