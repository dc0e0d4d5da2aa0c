/**
 * The outbox: rows committed with the work that caused them become BullMQ jobs with the rows' own
 * deterministic ids, and one sender per channel delivers them within the platform's rate limit,
 * retrying transient failures with backoff and reporting permanent ones once.
 */
import { DelayedError, UnrecoverableError, Worker, RateLimitError, type Job } from 'bullmq';
import cron from 'node-cron';
import type { ChannelName } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { forAudience } from '../bot/group-privacy';
import { ChannelUnavailableError, PermanentSendError, TransientSendError, type ChannelSender, type Delivery } from './delivery';
import { outageProbeDelay, type ChannelOutage, type ChannelOutages } from './channel-outages';
import { targetHold, type SendHolds } from './send-holds';
import { SendRate } from './send-rate';
import type { OutboxStore, StoredOutboxRow } from './outbox-store';
import type { OutboxPayload } from './outbox-payload';
import { CAPPED_BACKOFF, INFRASTRUCTURE_ATTEMPTS, MAX_STALLED_COUNT } from './retry';
import { outboxQueueName, type QueueRegistry, type RedisConnections } from './queues';

export interface PermanentFailure {
  outboxId: string;
  channel: ChannelName;
  target: string;
  reason: string;
  /** The refused delivery's target, as the Delivery had it. */
  deliveryTarget: Delivery['target'];
  /** The processed key of the work that produced the message (`in|channel|messageId` for a message). */
  sourceKey: string;
}

