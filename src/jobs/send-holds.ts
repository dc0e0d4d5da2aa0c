/**
 * Waits that apply to part of a channel only: a platform limit counted per user or group (WeCom's
 * 30 messages a minute per member) or per API. A delivery that hits one waits — and so do later
 * deliveries to the same target, behind it and in order — while everything else keeps flowing.
 */
import type { RedisClient } from './queues';

/** How long a hold outlives the last delivery scheduled behind it (a queued message stays behind). */
const TAIL_MS = 1_000;

const SCHEDULE = `
local ends = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if ends > current then redis.call('SET', KEYS[1], ends) else ends = current end
local seq = redis.call('INCR', KEYS[2])
local slot = math.max(ends, tonumber(ARGV[2])) + seq
redis.call('PEXPIREAT', KEYS[1], slot + tonumber(ARGV[3]))
redis.call('PEXPIREAT', KEYS[2], slot + tonumber(ARGV[3]))
return slot
`;

export class SendHolds {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /** The hold on `name`, if any is in force (or still has deliveries queued behind it). */
  async active(channel: string, name: string): Promise<boolean> {
    return (await this.redis.exists(this.key(channel, name))) === 1;
  }

  /**
   * Holds `name` for `waitMs` from `now` (a longer hold already in force stays) and returns the
   * time this delivery may go: after the hold, and after every delivery scheduled behind it before.
   */
  async schedule(channel: string, name: string, waitMs: number, now: number): Promise<number> {
    const key = this.key(channel, name);
    const slot = await this.redis.eval(SCHEDULE, 2, key, `${key}:seq`, now + waitMs, now, TAIL_MS);
    return Number(slot);
  }

  /** The Redis key of a hold (for the combined gate before a send: SendRate.pass). */
  keyOf(channel: string, name: string): string {
    return this.key(channel, name);
  }

  private key(channel: string, name: string): string {
    return `${this.keyPrefix}:send-hold:${channel}:${name}`;
  }
}

/** The hold name of a delivery target. */
export function targetHold(target: { kind: string; id: string }): string {
  return `target:${target.kind}:${target.id}`;
}
