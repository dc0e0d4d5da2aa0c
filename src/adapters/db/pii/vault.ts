/**
 * Residents' personal data at rest: authenticated encryption (AES-256-GCM) of ID numbers, phones
 * and special-group tags, and keyed hashes (HMAC-SHA256) to look them up without the plaintext.
 * Two sub-keys are derived from the one PII_KEY (HKDF), so the look-up hash never reveals the
 * encryption key. During a rotation the previous key is still read; everything new is sealed with
 * the current one, and `rotate.ts` re-seals what is left.
 */
import crypto from 'node:crypto';

/** An envelope: `g1.<key id>.<base64url of iv ‖ tag ‖ ciphertext>`. */
const VERSION = 'g1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value names a key this process does not have (PII_KEY_PREVIOUS removed too early). */
export class PiiKeyUnknownError extends Error {
  override readonly name = 'PiiKeyUnknownError';
  constructor(readonly keyId: string) {
    super(`personal data sealed with key ${keyId}, which is neither PII_KEY nor PII_KEY_PREVIOUS`);
  }
}

/** A sealed value that does not open: tampered with, or moved to another field. */
export class PiiTamperedError extends Error {
  override readonly name = 'PiiTamperedError';
}

/** No key was configured for this process (a tool opened the database without one). */
export class PiiKeyMissingError extends Error {
  override readonly name = 'PiiKeyMissingError';
  constructor() {
    super('residents’ personal data needs PII_KEY');
  }
}

interface DerivedKey {
  id: string;
  /** A KeyObject: a raw Buffer is turned into one again on every cipher. */
  enc: crypto.KeyObject;
  mac: Buffer;
}

function derive(master: Buffer): DerivedKey {
  if (master.length !== 32) throw new Error('a PII key is 32 bytes');
  const sub = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { id: crypto.createHash('sha256').update(master).digest('hex').slice(0, 8), enc: crypto.createSecretKey(sub('gridbot pii enc v1')), mac: sub('gridbot pii mac v1') };
}

/** What the repositories seal with; `field` binds a value to its column (a swapped value fails). */
export interface PiiVault {
  seal(field: string, plaintext: string): string;
  open(field: string, sealed: string): string;
  /** The look-up hash under the current key. */
  mac(field: string, value: string): string;
  /** The look-up hashes under every key this process has, current first (for look-ups during a rotation). */
  macs(field: string, value: string): string[];
  /** Whether a sealed value is under an older key. */
  isStale(sealed: string): boolean;
  readonly currentKeyId: string;
}

/**
 * Random IVs drawn from a pool filled a few kilobytes at a time: every outbox message is sealed,
 * and one call to the random source per seal cost more than the cipher. Each IV is still 96 fresh
 * random bits, used once.
 */
const IV_POOL = Buffer.alloc(IV_BYTES * 341);
let ivAt = IV_POOL.length;

function nextIv(): Buffer {
  if (ivAt + IV_BYTES > IV_POOL.length) {
    crypto.randomFillSync(IV_POOL);
    ivAt = 0;
  }
  const iv = Buffer.from(IV_POOL.subarray(ivAt, ivAt + IV_BYTES));
  ivAt += IV_BYTES;
  return iv;
}

export class AesGcmVault implements PiiVault {
  private readonly current: DerivedKey;
  private readonly keys: DerivedKey[];

  constructor(current: Buffer, previous: Buffer | null = null) {
    this.current = derive(current);
    this.keys = previous ? [this.current, derive(previous)] : [this.current];
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  seal(field: string, plaintext: string): string {
    const iv = nextIv();
    const cipher = crypto.createCipheriv('aes-256-gcm', this.current.enc, iv);
    cipher.setAAD(Buffer.from(field));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${this.current.id}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(field: string, sealed: string): string {
    const [version, keyId, payload] = sealed.split('.');
    if (version !== VERSION || !keyId || payload === undefined) throw new PiiTamperedError(`not a sealed ${field}`);
    const key = this.keys.find((k) => k.id === keyId);
    if (!key) throw new PiiKeyUnknownError(keyId);
    const bytes = Buffer.from(payload, 'base64url');
    const decipher = crypto.createDecipheriv('aes-256-gcm', key.enc, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new PiiTamperedError(`sealed ${field} failed authentication`);
    }
  }

  mac(field: string, value: string): string {
    return macWith(this.current, field, value);
  }

  macs(field: string, value: string): string[] {
    return this.keys.map((k) => macWith(k, field, value));
  }

  isStale(sealed: string): boolean {
    return !sealed.startsWith(`${VERSION}.${this.current.id}.`);
  }
}

function macWith(key: DerivedKey, field: string, value: string): string {
  return crypto.createHmac('sha256', key.mac).update(`${field}\u0000${value}`).digest('hex');
}

/** For tools and tests that open the database without residents' data: every use refuses. */
export const NO_VAULT: PiiVault = {
  seal: () => {
    throw new PiiKeyMissingError();
  },
  open: () => {
    throw new PiiKeyMissingError();
  },
  mac: () => {
    throw new PiiKeyMissingError();
  },
  macs: () => {
    throw new PiiKeyMissingError();
  },
  isStale: () => false,
  currentKeyId: 'none',
};
