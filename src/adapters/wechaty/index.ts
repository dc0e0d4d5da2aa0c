/**
 * The Wechaty channel: WeChat (or WeCom through a puppet service) via any puppet named by
 * WECHATY_PUPPET; tests inject a puppet (wechaty-puppet-mock).
 */
import fs from 'node:fs';
import { WechatyBuilder, qrcodeValueToImageUrl, type Wechaty, type WechatyOptions, type PuppetModuleName } from 'wechaty';
import type { Channel, ChannelDeps } from '../channel';
import { WechatyReceiver } from './receiver';
import { WechatySender } from './sender';

/** A puppet instance, as Wechaty accepts it. */
export type WechatyPuppet = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatyChannel extends Channel {
  /** Resolves once the account is logged in (a QR scan may be needed first). */
  whenLoggedIn(): Promise<void>;
}

export function createWechatyChannel(deps: ChannelDeps & { puppet?: WechatyPuppet }): WechatyChannel {
  const { config, logger, redis, sink } = deps;
  const log = logger.child({ channel: 'wechaty' });
  let bot: Wechaty | undefined;
  const receiver = new WechatyReceiver({ sink, redis, logger, keyPrefix: config.QUEUE_PREFIX });
  let markLoggedIn: () => void = () => undefined;
  let loggedIn = new Promise<void>((resolve) => (markLoggedIn = resolve));

  function build(): Wechaty {
    if (deps.puppet) return WechatyBuilder.build({ puppet: deps.puppet });
    if (!config.WECHATY_PUPPET) throw new Error('WECHATY_PUPPET is not set');
    fs.mkdirSync('data', { recursive: true });
    return WechatyBuilder.build({
      // The name keeps the login session (memory card, data/wechaty.memory-card.json) across restarts.
      name: 'data/wechaty',
      puppet: config.WECHATY_PUPPET as PuppetModuleName,
      ...(config.WECHATY_PUPPET_SERVICE_TOKEN ? { puppetOptions: { token: config.WECHATY_PUPPET_SERVICE_TOKEN } } : {}),
    });
  }

  return {
    name: 'wechaty',
    sender: new WechatySender(() => bot, logger, { redis, keyPrefix: config.QUEUE_PREFIX }),
    whenLoggedIn: () => loggedIn,
    async start() {
      const wechaty = build();
      wechaty.on('scan', (qrcode: string, status: number) => {
        log.info({ status, qrcodeUrl: qrcodeValueToImageUrl(qrcode) }, 'Wechaty: scan this QR code to log in');
      });
      wechaty.on('login', (user: { id: string }) => {
        receiver.loggedIn(Date.now());
        markLoggedIn();
        log.info({ userId: user.id }, 'Wechaty logged in');
      });
      wechaty.on('logout', () => {
        receiver.loggedOut();
        loggedIn = new Promise<void>((resolve) => (markLoggedIn = resolve));
        log.warn('Wechaty logged out');
      });
      wechaty.on('error', (error: unknown) => log.warn({ err: error }, 'Wechaty error'));
      wechaty.on('message', (message) => receiver.onMessage(message));
      bot = wechaty;
      await wechaty.start();
    },
    async stop() {
      const wechaty = bot;
      bot = undefined;
      receiver.loggedOut();
      await wechaty?.stop();
    },
  };
}
