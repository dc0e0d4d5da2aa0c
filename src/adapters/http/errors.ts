/**
 * What a failed request answers. Nothing a client can send may end in a 500: a body its
 * Content-Encoding does not describe is the client's mistake (400), a database or Redis that is
 * away is ours and passing (503 with Retry-After). Only a bug is left for 500.
 */
import { isOutage } from '../../jobs/retry';

export interface HttpFailure {
  status: number;
  /** A short reason for the client; never internals. */
  reason: string;
  retryAfterSeconds?: number;
}

/** zlib (Z_DATA_ERROR …) and brotli (ERR__ERROR_FORMAT_PADDING_1 …) decoding errors. */
const DECODING_CODE = /^(?:Z_|ERR__|ERR_BROTLI|ERR_ZLIB)/;

export function httpFailureOf(err: unknown): HttpFailure {
  const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; code?: unknown; name?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, reason: e.expose !== false && typeof e.message === 'string' ? e.message.slice(0, 200) : 'bad request' };
  }
  if (typeof e.code === 'string' && DECODING_CODE.test(e.code)) return { status: 400, reason: 'the request body does not match its Content-Encoding' };
  if (e.name === 'ZodError') return { status: 400, reason: 'the request does not have the expected shape' };
  if (isOutage(err)) return { status: 503, reason: 'temporarily unavailable (storage unreachable); please retry', retryAfterSeconds: 5 };
  return { status: 500, reason: 'internal error' };
}
