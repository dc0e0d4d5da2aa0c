/**
 * The outbox's stored format and the Effects that collect it inside a transaction. The jobs layer
 * owns both, so it alone names the queue each effect goes to.
 */
import type { Effects, JobEffect, MessageEffect } from '../bot/ports';
import { SCHEDULES_QUEUE, TIMERS_QUEUE } from './queues';
import { SCHEDULE_SYNC_JOB } from './schedules';

/** An outbox row's payload, as stored. */
export type OutboxPayload =
  | ({ kind: 'message' } & MessageEffect)
  | ({ kind: 'job'; queue: string } & Omit<JobEffect, 'runAt'> & { runAt: string })
  | { kind: 'cancel'; queue: string; jobId: string };

/** Effects are collected, not performed: the unit of work stores them as outbox rows with its commit. */
export class CollectingEffects implements Effects {
  readonly items: OutboxPayload[] = [];

  constructor(private readonly now: Date) {}

  send(effect: MessageEffect): void {
    this.items.push({ kind: 'message', ...effect });
  }

  schedule(job: JobEffect): void {
    this.job(TIMERS_QUEUE, job);
  }

  cancel(job: { jobId: string }): void {
    this.items.push({ kind: 'cancel', queue: TIMERS_QUEUE, jobId: job.jobId });
  }

  syncSchedule(scheduleId: string, jobId: string): void {
    this.job(SCHEDULES_QUEUE, { name: SCHEDULE_SYNC_JOB, jobId, data: { scheduleId }, runAt: this.now });
  }

  private job(queue: string, job: JobEffect): void {
    if (job.jobId.includes(':')) throw new Error(`job id must not contain ':' (${job.jobId})`);
    this.items.push({ kind: 'job', queue, ...job, runAt: job.runAt.toISOString() });
  }
}
