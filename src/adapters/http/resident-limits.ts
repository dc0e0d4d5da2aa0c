/**
 * The rate limits of the residents' pages, in Redis (shared by every process), checked before a
 * request body is read or the database is touched: a flood from one device or address costs one
 * Redis round trip per request and nothing else.
 *
 * Fixed windows (`<window start>` in the key, expiring with the window). A report is counted
 * against the device first; only a report the device may still send is counted against its
 * address, so a device hammering the form with its own cookie does not use up the allowance of
 * the neighbours behind the same address. A script that drops the cookie gets a fresh device
 * each time and meets the address limit instead.
 *
 * Keys are `<keyPrefix>:resident-limit:…`; the prefix is `{…}` on a Redis Cluster, so the keys
 * of one check share a slot and the script may touch them together.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import { ADDRESS_REQUEST_WINDOWS, ADDRESS_WINDOWS, DEVICE_WINDOWS, type LimitWindow } from '../../domain/resident/limits';

/** KEYS: device windows then address windows; ARGV: device count, then max and ttl of each key. */
const CHECK = `
local nd = tonumber(ARGV[1])
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used >= tonumber(ARGV[i * 2]) then
    if i <= nd then return {1, redis.call('PTTL', KEYS[i])} end
    return {2, redis.call('PTTL', KEYS[i])}
  end
end
for i = 1, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[i * 2 + 1])) end
end
return {0, 0}
`;

export type LimitVerdict = { ok: true } | { ok: false; by: 'device' | 'address'; retryAfterSeconds: number };

/** An address as the limits see it: IPv4 as is, IPv6 by its /64 (one household's prefix). */
export function addressKey(ip: string): string {
  const bare = ip.replace(/^::ffff:/, '');
  if (!bare.includes(':')) return bare;
  const groups = bare.split('::');
  const head = groups[0].split(':').filter(Boolean);
  const tail = groups.length > 1 ? groups[1].split(':').filter(Boolean) : [];
  const full = [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  return full.slice(0, 4).join(':') + '::/64';
}

/** Device cookies and addresses are personal data: only their hash names a key. */
const hashed = (value: string) => crypto.createHash('sha256').update(value).digest('hex').slice(0, 24);

export class ResidentLimits {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly clock: () => number = Date.now,
  ) {}

  private keys(kind: string, who: string, windows: readonly LimitWindow[]): { key: string; max: number; ttlMs: number }[] {
    const now = this.clock();
    return windows.map((w) => {
      const start = Math.floor(now / (w.seconds * 1000));
      return { key: `${this.keyPrefix}:resident-limit:${kind}:${hashed(who)}:${w.name}:${start}`, max: w.max, ttlMs: w.seconds * 1000 };
    });
  }

  private async check(device: { key: string; max: number; ttlMs: number }[], address: { key: string; max: number; ttlMs: number }[]): Promise<LimitVerdict> {
    const all = [...device, ...address];
    const args = [String(device.length), ...all.flatMap((k) => [String(k.max), String(k.ttlMs)])];
    const [verdict, pttl] = (await this.redis.eval(CHECK, all.length, ...all.map((k) => k.key), ...args)) as [number, number];
    if (verdict === 0) return { ok: true };
    return { ok: false, by: verdict === 1 ? 'device' : 'address', retryAfterSeconds: Math.max(1, Math.ceil(Math.max(pttl, 0) / 1000)) };
  }

  /** One report from this device and address: allowed (and counted) or refused. */
  report(deviceKey: string, ip: string): Promise<LimitVerdict> {
    return this.check(this.keys('report-device', deviceKey, DEVICE_WINDOWS), this.keys('report-address', addressKey(ip), ADDRESS_WINDOWS));
  }

  /** Any page request (views, ratings, photos) from this address. */
  request(ip: string): Promise<LimitVerdict> {
    return this.check([], this.keys('request-address', addressKey(ip), ADDRESS_REQUEST_WINDOWS));
  }
}
