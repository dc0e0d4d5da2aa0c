/**
 * Keeping within a platform's size limit without losing anything: a text too long for one message
 * is split at line boundaries into numbered parts (（1/3）…) that are sent one after another, and
 * a retry resumes after the last part the platform accepted, so no part arrives twice.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../jobs/queues';
import { t } from '../bot/texts';

/** A documented size limit of one message field: in UTF-8 bytes or in characters (code points). */
export interface SizeLimit {
  readonly max: number;
  readonly unit: 'bytes' | 'chars';
}

export function measure(text: string, unit: SizeLimit['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : Array.from(text).length;
}

export function fits(text: string, limit: SizeLimit): boolean {
  return measure(text, limit.unit) <= limit.max;
}

/** The line that starts part `index` of `count`. */
export function partHeader(index: number, count: number): string {
  return t('message.partHeader', { index, count });
}

/**
 * `text` as one message when it fits, else as numbered parts, each within `limit`. Lines stay
 * whole; only a single line longer than a whole part is cut (between characters).
 */
export function splitToLimit(text: string, limit: SizeLimit, options: { lineBreak?: string } = {}): string[] {
  if (fits(text, limit)) return [text];
  // DingTalk's markdown needs two spaces before a newline to break the line.
  const lineBreak = options.lineBreak ?? '\n';
  // Room for the widest header this split can need (three-digit part numbers are plenty).
  const room = limit.max - measure(`${partHeader(999, 999)}${lineBreak}`, limit.unit);
  if (room <= 0) throw new Error(`size limit ${limit.max} ${limit.unit} leaves no room for text`);
  const bodies = packLines(text.split('\n'), room, limit.unit);
  return bodies.map((body, i) => `${partHeader(i + 1, bodies.length)}${lineBreak}${body}`);
}

function packLines(lines: string[], room: number, unit: SizeLimit['unit']): string[] {
  const bodies: string[] = [];
  let current: string | undefined;
  for (const line of lines.flatMap((l) => cutLine(l, room, unit))) {
    const candidate = current === undefined ? line : `${current}\n${line}`;
    if (measure(candidate, unit) <= room) {
      current = candidate;
      continue;
    }
    if (current !== undefined) bodies.push(current);
    current = line;
  }
  if (current !== undefined) bodies.push(current);
  return bodies;
}

/** A line longer than `room` as pieces that each fit. */
function cutLine(line: string, room: number, unit: SizeLimit['unit']): string[] {
  if (measure(line, unit) <= room) return [line];
  const pieces: string[] = [];
  let piece = '';
  for (const ch of line) {
    if (measure(piece + ch, unit) > room) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** How long a delivery's progress through its parts is remembered (longer than any retry). */
const PROGRESS_TTL_S = 7 * 24 * 3600;

/** The Redis key under which a delivery's progress through its parts is kept. */
export function partsProgressKey(keyPrefix: string, channel: string, deliveryId: string): string {
  return `${keyPrefix}:${channel}:parts:${crypto.createHash('sha1').update(deliveryId).digest('hex')}`;
}

/**
 * Sends `parts` in order through `sendOne`, remembering in Redis how many the platform accepted,
 * so an outbox retry of the same delivery continues with the next part instead of starting over.
 */
export async function sendPartsInOrder<T>(
  redis: RedisClient,
  progressKey: string,
  parts: readonly T[],
  sendOne: (part: T, index: number) => Promise<void>,
): Promise<void> {
  const key = progressKey;
  const done = parts.length > 1 ? Number((await redis.get(key)) ?? 0) : 0;
  for (let i = done; i < parts.length; i++) {
    await sendOne(parts[i], i);
    if (parts.length > 1) await redis.set(key, String(i + 1), 'EX', PROGRESS_TTL_S);
  }
}