/** A send job's options: kept an hour once sent (a re-dispatch of a sent row adds nothing meanwhile). */
const SEND_JOB_OPTIONS = { attempts: 12, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/** How long dispatched row ids wait to be marked in one statement, and how many at most. */
const MARK_DISPATCHED_MS = 50;
const MARK_DISPATCHED_BATCH = 500;
/** Up to this many messages of one channel are queued with one add each rather than one addBulk. */
const SINGLE_ADDS = 3;

export class OutboxDispatcher {
  /** Rows handed to their queues whose dispatched_at is not written yet. */
  private unmarked: string[] = [];
  private markTimer: NodeJS.Timeout | null = null;
  private marking: Promise<void> = Promise.resolve();

  constructor(
    private readonly queues: QueueRegistry,
    private readonly store: OutboxStore,
    private readonly enabledChannels: ReadonlySet<ChannelName>,
    private readonly logger: Logger,
  ) {}

  /**
   * Hands committed rows to their queues; safe to call twice for the same rows. Their dispatched_at
   * is written for many rows at once, shortly after: until then the relay may hand a row on again,
   * which adds nothing (the job id is the row's id; a sent row is marked dispatched as it is sent).
   */
  async dispatch(rows: StoredOutboxRow[]): Promise<void> {
    // Messages for one channel go to its queue in commit order; everything else one by one.
    const sends = new Map<ChannelName, { row: StoredOutboxRow; data: SendJobData }[]>();
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as OutboxPayload;
      if (payload.kind === 'message' && this.enabledChannels.has(payload.channel)) {
        // The stored payload travels with the job: the sender's first try need not read the row.
        const data: SendJobData = row.stored === undefined ? { id: row.id } : { id: row.id, stored: row.stored, source: row.sourceKey };
        const batch = sends.get(payload.channel) ?? [];
        batch.push({ row, data });
        sends.set(payload.channel, batch);
        continue;
      }
      try {
        await this.dispatchOne(row, payload);
        this.unmarked.push(row.id);
      } catch (err) {
        // Left undispatched: the relay picks it up again.
        this.logger.warn({ err, outboxId: row.id }, 'outbox dispatch failed; will retry');
      }
    }
    for (const [channel, all] of sends) {
      // A fan-out's thousands of rows in slices, so Redis is not held by one huge transaction.
      for (let i = 0; i < all.length; i += MARK_DISPATCHED_BATCH) {
        const batch = all.slice(i, i + MARK_DISPATCHED_BATCH);
        try {
          const queue = this.queues.get(outboxQueueName(channel));
          // A message's few replies: one script call each, all sent in this tick on the queue's one
          // connection, so Redis runs them in commit order. addBulk builds an ioredis pipeline, which
          // copies every script BullMQ defines on the connection and costs more CPU than the extra
          // writes (docs/decisions.md); it pays off for a fan-out.
          if (batch.length <= SINGLE_ADDS) await Promise.all(batch.map(({ row, data }) => queue.add('send', data, { jobId: row.id, ...SEND_JOB_OPTIONS })));
          else await queue.addBulk(batch.map(({ row, data }) => ({ name: 'send', data, opts: { jobId: row.id, ...SEND_JOB_OPTIONS } })));
          for (const { row } of batch) this.unmarked.push(row.id);
        } catch (err) {
          // Left undispatched: the relay picks them up again (their ids make a second add a no-op).
          this.logger.warn({ err, count: batch.length, first: batch[0].row.id }, 'outbox dispatch failed; will retry');
        }
      }
    }
    if (this.unmarked.length >= MARK_DISPATCHED_BATCH) void this.flush();
    else if (this.unmarked.length && !this.markTimer) {
      this.markTimer = setTimeout(() => void this.flush(), MARK_DISPATCHED_MS);
      this.markTimer.unref();
    }
  }

  /** Writes dispatched_at of the rows handed on so far (also on shutdown). */
  flush(): Promise<void> {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = null;
    const ids = this.unmarked.splice(0);
    if (!ids.length) return this.marking;
    this.marking = this.marking.then(async () => {
      for (let i = 0; i < ids.length; i += MARK_DISPATCHED_BATCH) {
        await this.store.markDispatched(ids.slice(i, i + MARK_DISPATCHED_BATCH), new Date()).catch((err: unknown) => this.logger.warn({ err, count: ids.length }, 'could not mark outbox rows dispatched; the relay hands them on again'));
      }
    });
    return this.marking;
  }

  private async dispatchOne(row: StoredOutboxRow, payload: OutboxPayload): Promise<void> {
    if (payload.kind === 'message') {
      if (!this.enabledChannels.has(payload.channel)) {
        await this.store.markFailed(row.id, `channel ${payload.channel} is not configured`, new Date());
        this.logger.warn({ outboxId: row.id, channel: payload.channel }, 'message for a channel that is not configured');
        return;
      }
      return; // configured channels: dispatch's batches
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
  startRelay(intervalExpression = '*/10 * * * * *'): { stop(): Promise<void> } {
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
    return {
      stop: () => {
        void task.stop();
        return this.flush();
      },
    };
  }
}

/**
 * BullMQ's limiter counts jobs in fixed windows: `max: 20, duration: 1000` lets 20 go at the end of
 * one window and 20 more at the start of the next, 40 within one second as the platform counts.
 * Spacing the jobs' starts evenly keeps the sends even; the bound is the window of send-rate.ts. Rate 0
 * (no limit) still gets a limiter, one that never binds: BullMQ honours a manual `rateLimit` (an
 * outage or a Retry-After) only on a queue that has one.
 */
export function evenLimiter(ratePerSecond: number): { max: number; duration: number } {
  if (ratePerSecond <= 0) return { max: 1_000_000, duration: 1000 };
  // A quarter faster than the rate: each limited start also waits for BullMQ's next fetch (a Redis
  // round trip, 10–20 ms on a loaded machine), so spacing at exactly 1000/rate held the channel to
  // 0.75 of its rate. The rate itself is the window in send-rate.ts, taken right before the call.
  return { max: 1, duration: Math.max(1, Math.floor(1000 / (ratePerSecond * 1.25))) };
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
  /** Channel-wide outages, shared by all processes. */
  outages: ChannelOutages;
  /** Per-target and per-API waits. */
  holds: SendHolds;
  /** Called once per outage, by the process that noticed it first: tell the admins elsewhere. */
  onChannelOutage(outage: ChannelOutage): Promise<void>;
}

/**
 * Job data of an outbox send: the row id, and the time a hold let it go (set when it was held).
 * `stored` (the payload as the row stores it, sealed) and `source` (the row's source key) let the
 * first try send without reading the row; a retried or stalled job reads it (it may be sent).
 */
interface SendJobData {
  id: string;
  heldUntil?: number;
  stored?: string;
  source?: string;
}

/**
 * Deliveries in flight at once per sender worker. One: when a channel goes down, every job in flight
 * is put back at the head of the queue, so with several in flight the held messages came back in
 * reverse order (test/wecom/outage.test.ts). Parallel sending comes from more worker processes.
 */
export const SENDER_CONCURRENCY = 1;

/**
 * Deliveries in flight per sender worker of a channel that never asks to wait (the sandbox): no
 * outage can put its jobs back, so the reason above does not apply, and deliveries to one target
 * still go one at a time in commit order (lanes). A delivery's time is mostly waiting (the store's
 * round trip, then its batch of sent marks in MariaDB), so the rate is what is in flight over that
 * wait: one capped the path at ≈ 150/s; four kept pace with handling when the machine was calm but
 * fell behind it under overload, where every wait grows (the replies piled up by ≈ 150 a second at
 * 2× offered, bench/results/scale.md "Tenth pass"); sixteen kept them at 0–7 waiting.
 */
export const NON_WAITING_SENDER_CONCURRENCY = 16;

/**
 * Runs `fn` after every earlier call with the same name in this process has settled: deliveries
 * to one target keep their commit order while deliveries to other targets overlap.
 */
export function lanes(): <T>(name: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return async (name, fn) => {
    const before = tails.get(name) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    tails.set(name, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}

/**
 * One worker per channel and process. The platform's rate limit is a window shared in Redis and
 * taken right before each call (send-rate.ts); the queue's even limiter spaces the jobs' starts so
 * the window fills smoothly rather than in bursts. Up to SENDER_CONCURRENCY deliveries are in
 * flight, so a send's own round trips do not cap the rate below the platform's; deliveries to one
 * target go one at a time in commit order within a process (several processes may interleave).
 */
export function startSenderWorker(opts: SenderWorkerOptions): Worker {
  const { sender, store, metrics, logger, outages, holds } = opts;
  const channel = sender.channel;
  let outageFailures = 0;
  const rate = new SendRate(opts.connections.producer, `${opts.connections.keyPrefix}:send-rate:${channel}`, opts.ratePerSecond);
  const inLane = lanes();

  /**
   * Puts this job back behind `hold` (in order with the others held there); it uses up no attempt.
   * With `target`, that target's hold is moved to the job's slot as well, so later messages to the
   * same target stay behind it whatever made it wait.
   */
  const delayBehind = async (job: Job<SendJobData>, token: string | undefined, hold: string, waitMs: number, target?: string): Promise<never> => {
    const now = Date.now();
    const slot = await holds.schedule(channel, hold, waitMs, now);
    if (target && target !== hold) await holds.schedule(channel, target, slot - now, now);
    await job.updateData({ ...job.data, heldUntil: slot });
    await job.moveToDelayed(slot, token);
    throw new DelayedError();
  };

  /** The row to send: from the job on its first try, else read (a retry may find it sent). */
  const rowOf = async (job: Job<SendJobData>): Promise<Pick<StoredOutboxRow, 'id' | 'status' | 'payload' | 'sourceKey'> | null> => {
    const { id, stored, source } = job.data;
    if (stored !== undefined && source !== undefined && job.attemptsStarted <= 1 && !job.data.heldUntil) return { id, status: 'pending', payload: store.open(stored), sourceKey: source };
    return store.load(id);
  };

  const worker: Worker = new Worker(
    outboxQueueName(channel),
    async (job: Job<SendJobData>, token?: string) => {
      const row = await rowOf(job);
      if (!row || row.status === 'sent' || row.status === 'failed') return;
      const payload = JSON.parse(row.payload) as OutboxPayload;
      if (payload.kind !== 'message') return;
      // DESIGN §3 step 5: the one masking step for everything addressed to a group.
      const delivery: Delivery = { id: row.id, channel, target: payload.target, message: forAudience(payload.target, payload.message), ...(payload.replyContext ? { replyContext: payload.replyContext } : {}) };
      const hold = targetHold(delivery.target);
      return inLane(hold, async () => {
        // One round trip: the target's hold, the channel's outage record (ended by a send that
        // works) and, when the target is not held, the rate window's admission.
        const released = Boolean(job.data.heldUntil && Date.now() >= job.data.heldUntil);
        const waits = sender.asksToWait !== false;
        const gate = await rate.pass(released || !waits ? null : holds.keyOf(channel, hold), waits ? outages.keyOf(channel) : null);
        // A target on hold keeps its later messages behind the held ones, so they still arrive in order.
        if (gate.held) await delayBehind(job, token, hold, 0);
        try {
          await sender.send(delivery);
        } catch (err) {
          if (err instanceof PermanentSendError) {
            await store.markFailed(row.id, err.message, new Date());
            metrics.messagesOut.inc({ channel, status: 'failed' });
            logger.error({ outboxId: row.id, channel, target: delivery.target.kind, reason: err.message }, 'permanent send failure');
            await opts.onPermanentFailure({ outboxId: row.id, channel, target: `${delivery.target.kind}:${delivery.target.id}`, reason: err.message, deliveryTarget: delivery.target, sourceKey: row.sourceKey });
            throw new UnrecoverableError(err.message);
          }
          const message = err instanceof Error ? err.message : String(err);
          await store.recordAttempt(row.id, message).catch(() => undefined);
          if (err instanceof ChannelUnavailableError) {
            outageFailures++;
            metrics.messagesOut.inc({ channel, status: 'held' });
            const { started, outage } = await outages.markDown(channel, err.reason, new Date());
            if (started) {
              metrics.channelOutages.inc({ channel });
              logger.error({ channel, reason: err.reason }, 'channel outage: messages are held until the channel works again');
              await opts.onChannelOutage(outage).catch((e: unknown) => logger.warn({ err: e, channel }, 'could not tell the admins about the channel outage'));
            }
            // The whole channel waits; the job goes back to the queue without using up an attempt.
            await worker.rateLimit(outageProbeDelay(outageFailures, err.retryAfterMs));
            throw new RateLimitError();
          }
          metrics.messagesOut.inc({ channel, status: 'retry' });
          logger.warn({ outboxId: row.id, channel, attempt: job.attemptsMade + 1, reason: message }, 'transient send failure; retrying');
          if (err instanceof TransientSendError && err.retryAfterMs) {
            if (err.scope === 'target') await delayBehind(job, token, hold, err.retryAfterMs);
            if (typeof err.scope === 'object') await delayBehind(job, token, err.scope.hold, err.retryAfterMs, err.scope.orderTarget === false ? undefined : hold);
            await worker.rateLimit(err.retryAfterMs);
            throw new RateLimitError();
          }
          throw err;
        }
        await store.markSent(row.id, new Date());
        metrics.messagesOut.inc({ channel, status: 'sent' });
        if (outageFailures > 0 || gate.outage) {
          outageFailures = 0;
          const ended = await outages.markUp(channel);
          if (ended) logger.info({ channel, since: ended.since }, 'channel outage over: held messages are being delivered');
        }
      });
    },
    {
      connection: opts.connections.worker(),
      prefix: opts.prefix,
      lockDuration: opts.lockMs,
      stalledInterval: opts.lockMs,
      maxStalledCount: MAX_STALLED_COUNT,
      // Messages to a conversation still arrive in the order they were committed (a reply before
      // the card that follows it): see inLane above.
      concurrency: sender.asksToWait === false ? NON_WAITING_SENDER_CONCURRENCY : SENDER_CONCURRENCY,
      limiter: evenLimiter(opts.ratePerSecond),
    },
  );
  worker.on('error', (err) => logger.warn({ err, channel }, 'sender worker error'));
  return worker;
}
