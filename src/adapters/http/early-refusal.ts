/**
 * Refusals of the refusable receivers (the sandbox API, the intake APIs) before Koa sees the
 * request: past capacity most requests are refused, and each refusal must cost next to nothing —
 * no context, no routing, no body read, no Redis call — or answering them takes the event loop
 * from handling what was accepted (the process runs both when it has both roles). The decision is
 * the in-process Admission (inbound-queue.ts). WeCom and DingTalk callbacks never pass here: their
 * platforms stop redelivering, so refusing them would lose messages.
 *
 * Also a bound on requests in flight on these paths: a flood of new connections is answered at
 * once instead of piling up behind the ones being queued.
 */
import type http from 'node:http';
import type { Admission } from '../../jobs/inbound-queue';

/** Refusable requests being received at once, beyond which more are refused (Retry-After 1 s). */
export const MAX_RECEIVING_IN_FLIGHT = 64;

type Shape = (wait: number) => unknown;
const REFUSABLE: Record<string, Shape> = {
  '/sandbox/api/messages': (wait) => ({ error: `overloaded: retry after ${wait} s` }),
  '/sandbox/api/actions': (wait) => ({ error: `overloaded: retry after ${wait} s` }),
  '/api/intake/orders': (wait) => ({ error: 'overloaded', description: `retry after ${wait} s` }),
  '/open311/v2/requests.json': (wait) => [{ code: 429, description: `overloaded: retry after ${wait} s` }],
};

/** Returns a gate: true when it answered the request (a refusal), false to let it through. */
export function earlyRefusal(admission: Admission, maxInFlight = MAX_RECEIVING_IN_FLIGHT): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  let inFlight = 0;
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const shape = REFUSABLE[q < 0 ? url : url.slice(0, q)];
    if (!shape) return false;
    const wait = admission.retryAfterSeconds() ?? (inFlight >= maxInFlight ? 1 : null);
    if (wait === null) {
      inFlight++;
      res.once('close', () => inFlight--);
      return false;
    }
    admission.refused(wait);
    const body = JSON.stringify(shape(wait));
    // The body is not read: Node discards it, and the connection stays open for the next request.
    res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': String(wait) });
    res.end(body);
    return true;
  };
}
