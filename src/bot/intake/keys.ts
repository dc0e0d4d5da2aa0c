/** Intake clients' credentials: a random API key (stored only as its SHA-256) and a signing secret. */
import crypto from 'node:crypto';

export const KEY_PREFIX = 'gbk_';

/** A new API key for a client: shown once to the admin who adds the client, stored as `hashKey`. */
export function newClientKey(): string {
  return KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** The HMAC secret of signed pushes and of our callbacks: shown once with the key. */
export function newSigningSecret(): string {
  return 'gbs_' + crypto.randomBytes(32).toString('base64url');
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}
