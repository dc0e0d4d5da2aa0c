/**
 * The Wechaty channel: WeChat (or WeCom through a puppet service) via any puppet named by
 * WECHATY_PUPPET; tests inject a puppet (wechaty-puppet-mock). The connection's life cycle is
 * WechatyConnection's; this file builds the instances and wires receiver and sender to it.
 */
import fs from 'node:fs';
import net from 'node:net';
import { WechatyBuilder, qrcodeValueToImageUrl, type Wechaty, type WechatyOptions, type PuppetModuleName } from 'wechaty';
import type { Channel, ChannelDeps, ChannelStatus } from '../channel';
import type { Config } from '../../config';
import { WechatyConnection, type WechatyLivenessOptions, type WechatyReconnectOptions } from './connection';
import { WechatyReceiver } from './receiver';
import { WechatySender } from './sender';

/** A puppet instance, as Wechaty accepts it. */
export type WechatyPuppet = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatyChannelOptions {
  /** A puppet instance to use instead of WECHATY_PUPPET (tests: wechaty-puppet-mock in-process). */
  puppet?: WechatyPuppet;
  reconnect?: WechatyReconnectOptions;
  liveness?: WechatyLivenessOptions;
  /** Where the login session is kept (`<name>.memory-card.json`). @defaultValue data/wechaty */
  sessionName?: string;
  /** Wechaty's own puppet watchdog; must stay above the liveness timeout. @defaultValue 600 */
  puppetWatchdogSeconds?: number;
}

export interface WechatyChannel extends Channel {
  /** Resolves once the account is logged in (a QR scan may be needed first). */
  whenLoggedIn(): Promise<void>;
  status(): ChannelStatus;
}

/**
 * Wechaty's own watchdog resets the puppet when the service sent nothing for this long; our
 * liveness check (a ding when quiet, a restart after 45 s of silence) always acts first, so the
 * watchdog's reset, which cannot recover from a failed start, never races our restart.
 */
const PUPPET_WATCHDOG_SECONDS = 600;

export function createWechatyChannel(deps: ChannelDeps & WechatyChannelOptions): WechatyChannel {
  const { config, logger, redis, sink } = deps;
  const log = logger.child({ channel: 'wechaty' });
  const receiver = new WechatyReceiver({ sink, redis, logger, keyPrefix: deps.keyPrefix });

  const connection = new WechatyConnection({
    build: () => withScanLog(deps.puppet ? WechatyBuilder.build({ puppet: deps.puppet }) : buildFromConfig(config, deps.sessionName ?? 'data/wechaty', deps.puppetWatchdogSeconds ?? PUPPET_WATCHDOG_SECONDS), log),
    logger: log,
    onLogin: (at) => receiver.loggedIn(at.getTime()),
    onLogout: () => undefined,
    onMessage: (message) => void receiver.onMessage(message),
    ...(!deps.puppet && config.WECHATY_PUPPET_SERVICE_ENDPOINT ? { probe: () => probeTcp(config.WECHATY_PUPPET_SERVICE_ENDPOINT!) } : {}),
    ...(deps.reconnect ? { reconnect: deps.reconnect } : {}),
    ...(deps.liveness ? { liveness: deps.liveness } : {}),
  });

  return {
    name: 'wechaty',
    sender: new WechatySender(connection, logger, { redis, keyPrefix: deps.keyPrefix }),
    whenLoggedIn: () => connection.whenLoggedIn(),
    status: () => connection.status,
    async start() {
      await connection.start();
    },
    async stop() {
      await connection.stop();
      receiver.loggedOut();
    },
  };
}

function buildFromConfig(config: Config, sessionName: string, watchdogSeconds: number): Wechaty {
  if (!config.WECHATY_PUPPET) throw new Error('WECHATY_PUPPET is not set');
  fs.mkdirSync('data', { recursive: true });
  const serviceOptions = {
    ...(config.WECHATY_PUPPET_SERVICE_TOKEN ? { token: config.WECHATY_PUPPET_SERVICE_TOKEN } : {}),
    ...(config.WECHATY_PUPPET_SERVICE_ENDPOINT ? { endpoint: config.WECHATY_PUPPET_SERVICE_ENDPOINT } : {}),
    ...(config.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT ? { tls: { disable: true } } : {}),
  };
  return WechatyBuilder.build({
    // The name keeps the login session (memory card, data/wechaty.memory-card.json) across restarts.
    name: sessionName,
    puppet: config.WECHATY_PUPPET as PuppetModuleName,
    puppetOptions: { ...serviceOptions, timeoutSeconds: watchdogSeconds },
  });
}

/** Resolves when host:port accepts a TCP connection within 3 s. */
function probeTcp(endpoint: string): Promise<void> {
  const i = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(endpoint.slice(i + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer from ${endpoint} within 3 s`));
    });
    socket.once('error', (err) => reject(err));
  });
}

function withScanLog(wechaty: Wechaty, log: ChannelDeps['logger']): Wechaty {
  wechaty.on('scan', (qrcode: string, status: number) => {
    log.info({ status, qrcodeUrl: qrcodeValueToImageUrl(qrcode) }, 'Wechaty: scan this QR code to log in');
  });
  return wechaty;
}
