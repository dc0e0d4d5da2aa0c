import crypto from 'node:crypto';
import { hashKey, keyMatches, newClientKey, sign, verifySignature } from './intake-signature';

const now = new Date('2026-11-30T02:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
const body = '{"external_id":"A-1","category":"环境卫生"}';

describe('client keys', () => {
  it('are random, stored hashed, and match only themselves', () => {
    const a = newClientKey();
    const b = newClientKey();
    expect(a).not.toBe(b);
    expect(hashKey(a)).not.toContain(a.slice(4));
    expect(keyMatches(a, hashKey(a))).toBe(true);
    expect(keyMatches(b, hashKey(a))).toBe(false);
    expect(keyMatches(a, 'not-hex')).toBe(false);
  });
});

describe('signed requests', () => {
  it('is the documented HMAC-SHA256 of "<timestamp>.<body>", so a client can compute it with any library', () => {
    const hex = crypto.createHmac('sha256', 's3cret').update(`${ts}.${body}`).digest('hex');
    expect(sign('s3cret', ts, body)).toBe(`sha256=${hex}`);
    expect(verifySignature('s3cret', { timestamp: ts, signature: `sha256=${hex}` }, body, now)).toEqual({ ok: true });
  });

  it('refuses a forged signature, a changed body, another secret, a replay outside the window, or none', () => {
    const good = sign('s3cret', ts, body);
    expect(verifySignature('s3cret', { timestamp: ts, signature: good }, body.replace('A-1', 'A-2'), now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature('other', { timestamp: ts, signature: good }, body, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature('s3cret', { timestamp: ts, signature: 'sha256=00' }, body, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const later = new Date(now.getTime() + 10 * 60_000);
    expect(verifySignature('s3cret', { timestamp: ts, signature: good }, body, later)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySignature('s3cret', { timestamp: ts, signature: undefined }, body, now)).toEqual({ ok: false, reason: 'missing_signature' });
  });
});
