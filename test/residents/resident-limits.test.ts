/**
 * The residents' limits on a real Redis: per device and per address, a device's refused reports do
 * not use up its address, windows roll over, and keys carry no device or address in the clear.
 */
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { ResidentLimits, addressKey } from '../../src/adapters/http/resident-limits';
import { ADDRESS_REPORTS_PER_HOUR, DEVICE_REPORTS_PER_DAY, DEVICE_REPORTS_PER_HOUR } from '../../src/domain/resident';

describe('the residents’ rate limits', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `gbt${crypto.randomBytes(5).toString('hex')}`;
  let now = Date.UTC(2026, 10, 30, 2, 5);
  const limits = new ResidentLimits(redis, prefix, () => now);
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('holds a device to its hour and day, without using up its address', async () => {
    const verdicts = [];
    for (let i = 0; i < 50; i++) verdicts.push(await limits.report('device-a', '203.0.113.7'));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(DEVICE_REPORTS_PER_HOUR);
    expect(verdicts.at(-1)).toMatchObject({ ok: false, by: 'device' });
    expect((verdicts.at(-1) as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(3000);
    // Another device behind the same address is untouched by the flood.
    expect(await limits.report('device-b', '203.0.113.7')).toEqual({ ok: true });
    // An hour later the device may send again, up to its day.
    let sent = DEVICE_REPORTS_PER_HOUR;
    for (let hour = 1; hour < 4; hour++) {
      now += 3600_000;
      for (let i = 0; i < DEVICE_REPORTS_PER_HOUR; i++) if ((await limits.report('device-a', '203.0.113.7')).ok) sent++;
    }
    expect(sent).toBe(DEVICE_REPORTS_PER_DAY);
  });

  it('holds an address to its hour when every request is a new device', async () => {
    const verdicts = [];
    for (let i = 0; i < ADDRESS_REPORTS_PER_HOUR + 10; i++) verdicts.push(await limits.report(`fresh-${i}`, '198.51.100.9'));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(ADDRESS_REPORTS_PER_HOUR);
    expect(verdicts.at(-1)).toMatchObject({ ok: false, by: 'address' });
    expect(await limits.report('fresh-x', '198.51.100.10')).toEqual({ ok: true });
  });

  it('counts IPv6 by its /64 and keeps devices and addresses out of the keys', async () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toMatch(/device-a|203\.0\.113|198\.51/);
  });
});
