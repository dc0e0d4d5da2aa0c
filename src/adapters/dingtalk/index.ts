/**
 * The DingTalk channel: Stream mode in (robot messages and, with DINGTALK_CARD_TEMPLATE_ID, card
 * button presses), session webhook and robot OpenAPI out.
 */
import type { Channel, ChannelDeps } from '../channel';
import { CredentialsAlarm, DingTalkApi } from './api-client';
import { CardTargets } from './card-targets';
import { createFrameListener } from './receiver';
import { DingTalkSender } from './sender';
import { StreamClient, type ReconnectOptions, type WatchdogOptions } from './stream-client';
import { TOPIC_CARD_CALLBACK, TOPIC_ROBOT_MESSAGE } from './payloads';

export { DingTalkSender, directConversationId } from './sender';
export { quickLink, commandOfQuickLink, renderForApi, renderForWebhook } from './render';

/** Timing knobs, for tests and unusual networks; the defaults suit DingTalk's public service. */
export interface DingTalkChannelOptions {
  reconnect?: ReconnectOptions;
  watchdog?: WatchdogOptions;
  connectTimeoutMs?: number;
  /** First wait after DingTalk refused the credentials for a token. @defaultValue 30 s */
  credentialsBackoffMs?: number;
}

export interface DingTalkChannel extends Channel {
  readonly name: 'dingtalk';
  readonly sender: DingTalkSender;
  /** True while the Stream connection is open (for /readyz and tests). */
  readonly connected: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDingTalkChannel(deps: ChannelDeps, options: DingTalkChannelOptions = {}): DingTalkChannel {
  const { config, logger: parent, redis, sink } = deps;
  const logger = parent.child({ channel: 'dingtalk' });
  if (!config.DINGTALK_CLIENT_ID || !config.DINGTALK_CLIENT_SECRET) {
    throw new Error('DingTalk needs DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET');
  }
  const alarm = new CredentialsAlarm(logger);
  const api = new DingTalkApi({ config, redis, keyPrefix: deps.keyPrefix, logger, alarm, ...(options.credentialsBackoffMs ? { credentialsBackoffMs: options.credentialsBackoffMs } : {}) });
  const cardTargets = new CardTargets(redis, api.keyPrefix);
  const sender = new DingTalkSender({
    api,
    redis,
    logger,
    cardTargets,
    ...(config.DINGTALK_CARD_TEMPLATE_ID ? { cardTemplateId: config.DINGTALK_CARD_TEMPLATE_ID } : {}),
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
  });
  const topics = config.DINGTALK_CARD_TEMPLATE_ID ? [TOPIC_ROBOT_MESSAGE, TOPIC_CARD_CALLBACK] : [TOPIC_ROBOT_MESSAGE];
  let stream: StreamClient | undefined;

  return {
    name: 'dingtalk',
    sender,
    get connected() {
      return stream?.isConnected ?? false;
    },
    async start() {
      stream ??= new StreamClient(
        {
          clientId: config.DINGTALK_CLIENT_ID!,
          clientSecret: config.DINGTALK_CLIENT_SECRET!,
          gatewayUrl: config.DINGTALK_GATEWAY_URL,
          topics,
          logger,
          alarm,
          ...(options.reconnect ? { reconnect: options.reconnect } : {}),
          ...(options.watchdog ? { watchdog: options.watchdog } : {}),
          ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
        },
        createFrameListener({ sink, logger, api, cardTargets }),
      );
      await stream.start();
    },
    async stop() {
      await stream?.stop();
    },
  };
}
