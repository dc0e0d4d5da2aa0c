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
 * - more replies wait to be sent than the bound, on a channel whose sending only our own workers
 *   limit (the sandbox unlimited): accepted work is answered work, and a reply queue growing behind
 *   handling that keeps pace with receiving is a backlog too, only later in the line (at 2× offered
 *   the sandbox's replies once piled up by 150 a second while the inbound count stayed at the bound;
 *   answers came 8–14 s late). A platform's send queue held by its rate limit is not counted: a
 *   fan-out trickling to WeCom must not refuse the sandbox or an intake order.
 * Retry-After books each refused client into a line of seconds, each holding a quarter more than
 * the queue drains in one (measured from the waiting counts while work waited): the first second
 * with room after the backlog past the bound has drained; past 120 s of line, the second with the
 * fewest. The line is long enough for a 20-s burst at five times capacity, so the refused come back
 * once, when there is room, instead of two or three times (a 30-s line left each message accepted at
 * 5× refused 3.1 times, the returns of the overflow taking the loop from handling). The quarter
 * over keeps the backlog fed when handling speeds up as the burst ends (the drain was measured
 * under it); the surplus is refused once more and booked at the end of the line. A
 * refusal costs the receiving process about 0.1 ms of CPU (`ONLY=refusal` in bench/throughput.ts),
 * taken from handling when one process has both roles; clients all told the same second come back
 * together, are mostly refused again, and past capacity the refusals grow until they eat the
 * handling. Until a drain rate is known, Retry-After is the oversubscription of the last interval
 * (refusals per acceptance).
 * Receivers of platforms that stop redelivering after a few tries (WeCom, DingTalk) keep
 * accepting: refusing them would lose messages.
 */
export interface Admission {
  /** Seconds a client should wait before retrying, or null when the message may be accepted. */
  retryAfterSeconds(): number | null;
  /** A message was queued (any channel): counted into the backlog until the next read of it. */
  accepted(): void;
  /** A request was refused, told to retry after `seconds`: booked in that second of the line. */
  refused(seconds: number): void;
  stop(): void;
}

export interface AdmissionOptions {
  /** Waiting messages beyond which new ones are refused; 0: no bound. Replies waiting are held to it too. */
  limit: number;
  /** The send queues whose waiting replies count (read with the inbound count); asked at each read. */
  replies?: () => Pick<Queue, 'getWaitingCount'>[];
  /** Mean event-loop delay (ms) over the last interval beyond which new ones are refused; 0: no bound. */
  maxLagMs: number;
  intervalMs?: number;
}

/** The longest Retry-After a refusal names. */
const MAX_RETRY_AFTER_S = 120;
/** Clients booked into one second of the line, per message the queue drains in one. */
const OVERBOOKING = 1.25;

