/**
 * A channel's send rate, shared by every process through Redis: at most `rate` sends are admitted
 * in any window of one second (plus a margin), taken right before the platform call.
 *
 * Why a sliding log rather than evenly spaced slots: a slot handed out before a pause (a slow
 * event loop, a GC, a network hiccup) is used late, and sends that waited through the pause then
 * reach the platform together with the ones scheduled after it — more than `rate` within one
 * second as the platform counts. Admission checks the sends actually made in the last window at
 * the moment of sending (on the processes' clocks, which NTP keeps together as scheduling needs
 * anyway), and an admission that came back late is given back, so a pause can only make a window
 * hold fewer.
 *
 * The margin covers what happens between admission and the platform's receipt (our own
 * continuation, the network): a window of 1,050 ms per `rate` sends, i.e. at most 0.95 of the
 * rate is ever used. The platforms refuse what exceeds their limit; 5 % is the price of never
 * being refused for it.
 */
import crypto from 'node:crypto';
import type { RedisClient } from './queues';

/**
 * The gate before a send, in one round trip: the channel's outage record, the target's hold (when
 * asked: a held target admits nothing), and the rate window (when the channel has a rate).
 * KEYS: 1 rate window, 2 target hold, 3 outage record (same hash tag: one slot on a cluster).
 * ARGV: 1 limit, 2 window ms, 3 member, 4 now, 5 '1' to check the hold, 6 '1' when rate-limited,
 * 7 '1' to read the outage record (a key not asked for is the window's key again: never read).
 * Returns { held 0/1, outage JSON or '', ms to wait before asking again (0: admitted) }.
 */
const GATE = `
local outage = ''
if ARGV[7] == '1' then outage = redis.call('GET', KEYS[3]) or '' end
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return {1, outage, 0} end
if ARGV[6] ~= '1' then return {0, outage, 0} end
local now = tonumber(ARGV[4])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  return {0, outage, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, outage, math.max(1, tonumber(oldest[2]) + window - now + 1)}`;
const GATE_SHA = crypto.createHash('sha1').update(GATE).digest('hex');

/** What the gate found: a hold on the target (nothing was admitted then), and the outage record. */
export interface SendGate {
  held: boolean;
  outage: string | null;
}

/** The share of each window kept free for what happens between admission and the platform's receipt. */
export const RATE_MARGIN = 0.05;

export interface RateWindow {
  /** Sends admitted per window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
}

/** `rate` sends a second as an admission window: `rate` per 1,000 ms, widened by the margin. */
export function rateWindow(ratePerSecond: number): RateWindow | null {
  if (ratePerSecond <= 0) return null;
  const limit = Math.max(1, Math.floor(ratePerSecond));
  return { limit, windowMs: Math.ceil(((limit * 1000) / ratePerSecond) * (1 + RATE_MARGIN)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SendRate {
  private readonly window: RateWindow | null;
  private seq = 0;
  private readonly id = crypto.randomBytes(6).toString('hex');

  private readonly rate: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    ratePerSecond: number,
  ) {
    this.window = rateWindow(ratePerSecond);
    this.rate = ratePerSecond;
  }

  /** Resolves when one more send fits in the channel's window; the send must follow at once. */
  async acquire(): Promise<void> {
    await this.pass(null, null);
  }

  /**
   * Reads the outage record `outageKey` and, with `holdKey`, whether the target is held; when it is
   * not, waits until one more send fits in the window (the send must follow at once). One round
   * trip when the window has room (the keys share the hash tag of gridbot's keys).
   */
  async pass(holdKey: string | null, outageKey: string | null): Promise<SendGate> {
    const w = this.window;
    if (!w && outageKey === null) return { held: false, outage: null };
    // Half the margin may pass between admission and the call; a process that was held up longer
    // (a late event loop) gives its admission back and asks again, so a late send cannot land
    // beside the sends admitted after it.
    const staleMs = w ? Math.max(5, (w.windowMs - (w.limit * 1000) / this.rate) / 2) : 0;
    for (;;) {
      const member = `${this.id}:${++this.seq}`;
      const admittedAt = Date.now();
      const args = [this.key, holdKey ?? this.key, outageKey ?? this.key, String(w?.limit ?? 0), String(w?.windowMs ?? 0), member, String(admittedAt), holdKey ? '1' : '0', w ? '1' : '0', outageKey ? '1' : '0'];
      const [held, outage, waitMs] = (await this.runGate(args)) as [number, string, number];
      const gate = { held: held === 1, outage: outageKey !== null && outage !== '' ? outage : null };
      if (gate.held || !w) return gate;
      if (Number(waitMs) > 0) {
        await sleep(Number(waitMs));
        continue;
      }
      if (Date.now() - admittedAt <= staleMs) return gate;
      await this.redis.zrem(this.key, member);
    }
  }

  /** EVALSHA (the script's text is not sent with every send), loading it when Redis lacks it. */
  private async runGate(args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(GATE_SHA, 3, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(GATE, 3, ...args);
    }
  }
}
