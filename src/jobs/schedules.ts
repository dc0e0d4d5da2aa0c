/**
 * BullMQ job schedulers for the periodic work the bot modules declare (信息报送 Tue/Fri 09:00 …).
 * Processes with the 'scheduler' role upsert one scheduler per declaration at start, with the
 * pattern from settings (an admin's change survives restarts), and re-upsert one when an admin
 * changes it (a `sync` job the bot leaves in the outbox).
 *
 * The schedulers live on their own queue and each firing is forwarded to the timers queue as a job
 * whose id is derived from the scheduler id and the firing's time: two processes, or a retry of the
 * forward, add the same job once, and the timer worker runs it once in its transaction. (Keeping the
 * schedulers' always-delayed next jobs off the timers queue lets "no timer pending" mean what it says.)
 */
import { Worker, type Job, type Queue } from 'bullmq';
import { z } from 'zod';
import type { UnitOfWork } from '../bot/ports';
import { currentPattern, type ScheduleDeclaration } from '../bot/schedules/registry';
import type { Logger } from '../log';
import { SCHEDULES_QUEUE, TIMERS_QUEUE, type QueueRegistry, type RedisConnections } from './queues';
import { MAX_STALLED_COUNT, cappedBackoff } from './retry';

/** Job name of a scheduler firing on SCHEDULES_QUEUE. */
export const SCHEDULE_FIRE_JOB = 'fire';
/** Job name asking the scheduler process to re-upsert one schedule from settings. */
export const SCHEDULE_SYNC_JOB = 'sync';

export interface ScheduleOptions {
  declarations: readonly ScheduleDeclaration[];
  uow: UnitOfWork;
  queues: QueueRegistry;
  /** IANA zone the patterns are read in (config TIMEZONE). */
  timeZone: string;
  logger: Logger;
}

const payload = z.object({ scheduleId: z.string().min(1).max(100) });

async function upsertOne(opts: ScheduleOptions, declaration: ScheduleDeclaration): Promise<string> {
  const pattern = await opts.uow.read((repos) => currentPattern(repos.settings, declaration));
  await opts.queues.get(SCHEDULES_QUEUE).upsertJobScheduler(
    declaration.id,
    { pattern, tz: opts.timeZone },
    { name: SCHEDULE_FIRE_JOB, data: { scheduleId: declaration.id }, opts: { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } } },
  );
  return pattern;
}

/** Upserts every declared schedule once (idempotent: every scheduler process may do it at start). */
export async function upsertSchedules(opts: ScheduleOptions): Promise<void> {
  const known = new Set(opts.declarations.map((d) => d.id));
  for (const d of opts.declarations) {
    const pattern = await upsertOne(opts, d);
    opts.logger.debug({ schedule: d.id, pattern }, 'job scheduler upserted');
  }
  // A schedule no longer declared (a removed feature) stops firing.
  const queue = opts.queues.get(SCHEDULES_QUEUE);
  for (const s of await queue.getJobSchedulers(0, -1)) {
    if (!known.has(s.key)) await queue.removeJobScheduler(s.key);
  }
}

/** The firing time of a scheduler job: its id is `repeat:<schedulerId>:<millis>`. */
export function firingMillis(job: Pick<Job, 'id' | 'timestamp' | 'delay'>): number {
  const tail = String(job.id ?? '').split(':').pop() ?? '';
  return /^\d+$/.test(tail) ? Number(tail) : job.timestamp + (job.delay ?? 0);
}

/** The timers-queue job id of one firing: deterministic, without ':'. */
export function firingJobId(scheduleId: string, millis: number): string {
  return `${scheduleId}-${millis}`;
}

export function startScheduleWorker(opts: ScheduleOptions & { connections: RedisConnections; prefix: string; lockMs: number }): Worker {
  const { logger } = opts;
  const byId = new Map(opts.declarations.map((d) => [d.id, d]));
  const timers: Queue = opts.queues.get(TIMERS_QUEUE);
  const worker = new Worker(
    SCHEDULES_QUEUE,
    async (job: Job) => {
      const parsed = payload.safeParse(job.data);
      const declaration = parsed.success ? byId.get(parsed.data.scheduleId) : undefined;
      if (!declaration) {
        logger.warn({ jobId: job.id, name: job.name }, 'schedule job for an unknown schedule');
        return;
      }
      if (job.name === SCHEDULE_SYNC_JOB) {
        const pattern = await upsertOne(opts, declaration);
        logger.info({ schedule: declaration.id, pattern }, 'job scheduler changed');
        return;
      }
      const millis = firingMillis(job);
      await timers.add(declaration.timerName, { ...(declaration.data ?? {}), scheduleId: declaration.id, firedAt: new Date(millis).toISOString() }, {
        jobId: firingJobId(declaration.id, millis),
        attempts: 8,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
        removeOnFail: { age: 14 * 24 * 3600 },
      });
    },
    // Sync requests arrive through the outbox with the capped backoff of src/jobs/retry.ts.
    { connection: opts.connections.worker(), prefix: opts.prefix, concurrency: 2, lockDuration: opts.lockMs, stalledInterval: opts.lockMs, maxStalledCount: MAX_STALLED_COUNT, settings: { backoffStrategy: cappedBackoff } },
  );
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id, name: job?.name }, 'schedule job failed'));
  worker.on('error', (err) => logger.warn({ err }, 'schedule worker error'));
  return worker;
}
