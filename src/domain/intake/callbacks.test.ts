import { CALLBACK_MAX_ATTEMPTS, callbackRetryDelay, checkTimestamp } from './callbacks';

describe('callbackRetryDelay', () => {
  it('waits longer each time, capped at an hour, and outlasts an endpoint down for hours', () => {
    const waits: number[] = [];
    for (let a = 1; a < CALLBACK_MAX_ATTEMPTS; a++) waits.push(callbackRetryDelay(a)!);
    expect(waits.slice(0, 3)).toEqual([10_000, 30_000, 90_000]);
    expect(waits.every((w, i) => i === 0 || w >= waits[i - 1]!)).toBe(true);
    expect(Math.max(...waits)).toBe(3600_000);
    expect(waits.reduce((s, w) => s + w, 0)).toBeGreaterThan(8 * 3600_000);
    expect(callbackRetryDelay(CALLBACK_MAX_ATTEMPTS)).toBeNull();
    expect(callbackRetryDelay(0)).toBeNull();
  });
});

describe('checkTimestamp', () => {
  const now = new Date('2026-11-30T02:00:00Z');
  const secs = (d: number) => String(Math.floor((now.getTime() + d) / 1000));
  it('accepts five minutes either side and refuses older or newer, missing or malformed', () => {
    expect(checkTimestamp(secs(-299_000), now).ok).toBe(true);
    expect(checkTimestamp(secs(299_000), now).ok).toBe(true);
    expect(checkTimestamp(secs(-301_000), now)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(checkTimestamp(undefined, now)).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(checkTimestamp('1e9', now)).toEqual({ ok: false, reason: 'bad_timestamp' });
  });
});
