/**
 * One message to one place on one channel, as the outbox hands it to a channel sender.
 */
import type { ChannelName } from '../config';
import type { BotMessage } from '../bot/message';

export interface DeliveryTarget {
  /** A group or 1:1 conversation id, or a user id for a proactive 1:1 message. */
  kind: 'conversation' | 'user';
  id: string;
}

export interface Delivery {
  /** Deterministic outbox id: the same logical message always has the same id. */
  id: string;
  channel: ChannelName;
  target: DeliveryTarget;
  message: BotMessage;
  /** The Inbound's replyContext when this answers a message (session webhook, response_url). */
  replyContext?: Record<string, string>;
}

/** One per channel: turns a Delivery into the platform's API calls. */
export interface ChannelSender {
  readonly channel: ChannelName;
  send(delivery: Delivery): Promise<void>;
}

/** The platform refused for good (bad credentials, unknown conversation): do not retry. */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
  constructor(message: string, readonly detail?: Record<string, unknown>) {
    super(message);
  }
}

/** Worth another try later (rate limit, 5xx, network); `retryAfterMs` when the platform says. */
export class TransientSendError extends Error {
  override name = 'TransientSendError';
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/**
 * The whole channel is away (WeChat logged out, the puppet service unreachable): nothing is wrong
 * with this message, so it waits rather than using up its tries. A TransientSendError with a
 * `retryAfterMs`, which the sender worker turns into a channel-wide pause that does not count as an
 * attempt; the message stays queued (gridbot_queue_depth of the channel's outbox) until it goes.
 */
export class ChannelUnavailableError extends TransientSendError {
  override name = 'ChannelUnavailableError';
  constructor(channel: ChannelName, reason: string, retryAfterMs: number) {
    super(`${channel} is unavailable: ${reason}`, retryAfterMs);
  }
}
