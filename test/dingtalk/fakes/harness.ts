/**
 * The DingTalk channel against the fake DingTalk, with a sink that is the real inbound sink (a
 * BullMQ queue on the local Redis under a unique prefix), a switch that makes the sink's Redis
 * "go down" (a queue whose connection was closed), and the channel's log lines captured.
 */
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../../../src/config';
import type { InboundInput, InboundSink } from '../../../src/bot/inbound';
import { createInboundSink } from '../../../src/jobs/inbound-queue';
import { Metrics } from '../../../src/metrics';
import { createDingTalkChannel, type DingTalkChannel, type DingTalkChannelOptions } from '../../../src/adapters/dingtalk';
import { FakeDingTalk, type FakeDingTalkOptions } from './fake-dingtalk';

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface DingTalkHarness {
  fake: FakeDingTalk;
  channel: DingTalkChannel;
  queue: Queue;
  redis: Redis;
  prefix: string;
  logs: LogLine[];
  /** From now on the sink fails like a queue whose Redis is gone, until `redisUp()`. */
  redisDown(): Promise<void>;
  redisUp(): void;
  sinkFailures: () => number;
  jobs(): Promise<InboundInput[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  channel?: DingTalkChannelOptions;
  fake?: FakeDingTalkOptions;
  /** Reuse a running fake (a second process of the same app). */
  sharedFake?: FakeDingTalk;
  prefix?: string;
  start?: boolean;
}

export function captureLogs(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export async function startDingTalkHarness(options: HarnessOptions = {}): Promise<DingTalkHarness> {
  const fake = options.sharedFake ?? (await new FakeDingTalk(options.fake).listen());
  const prefix = options.prefix ?? `gbt-dt-${crypto.randomBytes(4).toString('hex')}`;
  const config = loadConfig({ ...fake.env(), QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, ...options.env });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('inbound', { connection: queueConnection, prefix });
  const goodSink = createInboundSink(queue, new Metrics());
  let badSink: InboundSink | undefined;
  let badQueue: Queue | undefined;
  let failures = 0;
  const sink: InboundSink = async (inbound) => {
    if (!badSink) return goodSink(inbound);
    failures += 1;
    return badSink(inbound);
  };
  const { logger, lines } = captureLogs();
  const channel = createDingTalkChannel({ config, logger, sink, redis, keyPrefix: prefix }, options.channel);
  if (options.start !== false) await channel.start();

  return {
    fake,
    channel,
    queue,
    redis,
    prefix,
    logs: lines,
    async redisDown() {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      badQueue = new Queue('inbound', { connection, prefix });
      await badQueue.waitUntilReady();
      await connection.quit();
      badSink = createInboundSink(badQueue, new Metrics());
    },
    redisUp() {
      badSink = undefined;
    },
    sinkFailures: () => failures,
    async jobs() {
      const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
      return jobs.map((j) => j.data as InboundInput);
    },
    async stop() {
      await channel.stop?.();
      await badQueue?.close().catch(() => undefined);
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await queueConnection.quit();
      await redis.quit();
      if (!options.sharedFake) await fake.close();
    },
  };
}
