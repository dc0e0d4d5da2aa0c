/**
 * What main.ts needs from each chat channel (bolt-js style: a receiver that only turns platform
 * traffic into Inbound values and acknowledges them, and a sender the outbox calls).
 */
import type Router from '@koa/router';
import type { Config, ChannelName } from '../config';
import type { InboundSink } from '../bot/inbound';
import type { ChannelSender } from '../jobs/delivery';
import type { RedisClient } from '../jobs/queues';
import type { Admission } from '../jobs/inbound-queue';
import type { Logger } from '../log';

export interface ChannelDeps {
  config: Config;
  logger: Logger;
  /** Resolves once the Inbound is durably queued; acknowledge the platform only after that. */
  sink: InboundSink;
  /** Shared Redis connection (token caches, dedupe windows, rate limits). */
  redis: RedisClient;
  /**
   * Prefix of every key a channel keeps in Redis (QUEUE_PREFIX; on a Redis Cluster a hash tag,
   * `{gridbot}`, so keys an operation touches together share a slot). Never build keys from
   * QUEUE_PREFIX directly.
   */
  keyPrefix: string;
  /** Backpressure for receivers that may refuse (the sandbox API); absent means always accept. */
  admission?: Admission;
}

/** Whether a channel's long-lived connection is up, and since when (for /readyz and /metrics). */
export interface ChannelStatus {
  connected: boolean;
  since: Date;
}

export interface Channel {
  readonly name: ChannelName;
  readonly sender: ChannelSender;
  /** HTTP routes the channel serves (WeCom callbacks, sandbox pages); mounted when the process receives. */
  mount?(router: Router): void;
  /** Opens long-lived connections (DingTalk Stream, Wechaty); only in processes that receive. */
  start?(): Promise<void>;
  /** Stops receiving: close connections, cancel reconnects. Sending may still be needed until the end. */
  stop?(): Promise<void>;
  /** The connection's state, for channels that hold one (DingTalk Stream, Wechaty) once started. */
  status?(): ChannelStatus;
}
