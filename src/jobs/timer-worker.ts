/**
 * Runs timed work: each firing (a delayed reminder rung, a job-scheduler tick) is handled once,
 * in a transaction keyed by the job id, by the handler registered under the job's name.
 */
import { Worker, type Job } from 'bullmq';
import type { CoreRepos, UnitOfWork } from '../bot/ports';
import { timerContext, type TimerRegistry } from '../bot/timers';
import type { Logger } from '../log';
import { TIMERS_QUEUE, type RedisConnections } from './queues';
import { MAX_STALLED_COUNT, cappedBackoff, classifyFailure } from './retry';

export function timerKey(job: Pick<Job, 'id' | 'name'>): string {
  return `timer|${job.name}|${job.id}`.slice(0, 191);
}

export function startTimerWorker<R extends CoreRepos>(opts: { timers: TimerRegistry<R>; uow: UnitOfWork<R>; connections: RedisConnections; prefix: string; logger: Logger; lockMs: number; concurrency?: number }): Worker {
  const { timers, uow, logger } = opts;
  const worker = new Worker(
    TIMERS_QUEUE,
    async (job: Job) => {
      const handler = timers.get(job.name);
      if (!handler) {
        logger.error({ jobId: job.id, name: job.name }, 'no handler for timer job');
        return;
      }
      const outcome = await uow
        .runOnce(timerKey(job), (tx) => handler.run(timerContext(tx, String(job.id)), (job.data ?? {}) as Record<string, unknown>))
        .catch((err: unknown) => classifyFailure(err, job.attemptsMade));
      logger.debug({ jobId: job.id, name: job.name, ran: outcome.ran }, 'timer fired');
    },
    { connection: opts.connections.worker(), prefix: opts.prefix, concurrency: opts.concurrency ?? 4, lockDuration: opts.lockMs, stalledInterval: opts.lockMs, maxStalledCount: MAX_STALLED_COUNT, settings: { backoffStrategy: cappedBackoff } },
  );
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id, name: job?.name }, 'timer job failed'));
  worker.on('error', (err) => logger.warn({ err }, 'timer worker error'));
  return worker;
}
