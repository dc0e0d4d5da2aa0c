/**
 * A running Koa app that mounts only the WeCom channel, with a sink that is a real BullMQ queue on
 * the local Redis (a unique prefix per harness), and a fake WeCom API to send to.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import type { InboundInput } from '../../src/bot/inbound';
import type { Channel } from '../../src/adapters/channel';
import { createWeComChannel, type WeComChannelOptions } from '../../src/adapters/wecom';
import { FakeWeComApi } from './fakes/wecom-api';
import { randomAesKey, type WeComSecrets } from './fakes/wecom-callbacks';

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface WeComHarness {
  url: string;
  channel: Channel;
  queue: Queue;
  redis: Redis;
  api: FakeWeComApi;
  bot: WeComSecrets;
  app: WeComSecrets & { agentId: string };
  prefix: string;
  /** How many times the sink was called (a redelivery that reaches it is still one job). */
  sinkCalls: () => number;
  jobs(): Promise<InboundInput[]>;
  stop(): Promise<void>;
}

export async function startWeComHarness(
  options: WeComChannelOptions = {},
  apiOptions: ConstructorParameters<typeof FakeWeComApi>[2] = {},
): Promise<WeComHarness> {
  const prefix = `gbt-wecom-${crypto.randomBytes(4).toString('hex')}`;
  const corpId = `ww${crypto.randomBytes(8).toString('hex')}`;
  const api = await new FakeWeComApi(corpId, 'app-secret', apiOptions).start();
  const bot = { token: 'botToken123', aesKey: randomAesKey(), receiveId: '' };
  const app = { token: 'appToken456', aesKey: randomAesKey(), receiveId: corpId, agentId: '1000002' };
  const config = loadConfig({
    QUEUE_PREFIX: prefix,
    WECOM_CORP_ID: corpId,
    WECOM_AGENT_ID: app.agentId,
    WECOM_SECRET: 'app-secret',
    WECOM_TOKEN: app.token,
    WECOM_AES_KEY: app.aesKey,
    WECOM_BOT_TOKEN: bot.token,
    WECOM_BOT_AES_KEY: bot.aesKey,
    WECOM_API_BASE: api.url,
  });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('inbound', { connection: queueConnection, prefix });
  let calls = 0;
  const channel = createWeComChannel(
    {
      config,
      logger: silentLogger,
      redis,
      keyPrefix: prefix,
      sink: async (inbound) => {
        calls++;
        const id = crypto.createHash('sha1').update(inbound.messageId).digest('hex');
        await queue.add('inbound', inbound, { jobId: `${inbound.channel}-${id}` });
      },
    },
    options,
  );
  const router = new Router();
  channel.mount?.(router);
  const koa = new Koa();
  koa.use(router.routes()).use(router.allowedMethods());
  const server = http.createServer(koa.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    channel,
    queue,
    redis,
    api,
    bot,
    app,
    prefix,
    sinkCalls: () => calls,
    async jobs() {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      return jobs.map((j) => j.data as InboundInput);
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.obliterate({ force: true });
      await queue.close();
      await queueConnection.quit();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await api.stop();
    },
  };
}
