/**
 * The WeCom channel: intelligent-bot and self-built-app callbacks (receiver.ts), and one sender for
 * response_url, app messages and group robot webhooks (sender.ts).
 */
import { channelEnabled } from '../../config';
import type { Channel, ChannelDeps } from '../channel';
import { WeComAppApi } from './api-client';
import { decodeAppCallback, decodeBotCallback, parseAppEnvelope } from './payloads';
import { WeComReceiver, type ReceiverOptions } from './receiver';
import { ButtonKeys } from './render';
import { WeComSender } from './sender';
import { WebhookSender, type WebhookWindowOptions } from './webhook-sender';
import { z } from 'zod';

export { WEBHOOK_PREFIX } from './webhook-sender';
export { GROUP_PREFIX } from './payloads';

export interface WeComChannelOptions {
  receiver?: ReceiverOptions;
  webhook?: WebhookWindowOptions;
}

const botEnvelopeSchema = z.object({ encrypt: z.string().min(1).max(1_000_000) });

export function createWeComChannel(deps: ChannelDeps, options: WeComChannelOptions = {}): Channel {
  const { config, logger, redis, sink } = deps;
  const keyPrefix = deps.keyPrefix;
  const buttonKeys = new ButtonKeys(redis, keyPrefix);
  const appEnabled = channelEnabled.wecomApp(config);
  if (appEnabled && !config.WECOM_AGENT_ID) {
    logger.warn({ channel: 'wecom' }, 'WECOM_AGENT_ID is not set: the WeCom app receives but cannot send');
  }
  const app =
    appEnabled && config.WECOM_CORP_ID && config.WECOM_AGENT_ID && config.WECOM_SECRET
      ? new WeComAppApi(
          { apiBase: config.WECOM_API_BASE, corpId: config.WECOM_CORP_ID, agentId: config.WECOM_AGENT_ID, secret: config.WECOM_SECRET },
          redis,
          keyPrefix,
        )
      : undefined;

  const sender = new WeComSender({
    app,
    webhooks: new WebhookSender(config.WECOM_API_BASE, redis, keyPrefix, logger, options.webhook),
    buttonKeys,
    redis,
    keyPrefix,
    logger,
    apiBase: config.WECOM_API_BASE,
  });
  const receiver = new WeComReceiver({ sink, redis, logger, keyPrefix, buttonKeys }, options.receiver);

  return {
    name: 'wecom',
    sender,
    mount(router) {
      if (config.WECOM_BOT_TOKEN && config.WECOM_BOT_AES_KEY) {
        receiver.mount(router, {
          name: 'bot',
          path: '/wecom/bot/callback',
          // WeCom documents the ReceiveId of an in-house intelligent bot as the empty string.
          secrets: { token: config.WECOM_BOT_TOKEN, aesKey: config.WECOM_BOT_AES_KEY, receiveId: '' },
          ciphertextOf: (body) => {
            try {
              const parsed = botEnvelopeSchema.safeParse(JSON.parse(body));
              return parsed.success ? parsed.data.encrypt : undefined;
            } catch {
              return undefined;
            }
          },
          decode: (plaintext, now) => decodeBotCallback(plaintext, now),
        });
      }
      if (appEnabled && config.WECOM_TOKEN && config.WECOM_AES_KEY && config.WECOM_CORP_ID) {
        receiver.mount(router, {
          name: 'app',
          path: '/wecom/app/callback',
          secrets: { token: config.WECOM_TOKEN, aesKey: config.WECOM_AES_KEY, receiveId: config.WECOM_CORP_ID },
          ciphertextOf: (body) => parseAppEnvelope(body)?.encrypt,
          decode: (plaintext) => decodeAppCallback(plaintext, config.WECOM_AGENT_ID),
        });
      }
    },
  };
}
