/**
 * The WeCom callback check alone (URL verification and message callbacks of both the intelligent
 * bot and the self-built app): signature first, then freshness, then a strict decryption.
 * Replay memory lives in the receiver, because it needs Redis.
 */
import crypto from 'node:crypto';
import { decrypt, getSignature } from '@wecom/crypto';

/** Why a callback was refused; the receiver maps it to an HTTP status. */
export type CallbackRejection = 'bad-signature' | 'stale' | 'bad-ciphertext' | 'wrong-receive-id';

export class CallbackRejectedError extends Error {
  override name = 'CallbackRejectedError';
  constructor(readonly reason: CallbackRejection) {
    super(`WeCom callback rejected: ${reason}`);
  }
}

export interface CallbackSecrets {
  token: string;
  aesKey: string;
  /** The corp id for a self-built app; the empty string for an intelligent bot (WeCom's documented ReceiveId). */
  receiveId: string;
}

export interface SignedCiphertext {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

/** How far a callback's timestamp may be from our clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Signature, freshness and strict decryption; returns the plaintext message. Throws CallbackRejectedError. */
export function verifyAndDecrypt(secrets: CallbackSecrets, input: SignedCiphertext, nowMs: number): string {
  if (!signatureMatches(secrets.token, input)) throw new CallbackRejectedError('bad-signature');
  if (!isFresh(input.timestamp, nowMs)) throw new CallbackRejectedError('stale');
  assertWellFormedCiphertext(secrets.aesKey, input.encrypt);
  let plain: { message: string; id: string };
  try {
    plain = decrypt(secrets.aesKey, input.encrypt);
  } catch {
    throw new CallbackRejectedError('bad-ciphertext');
  }
  if (plain.id !== secrets.receiveId) throw new CallbackRejectedError('wrong-receive-id');
  return plain.message;
}

export function signatureMatches(token: string, input: SignedCiphertext): boolean {
  const expected = Buffer.from(getSignature(token, input.timestamp, input.nonce, input.encrypt), 'utf8');
  const given = Buffer.from(input.signature.toLowerCase(), 'utf8');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function isFresh(timestamp: string, nowMs: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= MAX_CLOCK_SKEW_SECONDS;
}

/**
 * @wecom/crypto strips padding leniently and trusts the length field. Before handing it the
 * ciphertext we check, by decrypting only the blocks concerned, that the PKCS#7 padding (block
 * size 32, as WeCom pads) is exact and that random(16) + length(4) + message fits in the plaintext.
 */
function assertWellFormedCiphertext(aesKey: string, encrypt: string): void {
  const data = Buffer.from(encrypt, 'base64');
  if (data.length < 32 || data.length % 32 !== 0 || data.toString('base64') !== encrypt) {
    throw new CallbackRejectedError('bad-ciphertext');
  }
  const key = Buffer.from(`${aesKey}=`, 'base64');
  if (key.length !== 32) throw new CallbackRejectedError('bad-ciphertext');
  const iv = key.subarray(0, 16);

  // CBC: plaintext block i = AES-decrypt(C_i) xor C_(i-1), with C_(-1) = iv.
  const decryptBlocks = (from: number, count: number): Buffer => {
    const chain = from === 0 ? iv : data.subarray(from - 16, from);
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, chain);
    decipher.setAutoPadding(false);
    return Buffer.concat([decipher.update(data.subarray(from, from + count * 16)), decipher.final()]);
  };

  const tail = decryptBlocks(data.length - 32, 2);
  const pad = tail[tail.length - 1];
  if (pad < 1 || pad > 32) throw new CallbackRejectedError('bad-ciphertext');
  for (let i = tail.length - pad; i < tail.length; i++) {
    if (tail[i] !== pad) throw new CallbackRejectedError('bad-ciphertext');
  }
  const head = decryptBlocks(0, 2);
  const messageLength = head.readUInt32BE(16);
  if (20 + messageLength > data.length - pad) throw new CallbackRejectedError('bad-ciphertext');
}
