/**
 * How queued work retries. A database or Redis that is briefly away must delay a message, never
 * lose it: such faults retry with a capped backoff for hours. Any other fault is a bug or bad data;
 * it gets a few tries and then fails for good, so the sender hears about it instead of waiting.
 */
import { UnrecoverableError, type BackoffStrategy } from 'bullmq';

/** Job option: `backoff: CAPPED_BACKOFF` with the worker's `settings.backoffStrategy: cappedBackoff`. */
export const CAPPED_BACKOFF = { type: 'capped' } as const;

/** Enough attempts to outlast an outage of several hours at the 60 s cap. */
export const INFRASTRUCTURE_ATTEMPTS = 500;

/** Tries a fault that is not an outage gets before it is final. */
export const FAULT_ATTEMPTS = 3;

const MAX_DELAY_MS = 60_000;

/**
 * How often a job may be found without its lock (its process died, or was too busy to renew the
 * lock) before BullMQ gives up on it. BullMQ's default of 1 would fail a message for good after
 * one crash plus one slow moment; handling is idempotent, so taking it up again is safe.
 */
export const MAX_STALLED_COUNT = 20;

/** 1 s, 2 s, 4 s … never more than a minute between tries. */
export const cappedBackoff: BackoffStrategy = (attemptsMade) => Math.min(1000 * 2 ** Math.max(0, attemptsMade - 1), MAX_DELAY_MS);

const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
]);

/** Whether an error means "the database or Redis is away or busy" rather than "this work is wrong". */
export function isOutage(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
    if (typeof message === 'string' && /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|Connection lost|Pool is closed|Too many connections|max retries per request/i.test(message)) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Rethrows `err` for BullMQ: an outage as it is (retried with the capped backoff), any other fault
 * as an UnrecoverableError once it has had FAULT_ATTEMPTS tries.
 */
export function classifyFailure(err: unknown, attemptsMade: number): never {
  if (isOutage(err) || attemptsMade + 1 < FAULT_ATTEMPTS) throw err;
  const message = err instanceof Error ? err.message : String(err);
  const final = new UnrecoverableError(message);
  (final as { cause?: unknown }).cause = err;
  throw final;
}
