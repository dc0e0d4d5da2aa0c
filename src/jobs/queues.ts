/**
 * Queue names and Redis connections for BullMQ. Producers fail fast when Redis is down (a receiver
 * must then not acknowledge); workers wait for Redis to come back.
 */
import { Queue, type QueueOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { ChannelName } from '../config';

export const INBOUND_QUEUE = 'inbound';
/** Delayed and scheduled work (reminder rungs, prompts, fan-outs), run by registered timer handlers. */
export const TIMERS_QUEUE = 'timers';
/** The job schedulers' firings and the re-upsert requests after an admin's change (src/jobs/schedules.ts). */
export const SCHEDULES_QUEUE = 'schedules';
export const outboxQueueName = (channel: ChannelName) => `outbox-${channel}`;

export interface RedisConnections {
  /** For commands and producers: errors surface at once instead of queueing offline. */
  producer: Redis;
  /** A factory for blocking worker connections (BullMQ requires maxRetriesPerRequest: null). */
  worker(): Redis;
  /** Resolves once the producer connection is up (BullMQ reads the server version at start). */
  ready(): Promise<void>;
  closeAll(): Promise<void>;
}

export function createRedisConnections(url: string): RedisConnections {
  const created: Redis[] = [];
  const make = (opts: RedisOptions) => {
    const r = new Redis(url, { lazyConnect: false, ...opts });
    r.on('error', () => undefined); // reported by health checks and the operations that fail
    created.push(r);
    return r;
  };
  const producer = make({ maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: (n) => Math.min(n * 200, 2000) });
  return {
    producer,
    async ready() {
      if (producer.status === 'ready') return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('Redis did not become ready within 10 s')), 10_000);
        producer.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    worker: () => make({ maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) }),
    async closeAll() {
      await Promise.all(created.map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}

/** One Queue object per name, sharing the producer connection and the key prefix. */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const opts: QueueOptions = { connection: this.connection, prefix: this.prefix, skipWaitingForReady: true };
      q = new Queue(name, opts);
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
