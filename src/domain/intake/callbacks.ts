/**
 * Status callbacks to the client that pushed an order, and the signed-request window.
 * A callback is retried with growing waits so a client's endpoint may be down for hours and still
 * hear every status change (each carries its sequence number, so the client orders them); the waits
 * are the domain's, the queue (BullMQ) only keeps them.
 */

/** Waits between attempts: 10 s, 30 s, 1.5 min, … doubling-ish, capped at 1 h; 20 attempts ≈ 14 h. */
export const CALLBACK_MAX_ATTEMPTS = 20;
const FIRST_WAIT_MS = 10_000;
const MAX_WAIT_MS = 3600_000;

/** How long to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed; null: give up. */
export function callbackRetryDelay(attempt: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= CALLBACK_MAX_ATTEMPTS) return null;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 3 ** (attempt - 1));
}

/** A signed request is accepted within five minutes either side of our clock (replays outside are refused). */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export type TimestampCheck = { ok: true; at: Date } | { ok: false; reason: 'missing_timestamp' | 'bad_timestamp' | 'stale_timestamp' };

/** `X-Gridbot-Timestamp`: Unix seconds. */
export function checkTimestamp(raw: string | undefined, now: Date): TimestampCheck {
  if (raw === undefined || raw === '') return { ok: false, reason: 'missing_timestamp' };
  if (!/^\d{9,11}$/.test(raw)) return { ok: false, reason: 'bad_timestamp' };
  const at = new Date(Number(raw) * 1000);
  if (Math.abs(at.getTime() - now.getTime()) > SIGNATURE_WINDOW_MS) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true, at };
}

/** What is signed, by the client and by us on a callback: `<timestamp>.<raw body>`. */
export function signedPayload(timestamp: string, body: string): string {
  return `${timestamp}.${body}`;
}
