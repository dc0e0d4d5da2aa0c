/**
 * Posts an order's status changes to its client's callback URL, signed (`X-Gridbot-Timestamp`,
 * `X-Gridbot-Signature`), in sequence: the job of change n first delivers every earlier change not yet
 * delivered, so an endpoint that was down hears 1, 2, 3 … in order once it is back. Each post is
 * written into the event's timeline (回传外部渠道) in a transaction of its own.
 */
import crypto from 'node:crypto';
import type { CallbackJob, CallbackPorts } from '../../jobs/intake-callbacks';
import type { UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import type { IntakeService } from '../../bot/intake';
import type { Logger } from '../../log';
import type { TypeOrmIntakeCallbackStore } from '../db/intake-callback-store';
import { sign } from './intake-signature';

/** A client endpoint gets this long to answer one callback. */
const POST_TIMEOUT_MS = 10_000;

export class CallbackBusy extends Error {
  override name = 'CallbackBusy';
  code = 'busy';
}

export function createCallbackPorts(deps: { store: TypeOrmIntakeCallbackStore; uow: UnitOfWork<BotRepos>; service: IntakeService; logger: Logger; willRetry: (attempt: number) => boolean }): CallbackPorts {
  const { store, uow, service, logger } = deps;

  const record = async (orderId: number, seq: number, status: string, attempt: number, ok: boolean, outcome: string) => {
    const outcomeFor = { attempt, ok, outcome, willRetry: !ok && deps.willRetry(attempt) };
    await uow.runOnce(`intake-cb-${orderId}-${seq}-${attempt}-${crypto.randomUUID()}`, (tx) => service.recordCallbackAttempt(tx, orderId, { seq, status }, outcomeFor));
  };

  const postOne = async (url: string, secret: string, body: string): Promise<number> => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gridbot-timestamp': timestamp, 'x-gridbot-signature': sign(secret, timestamp, body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  };

  return {
    async post(job: CallbackJob): Promise<number> {
      const target = await store.target(job.clientId, job.externalId);
      if (!target) return 204;
      if (!(await store.claim(target.orderId, new Date()))) throw new CallbackBusy('another worker is delivering this order');
      try {
        for (const row of await store.undelivered(target.orderId, job.seq)) {
          if (!target.url) {
            await store.attempted(row.id, 'no_callback_url', new Date());
            continue;
          }
          let status: number;
          try {
            status = await postOne(target.url, target.secret, row.body);
          } catch (err) {
            const code = (err as { cause?: { code?: string }; code?: string; name?: string }).cause?.code ?? (err as { code?: string }).code ?? (err as { name?: string }).name ?? 'network_error';
            const attempt = await store.attempted(row.id, code, null);
            await record(target.orderId, row.seq, row.status, attempt, false, code);
            throw err;
          }
          const ok = status >= 200 && status < 300;
          const attempt = await store.attempted(row.id, `HTTP ${status}`, ok ? new Date() : null);
          await record(target.orderId, row.seq, row.status, attempt, ok, `HTTP ${status}`);
          if (!ok) return status;
        }
        return 204;
      } finally {
        await store.release(target.orderId).catch((err: unknown) => logger.warn({ err, orderId: target.orderId }, 'intake callback claim not released'));
      }
    },
    async recordAttempt(job, attempt) {
      if (!attempt.ok && !attempt.willRetry) logger.warn({ clientId: job.clientId, seq: job.seq, outcome: attempt.outcome }, 'intake callback given up');
    },
  };
}