export function watchBacklog(queue: Pick<Queue, 'getWaitingCount'>, opts: AdmissionOptions): Admission {
  const { limit, maxLagMs } = opts;
  const intervalMs = opts.intervalMs ?? 250;
  if (limit <= 0 && maxLagMs <= 0) return { retryAfterSeconds: () => null, accepted: () => undefined, refused: () => undefined, stop: () => undefined };
  let waiting = 0;
  /** The most replies waiting in any counted send queue at the last read. */
  let repliesWaiting = 0;
  /** Accepted since the last read of the waiting count (they are in it from the next read on). */
  let acceptedSince = 0;
  let lagMs = 0;
  // Refusals and acceptances over the current and the last interval: how many are turned away per one taken.
  let refusedNow = 0;
  let acceptedNow = 0;
  let oversubscribed = 0;
  /** Messages the workers take per second while work waits (smoothed); 0 until measured. */
  let drainPerS = 0;
  let lastRead: { waiting: number; at: number } | null = null;
  const line = returnLine(MAX_RETRY_AFTER_S);
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
      // add in flight during the read twice, and refused one message below the bound.) An add
      // answered in the same reply as the count reaches `accepted()` through more awaits than the
      // count reaches this line, so the count is taken once those have run (setImmediate: after
      // every promise the reply settled). Adds answered just after the count in that reply are
      // then left out until the next read: the bound errs by a few upward, never below it.
      const [read, ...replies] = await Promise.all([queue, ...(opts.replies?.() ?? [])].map((q) => q.getWaitingCount().catch(() => null)));
      await new Promise((resolve) => setImmediate(resolve));
      repliesWaiting = Math.max(0, ...replies.map((n) => n ?? 0));
      if (read !== null) {
        const at = performance.now();
        // Drained since the last read: what waited then, plus what was added since, less what
        // waits now. Measured only while work waited (an idle queue drains what arrives, not what
        // the workers can take); other receivers' additions are not counted, so with several
        // receivers it reads low and Retry-After errs long.
        if (lastRead && lastRead.waiting > 0 && at > lastRead.at) {
          const rate = (Math.max(0, lastRead.waiting + acceptedSince - read) * 1000) / (at - lastRead.at);
          drainPerS = drainPerS > 0 ? 0.7 * drainPerS + 0.3 * rate : rate;
        }
        lastRead = { waiting: read, at };
        waiting = read;
        acceptedSince = 0;
      }
    }
    if (!stopped) timer = setTimeout(() => void refresh(), intervalMs);
  };
  void refresh();
  // In the line: once the backlog past the bound has drained, the first second with room among the
  // clients told to come back before, at the rate the queue drains; until that rate is known, the
  // oversubscription; 1–120 s.
  const wait = (excess: number) => {
    if (drainPerS > 0) return line.next(Math.ceil((excess + 1) / drainPerS), Math.max(1, Math.round(drainPerS * OVERBOOKING)));
    const seconds = Math.max(limit > 0 ? Math.ceil((excess + limit) / limit) : 1, Math.ceil(oversubscribed));
    return Math.min(MAX_RETRY_AFTER_S, Math.max(1, seconds));
  };
  return {
    retryAfterSeconds: () => {
      const ahead = Math.max(waiting + acceptedSince, repliesWaiting);
      if (limit > 0 && ahead > limit) return wait(ahead - limit);
      // A late loop is a matter of the next moments: one second, unless a line has formed.
      if (delay && lagMs > maxLagMs && (limit <= 0 || ahead > limit / 10)) return wait(0);
      return null;
    },
    accepted: () => {
      acceptedSince++;
      acceptedNow++;
    },
    refused: (seconds) => {
      refusedNow++;
      line.add(seconds);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      delay?.disable();
    },
  };
}

/**
 * Clients told to come back, booked by the second they are due, each second up to what the queue
 * drains in one. The next client is told the first second with room, no earlier than `earliest`;
 * when every second up to the longest wait is full (a line longer than that wait can hold), the
 * one with the fewest, so the clients come back spread over the seconds instead of all together
 * at the longest wait, where they found an idle bot and then a crowd it mostly refused again.
 */
function returnLine(maxSeconds: number) {
  const due = new Array<number>(maxSeconds + 2).fill(0);
  let second = Math.floor(performance.now() / 1000);
  let booked = 0;
  const advance = () => {
    const now = Math.floor(performance.now() / 1000);
    // Each second passed: the clients due in it have come back (or will any moment).
    for (; second < now && booked > 0; second++) {
      const slot = (second + 1) % due.length;
      booked -= due[slot];
      due[slot] = 0;
    }
    second = now;
  };
  return {
    /** The wait of the next client: no earlier than `earliest` s from now, `perSecond` places a second. */
    next(earliest: number, perSecond: number): number {
      advance();
      const first = Math.min(maxSeconds, Math.max(1, earliest));
      let fewest = first;
      for (let s = first; s <= maxSeconds; s++) {
        const n = due[(second + s) % due.length];
        if (n < perSecond) {
          fewest = s;
          break;
        }
        if (n < due[(second + fewest) % due.length]) fewest = s;
      }
      return fewest;
    },
    /** A client told to come back in `seconds`: booked in that second. */
    add(seconds: number) {
      advance();
      due[(second + Math.min(maxSeconds, Math.max(1, seconds))) % due.length]++;
      booked++;
    },
  };
}
