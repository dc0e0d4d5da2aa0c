/**
 * The receivers' side of the inbound queue: a message is durably queued under a job id derived
 * from channel + message id, so a platform's redelivery is the same job, handled once.
 */
import crypto from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Queue } from 'bullmq';
import { inboundSchema, type InboundInput, type InboundSink } from '../bot/inbound';
import type { Metrics } from '../metrics';
import { CAPPED_BACKOFF, INFRASTRUCTURE_ATTEMPTS } from './retry';

export function inboundJobId(channel: string, messageId: string): string {
  return `in-${channel}-${crypto.createHash('sha1').update(messageId).digest('hex')}`;
}

/** The processed-key of a message, for the handled-message record. */
export function inboundKey(channel: string, messageId: string): string {
  return `in|${channel}|${messageId}`.slice(0, 191);
}

function overheard(inbound: { conversation: { kind: string }; mentionedBot: boolean }): boolean {
  return inbound.conversation.kind === 'group' && !inbound.mentionedBot;
}

export function createInboundSink(queue: Queue, metrics: Metrics): InboundSink {
  return async (input: InboundInput) => {
    const inbound = inboundSchema.parse(input);
    await queue.add('inbound', inbound, {
      jobId: inboundJobId(inbound.channel, inbound.messageId),
      attempts: INFRASTRUCTURE_ATTEMPTS,
      backoff: CAPPED_BACKOFF,
      // Kept a day so a redelivery within the platform's retry window stays one job. Group talk
      // that did not address the bot (Wechaty hears a whole room) is not kept once handled: the
      // handled-message record still makes a redelivery a no-op, and people's chatter is not stored.
      removeOnComplete: overheard(inbound) ? true : { age: 24 * 3600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    metrics.messagesIn.inc({ channel: inbound.channel });
  };
}

/**
 * Backpressure for receivers that may refuse (the sandbox API, intake APIs): a receiver answers
 * 429 with Retry-After instead of accepting work the workers cannot reach soon, when either
 * - more messages wait in the inbound queue than the bound (read from Redis at most every
 *   `intervalMs`, so a refusal costs no Redis call), or
 * - this process's event loop is late by more than `maxLagMs` on average over the last interval
 *   (perf_hooks' monitorEventLoopDelay) while work piles up (more than a tenth of the bound
 *   waits). Receiving and handling share the loop when one process runs both roles: accepting
 *   every POST at full speed would take the time the workers need to handle what was accepted,
 *   and throughput would collapse instead of staying at its maximum. A late loop with nothing
 *   waiting is a slow machine, not an overload: refusing would not help anyone.
 * Receivers of platforms that stop redelivering after a few tries (WeCom, DingTalk) keep
 * accepting: refusing them would lose messages.
 */
export interface Admission {
  /** Seconds a client should wait before retrying, or null when the message may be accepted. */
  retryAfterSeconds(): number | null;
  stop(): void;
}

export interface AdmissionOptions {
  /** Waiting messages beyond which new ones are refused; 0: no bound. */
  limit: number;
  /** Mean event-loop delay (ms) over the last interval beyond which new ones are refused; 0: no bound. */
  maxLagMs: number;
  intervalMs?: number;
}

export function watchBacklog(queue: Pick<Queue, 'getWaitingCount'>, opts: AdmissionOptions): Admission {
  const { limit, maxLagMs } = opts;
  const intervalMs = opts.intervalMs ?? 250;
  if (limit <= 0 && maxLagMs <= 0) return { retryAfterSeconds: () => null, stop: () => undefined };
  let waiting = 0;
  let lagMs = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Resolution 10 ms: the histogram samples the loop's delay every 10 ms.
  const delay = maxLagMs > 0 ? monitorEventLoopDelay({ resolution: 10 }) : null;
  delay?.enable();
  const refresh = async () => {
    if (delay) {
      lagMs = delay.count > 0 ? Math.max(0, delay.mean / 1e6 - 10) : 0;
      delay.reset();
    }
    if (limit > 0) waiting = await queue.getWaitingCount().catch(() => waiting);
    if (!stopped) timer = setTimeout(() => void refresh(), intervalMs);
  };
  void refresh();
  return {
    // One second per bound-full of backlog ahead, at most 30: the queue drains at roughly the
    // rate it was allowed to fill. A late loop is a matter of the next moments: one second.
    retryAfterSeconds: () => {
      if (limit > 0 && waiting > limit) return Math.min(30, Math.ceil(waiting / limit));
      if (delay && lagMs > maxLagMs && (limit <= 0 || waiting > limit / 10)) return 1;
      return null;
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      delay?.disable();
    },
  };
}
