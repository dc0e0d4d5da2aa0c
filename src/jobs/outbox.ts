/**
 * The outbox: rows committed with the work that caused them become BullMQ jobs with the rows' own
 * deterministic ids, and one sender per channel delivers them within the platform's rate limit,
 * retrying transient failures with backoff and reporting permanent ones once.
 */
import { UnrecoverableError, Worker, RateLimitError, type Job } from 'bullmq';
import cron from 'node-cron';
import type { ChannelName } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { PermanentSendError, TransientSendError, type ChannelSender, type Delivery } from './delivery';
import type { OutboxStore, StoredOutboxRow } from './outbox-store';
import type { OutboxPayload } from './outbox-payload';
import { CAPPED_BACKOFF, INFRASTRUCTURE_ATTEMPTS, MAX_STALLED_COUNT } from './retry';
import { outboxQueueName, type QueueRegistry, type RedisConnections } from './queues';

export interface PermanentFailure {
  outboxId: string;
  channel: ChannelName;
  target: string;
  reason: string;
}

export class OutboxDispatcher {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly store: OutboxStore,
    private readonly enabledChannels: ReadonlySet<ChannelName>,
    private readonly logger: Logger,
  ) {}

  /** Hands committed rows to their queues; safe to call twice for the same rows. */
  async dispatch(rows: StoredOutboxRow[]): Promise<void> {
    const done: string[] = [];
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as OutboxPayload;
      try {
        await this.dispatchOne(row, payload);
        done.push(row.id);
      } catch (err) {
        // Left undispatched: the relay picks it up again.
        this.logger.warn({ err, outboxId: row.id }, 'outbox dispatch failed; will retry');
      }
    }
    await this.store.markDispatched(done, new Date());
  }

  private async dispatchOne(row: StoredOutboxRow, payload: OutboxPayload): Promise<void> {
    if (payload.kind === 'message') {
      if (!this.enabledChannels.has(payload.channel)) {
        await this.store.markFailed(row.id, `channel ${payload.channel} is not configured`, new Date());
        this.logger.warn({ outboxId: row.id, channel: payload.channel }, 'message for a channel that is not configured');
        return;
      }
      await this.queues.get(outboxQueueName(payload.channel)).add(
        'send',
        { id: row.id },
        { jobId: row.id, attempts: 12, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
      );
      return;
    }
    if (payload.kind === 'job') {
      const delay = Math.max(0, new Date(payload.runAt).getTime() - Date.now());
      await this.queues.get(payload.queue).add(payload.name, payload.data, {
        jobId: payload.jobId,
        delay,
        attempts: INFRASTRUCTURE_ATTEMPTS,
        backoff: CAPPED_BACKOFF,
        removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
        removeOnFail: { age: 14 * 24 * 3600 },
      });
      return;
    }
    const job = await this.queues.get(payload.queue).getJob(payload.jobId);
    if (job && (await job.isDelayed())) await job.remove().catch(() => undefined);
  }

  /** Re-dispatches rows a crash left behind. Every process may run it: dispatching is idempotent. */
  startRelay(intervalExpression = '*/10 * * * * *'): { stop(): void } {
    let running = false;
    const task = cron.schedule(intervalExpression, async () => {
      if (running) return;
      running = true;
      try {
        const rows = await this.store.undispatched(new Date(Date.now() - 5000), 500);
        if (rows.length) {
          this.logger.info({ count: rows.length }, 'relaying undispatched outbox rows');
          await this.dispatch(rows);
        }
      } catch (err) {
        this.logger.warn({ err }, 'outbox relay failed');
      } finally {
        running = false;
      }
    });
    return { stop: () => void task.stop() };
  }
}

/**
 * BullMQ's limiter counts jobs in fixed windows: `max: 20, duration: 1000` lets 20 go at the end of
 * one window and 20 more at the start of the next, 40 within one second as the platform counts.
 * One job per 1000/rate ms spaces the sends evenly, so no second holds more than `rate`.
 */
export function evenLimiter(ratePerSecond: number): { max: number; duration: number } {
  return { max: 1, duration: Math.ceil(1000 / ratePerSecond) };
}

export interface SenderWorkerOptions {
  sender: ChannelSender;
  store: OutboxStore;
  connections: RedisConnections;
  prefix: string;
  /** Messages per second this channel accepts, across all processes; 0: no limit. */
  ratePerSecond: number;
  lockMs: number;
  metrics: Metrics;
  logger: Logger;
  onPermanentFailure(failure: PermanentFailure): Promise<void>;
}

/**
 * One worker per channel and process: the platform's rate limit is the queue's limiter, and
 * delivery is in commit order within a process (several processes may interleave).
 */
export function startSenderWorker(opts: SenderWorkerOptions): Worker {
  const { sender, store, metrics, logger } = opts;
  const channel = sender.channel;
  const worker: Worker = new Worker(
    outboxQueueName(channel),
    async (job: Job<{ id: string }>) => {
      const row = await store.load(job.data.id);
      if (!row || row.status === 'sent' || row.status === 'failed') return;
      const payload = JSON.parse(row.payload) as OutboxPayload;
      if (payload.kind !== 'message') return;
      const delivery: Delivery = { id: row.id, channel, target: payload.target, message: payload.message, ...(payload.replyContext ? { replyContext: payload.replyContext } : {}) };
      try {
        await sender.send(delivery);
      } catch (err) {
        if (err instanceof PermanentSendError) {
          await store.markFailed(row.id, err.message, new Date());
          metrics.messagesOut.inc({ channel, status: 'failed' });
          logger.error({ outboxId: row.id, channel, target: delivery.target.kind, reason: err.message }, 'permanent send failure');
          await opts.onPermanentFailure({ outboxId: row.id, channel, target: `${delivery.target.kind}:${delivery.target.id}`, reason: err.message });
          throw new UnrecoverableError(err.message);
        }
        const message = err instanceof Error ? err.message : String(err);
        await store.recordAttempt(row.id, message).catch(() => undefined);
        metrics.messagesOut.inc({ channel, status: 'retry' });
        logger.warn({ outboxId: row.id, channel, attempt: job.attemptsMade + 1, reason: message }, 'transient send failure; retrying');
        if (err instanceof TransientSendError && err.retryAfterMs) {
          await worker.rateLimit(err.retryAfterMs);
          throw new RateLimitError();
        }
        throw err;
      }
      await store.markSent(row.id, new Date());
      metrics.messagesOut.inc({ channel, status: 'sent' });
    },
    {
      connection: opts.connections.worker(),
      prefix: opts.prefix,
      lockDuration: opts.lockMs,
      stalledInterval: opts.lockMs,
      maxStalledCount: MAX_STALLED_COUNT,
      // One at a time: messages to a conversation arrive in the order they were committed (a reply
      // before the card that follows it). The platforms' rate limits bound throughput anyway.
      concurrency: 1,
      ...(opts.ratePerSecond > 0 ? { limiter: evenLimiter(opts.ratePerSecond) } : {}),
    },
  );
  worker.on('error', (err) => logger.warn({ err, channel }, 'sender worker error'));
  return worker;
}
