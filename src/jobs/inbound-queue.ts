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

/** `onQueued`: told of each message queued (the receivers' admission counts it into the backlog). */
export function createInboundSink(queue: Queue, metrics: Metrics, onQueued: () => void = () => undefined): InboundSink {
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
    onQueued();
    metrics.messagesIn.inc({ channel: inbound.channel });
  };
}

/**
 * Backpressure for receivers that may refuse (the sandbox API, intake APIs): a receiver answers
 * 429 with Retry-After instead of accepting work the workers cannot reach soon, when either
 * - more messages wait in the inbound queue than the bound: the count read from Redis at most every
 *   `intervalMs`, plus what this process accepted since that count was answered (so a burst
 *   between two reads cannot pass the bound, and a refusal costs no Redis call), or
 * - this process's event loop is late by more than `maxLagMs` on average over the last interval
 *   (perf_hooks' monitorEventLoopDelay) while work piles up (more than a tenth of the bound
 *   waits). Receiving and handling share the loop when one process runs both roles: accepting
 *   every POST at full speed would take the time the workers need to handle what was accepted,
 *   and throughput would collapse instead of staying at its maximum. A late loop with nothing
 *   waiting is a slow machine, not an overload: refusing would not help anyone.
 * Retry-After grows with how oversubscribed the receiver is (refusals per acceptance over the last
 * interval): clients told "1 s" while four times more wait than can be taken come back all at once,
 * and answering their retries would again take the loop from handling.
 * Receivers of platforms that stop redelivering after a few tries (WeCom, DingTalk) keep
 * accepting: refusing them would lose messages.
 */
export interface Admission {
  /** Seconds a client should wait before retrying, or null when the message may be accepted. */
  retryAfterSeconds(): number | null;
  /** A message was queued (any channel): counted into the backlog until the next read of it. */
  accepted(): void;
  /** A request was refused: counted for the next Retry-After. */
  refused(): void;
  stop(): void;
}

export interface AdmissionOptions {
  /** Waiting messages beyond which new ones are refused; 0: no bound. */
  limit: number;
  /** Mean event-loop delay (ms) over the last interval beyond which new ones are refused; 0: no bound. */
  maxLagMs: number;
  intervalMs?: number;
}

/** The longest Retry-After a refusal names. */
const MAX_RETRY_AFTER_S = 30;

export function watchBacklog(queue: Pick<Queue, 'getWaitingCount'>, opts: AdmissionOptions): Admission {
  const { limit, maxLagMs } = opts;
  const intervalMs = opts.intervalMs ?? 250;
  if (limit <= 0 && maxLagMs <= 0) return { retryAfterSeconds: () => null, accepted: () => undefined, refused: () => undefined, stop: () => undefined };
  let waiting = 0;
  /** Accepted since the last read of the waiting count (they are in it from the next read on). */
  let acceptedSince = 0;
  let lagMs = 0;
  // Refusals and acceptances over the current and the last interval: how many are turned away per one taken.
  let refusedNow = 0;
  let acceptedNow = 0;
  let oversubscribed = 0;
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
    oversubscribed = refusedNow / Math.max(1, acceptedNow);
    refusedNow = 0;
    acceptedNow = 0;
    if (limit > 0) {
      // The adds and this count share the queue's connection, where Redis runs commands in the
      // order sent: an add answered before the count is in it, one answered after is not. So what
      // was accepted up to the answer is in `waiting`. (Counting from before the read counted an
      // add in flight during the read twice, and refused one message below the bound.)
      const read = await queue.getWaitingCount().catch(() => null);
      if (read !== null) {
        waiting = read;
        acceptedSince = 0;
      }
    }
    if (!stopped) timer = setTimeout(() => void refresh(), intervalMs);
  };
  void refresh();
  const backoff = (base: number) => Math.min(MAX_RETRY_AFTER_S, Math.max(base, Math.ceil(oversubscribed)));
  return {
    // At least one second per bound-full of backlog ahead (the queue drains at roughly the rate it
    // was allowed to fill), and at least the oversubscription; at most 30. A late loop is a matter
    // of the next moments: one second, unless many are being turned away.
    retryAfterSeconds: () => {
      const ahead = waiting + acceptedSince;
      if (limit > 0 && ahead > limit) return backoff(Math.ceil(ahead / limit));
      if (delay && lagMs > maxLagMs && (limit <= 0 || ahead > limit / 10)) return backoff(1);
      return null;
    },
    accepted: () => {
      acceptedSince++;
      acceptedNow++;
    },
    refused: () => {
      refusedNow++;
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      delay?.disable();
    },
  };
}
