/**
 * Status callbacks to intake clients (issue 17): one job per status change of an order, with a
 * deterministic id (a replayed change is one callback), retried with the domain's backoff
 * (`callbackRetryDelay`: 10 s growing to an hour, about 14 h in all) so a client endpoint that is down
 * for a while still hears every change. Each attempt, failed or not, is reported to `recordAttempt`
 * (the event's timeline). Posting itself (signing, HTTP) is the adapter's, given as `post`.
 */
import { Worker, type Job, type Queue } from 'bullmq';
import { CALLBACK_MAX_ATTEMPTS, callbackRetryDelay } from '../domain/intake';
import type { RedisConnections } from './queues';
import { INTAKE_CALLBACKS_QUEUE } from './queues';

export interface CallbackJob {
  clientId: number;
  externalId: string;
  /** The change's sequence number within the order: 1, 2, … */
  seq: number;
  status: string;
  url: string;
  /** The JSON body posted (and signed) as it is. */
  body: string;
}

export interface CallbackAttempt {
  attempt: number;
  ok: boolean;
  /** HTTP status or the network error's code. */
  outcome: string;
  /** When failed: whether another attempt follows. */
  willRetry: boolean;
}

export interface CallbackPorts {
  /** Posts the callback; resolves with the HTTP status, rejects on a network error. */
  post(job: CallbackJob): Promise<number>;
  recordAttempt(job: CallbackJob, attempt: CallbackAttempt): Promise<void>;
}

/** BullMQ refuses ':' in custom ids, and an external id may hold one: it goes in as base64url. */
export const callbackJobId = (j: Pick<CallbackJob, 'clientId' | 'externalId' | 'seq'>) => `cb-${j.clientId}-${Buffer.from(j.externalId).toString('base64url')}-${j.seq}`;

export function enqueueCallback(queue: Queue, job: CallbackJob): Promise<unknown> {
  return queue.add('callback', job, { jobId: callbackJobId(job), attempts: CALLBACK_MAX_ATTEMPTS, backoff: { type: 'callback' }, removeOnComplete: 1000, removeOnFail: 5000 });
}

class CallbackRefused extends Error {}

export function startCallbackWorker(
  connections: Pick<RedisConnections, 'worker' | 'queuePrefix'>,
  ports: CallbackPorts,
  /** Scales every wait (tests run the real ladder in milliseconds). */
  timeScale = 1,
): Worker<CallbackJob> {
  const worker = new Worker<CallbackJob>(
    INTAKE_CALLBACKS_QUEUE,
    async (job: Job<CallbackJob>) => {
      const attempt = job.attemptsMade + 1;
      const willRetry = attempt < CALLBACK_MAX_ATTEMPTS;
      let status: number;
      try {
        status = await ports.post(job.data);
      } catch (err) {
        const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code ?? 'network_error';
        await ports.recordAttempt(job.data, { attempt, ok: false, outcome: code, willRetry });
        throw new CallbackRefused(code);
      }
      const ok = status >= 200 && status < 300;
      await ports.recordAttempt(job.data, { attempt, ok, outcome: String(status), willRetry: !ok && willRetry });
      if (!ok) throw new CallbackRefused(`HTTP ${status}`);
    },
    {
      connection: connections.worker(),
      prefix: connections.queuePrefix(INTAKE_CALLBACKS_QUEUE),
      concurrency: 4,
      settings: { backoffStrategy: (attemptsMade: number) => Math.round((callbackRetryDelay(attemptsMade) ?? 0) * timeScale) },
    },
  );
  worker.on('error', () => undefined);
  return worker;
}

/** Status changes stored with their transaction and not yet handed to the queue. */
export interface PendingCallbacks {
  undispatched(limit: number): Promise<(CallbackJob & { id: number })[]>;
  markDispatched(id: number): Promise<void>;
}

/**
 * Hands stored status changes to the callbacks queue (the change is written in the transaction of
 * the event's step; the job id makes a second hand-over the same job). Every process may run it.
 */
export function startCallbackRelay(store: PendingCallbacks, queue: Queue, onError: (err: unknown) => void, intervalMs = 300): { stop(): void; kick(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const pass = async () => {
    for (const row of await store.undispatched(200)) {
      const { id, ...job } = row;
      await enqueueCallback(queue, job);
      await store.markDispatched(id);
    }
  };
  const tick = () => {
    running ??= pass()
      .catch(onError)
      .finally(() => {
        running = null;
        if (!stopped) {
          clearTimeout(timer);
          timer = setTimeout(tick, intervalMs);
        }
      });
  };
  tick();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
    kick: () => {
      if (!running) {
        clearTimeout(timer);
        tick();
      }
    },
  };
}
