/**
 * Channel outages: a channel that cannot send at all (ChannelUnavailableError: credentials revoked,
 * app disabled, IP not allowlisted, account logged out) holds its messages in its queue, the way a
 * database or Redis outage holds work (retry.ts), until a try succeeds again. The state lives in
 * Redis so that every process reports the same outage on /readyz and /metrics and the admins are
 * told once per outage, whichever process noticed it first.
 */
import type { RedisClient } from './queues';
import type { ChannelName } from '../config';

export interface ChannelOutage {
  channel: ChannelName;
  /** ISO time the outage was first noticed. */
  since: string;
  reason: string;
}

/** The first probe of a channel in an outage after 1 s, then 2 s, 4 s … never more than `capMs`. */
export function outageProbeDelay(consecutiveFailures: number, capMs = 60_000): number {
  return Math.min(1000 * 2 ** Math.max(0, consecutiveFailures - 1), capMs);
}

export class ChannelOutages {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /** Records the outage; true only for the call that started it (that one tells the admins). */
  async markDown(channel: ChannelName, reason: string, now: Date): Promise<{ started: boolean; outage: ChannelOutage }> {
    const fresh: ChannelOutage = { channel, since: now.toISOString(), reason };
    const set = await this.redis.set(this.key(channel), JSON.stringify(fresh), 'NX');
    if (set !== null) return { started: true, outage: fresh };
    return { started: false, outage: (await this.get(channel)) ?? fresh };
  }

  /** Ends the outage after a successful send; returns it when there was one. */
  async markUp(channel: ChannelName): Promise<ChannelOutage | undefined> {
    const raw = await this.redis.getdel(this.key(channel));
    return raw ? parse(raw) : undefined;
  }

  async get(channel: ChannelName): Promise<ChannelOutage | undefined> {
    const raw = await this.redis.get(this.key(channel));
    return raw ? parse(raw) : undefined;
  }

  async current(channels: readonly ChannelName[]): Promise<ChannelOutage[]> {
    const found = await Promise.all(channels.map((c) => this.get(c)));
    return found.filter((o): o is ChannelOutage => o !== undefined);
  }

  /** The Redis key of a channel's outage record (for a combined read: SendHolds.check). */
  keyOf(channel: ChannelName): string {
    return this.key(channel);
  }

  private key(channel: ChannelName): string {
    return `${this.keyPrefix}:channel-outage:${channel}`;
  }
}

export function parseOutage(raw: string | null | undefined): ChannelOutage | undefined {
  return raw ? parse(raw) : undefined;
}

function parse(raw: string): ChannelOutage | undefined {
  try {
    return JSON.parse(raw) as ChannelOutage;
  } catch {
    return undefined;
  }
}
