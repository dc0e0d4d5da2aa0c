/**
 * Queue names and Redis connections for BullMQ. Producers fail fast when Redis is down (a receiver
 * must then not acknowledge); workers wait for Redis to come back.
 */
import { Queue, type QueueOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type ChannelName, type RedisTarget } from '../config';

export const INBOUND_QUEUE = 'inbound';
/** Delayed and scheduled work (reminder rungs, prompts, fan-outs), run by registered timer handlers. */
export const TIMERS_QUEUE = 'timers';
/** The job schedulers' firings and the re-upsert requests after an admin's change (src/jobs/schedules.ts). */
export const SCHEDULES_QUEUE = 'schedules';
/** Status callbacks to intake clients (issue 17), retried with the domain's backoff. */
export const INTAKE_CALLBACKS_QUEUE = 'intake-callbacks';
export const outboxQueueName = (channel: ChannelName) => `outbox-${channel}`;

/** A connection to one Redis, a Sentinel-managed master, or a Redis Cluster (same commands). */
export type RedisClient = Redis | Cluster;

export interface RedisConnections {
  /** For gridbot's own commands (dedupe, limits, locks, the sandbox store): errors surface at once instead of queueing offline. */
  producer: RedisClient;
  /**
   * For the BullMQ queues' adds and reads, fail-fast like `producer`. Apart from it: BullMQ defines
   * its 60-odd scripts on the connection it is given, and ioredis copies every defined script into
   * each auto-pipeline it starts, about 45 µs of CPU per command issued on its own (most are);
   * without auto-pipelining each command goes straight out.
   */
  queues: RedisClient;
  /** A factory for blocking worker connections (BullMQ requires maxRetriesPerRequest: null). */
  worker(): RedisClient;
  /** Resolves once the producer and queues connections are up (BullMQ reads the server version at start). */
  ready(): Promise<void>;
  closeAll(): Promise<void>;
  /** 'single', 'sentinel' or 'cluster', from the form of REDIS_URL. */
  readonly kind: RedisTarget['kind'];
  /**
   * Prefix of gridbot's own keys (dedupe windows, rate limits, locks, tokens, the sandbox store).
   * On a cluster it is a hash tag, `{gridbot}`, so keys one operation touches together share a slot.
   */
  readonly keyPrefix: string;
  /**
   * BullMQ prefix of one queue. On a cluster every queue has its own hash tag, `{gridbot:inbound}`,
   * so BullMQ's multi-key scripts stay in one slot and the queues spread over the masters.
   */
  queuePrefix(queue: string): string;
}

export interface RedisConnectionOptions {
  /** REDIS_URL in any of its forms (see parseRedisUrl). */
  url: string;
  /** QUEUE_PREFIX. */
  prefix: string;
  sentinelPassword?: string;
}

export function createRedisConnections(opts: RedisConnectionOptions): RedisConnections {
  const target = parseRedisUrl(opts.url);
  if (!target) throw new Error(`REDIS_URL is not a Redis address: ${opts.url}`);
  const created: RedisClient[] = [];
  const make = (o: RedisOptions & { offlineQueue?: boolean }): RedisClient => {
    const { offlineQueue, ...redisOptions } = o;
    const r = connect(target, redisOptions, offlineQueue ?? true, opts.sentinelPassword);
    r.on('error', () => undefined); // reported by health checks and the operations that fail
    created.push(r);
    return r;
  };
  // Auto-pipelining: commands issued in the same tick (several messages in flight) leave in one
  // write. The producer never blocks (no B* commands, no subscriptions), so nothing waits behind one.
  const failFast = { maxRetriesPerRequest: 1, offlineQueue: false, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: (n: number) => Math.min(n * 200, 2000) };
  const producer = make({ ...failFast, enableAutoPipelining: true });
  const queues = make({ ...failFast, enableAutoPipelining: false });
  const clustered = target.kind === 'cluster';
  return {
    producer,
    queues,
    kind: target.kind,
    keyPrefix: clustered ? `{${opts.prefix}}` : opts.prefix,
    queuePrefix: (queue) => (clustered ? `{${opts.prefix}:${queue}}` : opts.prefix),
    async ready() {
      await Promise.all(
        [producer, queues].map(async (client) => {
          if (client.status === 'ready') return;
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('Redis did not become ready within 10 s')), 10_000);
            client.once('ready', () => {
              clearTimeout(timer);
              resolve();
            });
          });
        }),
      );
    },
    worker: () => make({ maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) }),
    async closeAll() {
      await Promise.all(created.map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}

function connect(target: RedisTarget, options: RedisOptions, offlineQueue: boolean, sentinelPassword: string | undefined): RedisClient {
  if (target.kind === 'single') return new Redis(target.url, { lazyConnect: false, ...options });
  const auth = { username: target.username, password: target.password, ...(target.tls ? { tls: {} } : {}) };
  if (target.kind === 'sentinel') {
    return new Redis({
      ...options,
      ...auth,
      sentinels: target.sentinels,
      name: target.name,
      db: target.db,
      sentinelPassword,
      enableTLSForSentinelMode: target.tls,
      sentinelRetryStrategy: (n) => Math.min(n * 200, 2000),
    });
  }
  const { retryStrategy, enableAutoPipelining, ...nodeOptions } = options;
  return new Cluster(target.nodes, {
    redisOptions: { ...nodeOptions, ...auth },
    enableOfflineQueue: offlineQueue,
    enableAutoPipelining: enableAutoPipelining ?? false,
    clusterRetryStrategy: (n) => (retryStrategy ? (retryStrategy(n) ?? null) : Math.min(n * 200, 2000)),
    // After a failover the client follows MOVED/ASK redirections and refreshes the slot map.
    slotsRefreshTimeout: 2000,
  });
}

/** One Queue object per name, sharing the queues connection and the key prefix. */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly connections: Pick<RedisConnections, 'queues' | 'queuePrefix'>) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const opts: QueueOptions = { connection: this.connections.queues, prefix: this.connections.queuePrefix(name), skipWaitingForReady: true };
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
