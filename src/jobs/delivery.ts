/**
 * One message to one place on one channel, as the outbox hands it to a channel sender.
 */
import type { ChannelName } from '../config';
import type { BotMessage } from '../bot/message';

export interface DeliveryTarget {
  /** A group or 1:1 conversation id, or a user id for a proactive 1:1 message. */
  kind: 'conversation' | 'user';
  id: string;
  /** Set on a conversation known to be 1:1; any other conversation is a group and gets masked. */
  direct?: boolean;
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
  /**
   * False for a channel that never asks to wait (never throws ChannelUnavailableError, nor a
   * TransientSendError with a target or hold scope: the sandbox). No hold or outage can then exist
   * for it, and its sends skip reading them (a round trip); the rate window, if any, still applies.
   */
  readonly asksToWait?: boolean;
  send(delivery: Delivery): Promise<void>;
}

/** The platform refused for good (bad credentials, unknown conversation): do not retry. */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
  constructor(message: string, readonly detail?: Record<string, unknown>) {
    super(message);
  }
}

/**
 * What a wait asked for by the platform applies to:
 * - `channel`: the whole channel pauses (a limit on the app as a whole);
 * - `target`: only deliveries to this delivery's target wait (a per-user or per-group limit), in order;
 * - `{ hold: key }`: only this delivery, and later ones that hit the same key, wait (a per-API
 *   limit); later deliveries to the same target queue behind it, unless `orderTarget: false` says
 *   the sender keeps that order itself (the WeCom group robot merges what waits into a digest).
 */
export type BackoffScope = 'channel' | 'target' | { hold: string; orderTarget?: boolean };

/** Worth another try later (rate limit, 5xx, network); `retryAfterMs` when the platform says. */
export class TransientSendError extends Error {
  override name = 'TransientSendError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    /** @defaultValue 'channel' */
    readonly scope: BackoffScope = 'channel',
  ) {
    super(message);
  }
}

/**
 * The channel itself cannot send right now, whatever the message: credentials revoked, the app
 * disabled, this server's IP not on the platform's allowlist, the account logged out. This is an
 * outage of the channel, not a fault of the message: the outbox holds the channel's messages
 * (they are not failed and use up no attempts), shows the outage on /readyz and /metrics, tells
 * the admins once on another channel, and delivers everything when a later try succeeds.
 */
export class ChannelUnavailableError extends Error {
  override name = 'ChannelUnavailableError';
  constructor(
    message: string,
    /** Short, log-safe reason shown to admins and on /readyz, e.g. `WeCom 60020 IP not allowlisted`. */
    readonly reason: string = message,
    /** How soon to try the channel again, when the platform or the cause says. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
