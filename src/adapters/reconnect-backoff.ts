/** How long a channel's connection waits before its next attempt to reconnect. */

export interface ReconnectBackoff {
  /** @defaultValue 1000 */
  baseMs?: number;
  /** The cap: an outage of hours still retries this often. */
  maxMs: number;
}

/**
 * Exponential in the consecutive failures, with "equal jitter" (half fixed, half random), so that
 * several processes losing the same platform at once do not come back in step.
 */
export function reconnectDelayMs(failures: number, { baseMs = 1_000, maxMs }: ReconnectBackoff): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
