/**
 * The intake's keys and signatures (issue 17). A client's API key is stored only as its SHA-256
 * (keys are 32 random bytes, so a fast hash is enough: nothing to guess); a signed request carries
 * `X-Gridbot-Timestamp` (Unix seconds) and `X-Gridbot-Signature: sha256=<hex HMAC of
 * "<timestamp>.<raw body>">` keyed with the client's signing secret; our callbacks to the client
 * are signed the same way, so one verifier serves both directions.
 */
import crypto from 'node:crypto';
import { checkTimestamp, signedPayload, type TimestampCheck } from '../../domain/intake';
import { hashKey } from '../../bot/intake/keys';

export { KEY_PREFIX, newClientKey, hashKey } from '../../bot/intake/keys';

/** Whether a presented key matches a stored hash, in constant time. */
export function keyMatches(presented: string, storedHash: string): boolean {
  const given = Buffer.from(hashKey(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && crypto.timingSafeEqual(given, stored);
}

export function sign(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(signedPayload(timestamp, body), 'utf8').digest('hex');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing_signature' | 'bad_signature' | Exclude<TimestampCheck, { ok: true }>['reason'] };

/** Checks a signed request: the timestamp within the window, then the HMAC, in constant time. */
export function verifySignature(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, now: Date): SignatureCheck {
  if (!headers.signature) return { ok: false, reason: 'missing_signature' };
  const ts = checkTimestamp(headers.timestamp, now);
  if (!ts.ok) return ts;
  const expected = Buffer.from(sign(secret, headers.timestamp!, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
