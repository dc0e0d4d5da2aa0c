/**
 * Builds the parts from a validated Config and starts those this process runs (DESIGN §5:
 * receivers, workers and the scheduler may live in separate processes). Used by main.ts and by
 * the end-to-end tests, so tests run exactly what production runs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue, Worker } from 'bullmq';
import type Router from '@koa/router';
import { channelEnabled, type ChannelName, type Config } from './config';
import type { Logger } from './log';
import { Metrics } from './metrics';
import { Bot, type BotModule } from './bot/bot';
import { createBotModules, type BotModules, type BotRepos } from './bot/modules';
import { bootstrapAdmins } from './bot/bootstrap';
import { reportChannelOutage } from './bot/failures';
import { reportRefusal } from './jobs/refusals';
import { loadTextOverrides } from './bot/texts';
import type { Clock, UnitOfWork } from './bot/ports';
import type { InboundSink } from './bot/inbound';
import { createInboundSink, watchBacklog } from './jobs/inbound-queue';
import { startInboundWorker } from './jobs/inbound-worker';
import { OutboxDispatcher, startSenderWorker } from './jobs/outbox';
import { startTimerWorker } from './jobs/timer-worker';
import { ChannelOutages } from './jobs/channel-outages';
import { SendHolds } from './jobs/send-holds';
import { startScheduleWorker, upsertSchedules } from './jobs/schedules';
import { INBOUND_QUEUE, TIMERS_QUEUE, SCHEDULES_QUEUE, INTAKE_CALLBACKS_QUEUE, QueueRegistry, createRedisConnections, outboxQueueName, type RedisConnections } from './jobs/queues';
import { openDatabase, openReadReplica } from './adapters/db/data-source';
import { TypeOrmUnitOfWork } from './adapters/db/unit-of-work';
import { vaultFromConfig } from './adapters/db/pii/key-file';
import { TypeOrmOutboxStore } from './adapters/db/outbox-store';
import { createHttpApp, type ChannelReadiness } from './adapters/http/app';
import { earlyRefusal } from './adapters/http/early-refusal';
import type { Channel, ChannelDeps } from './adapters/channel';
import { createSandboxChannel } from './adapters/sandbox';
import { createWeComChannel } from './adapters/wecom';
import type { SandboxMessage } from './adapters/sandbox/store';
import type { DataSource } from 'typeorm';
import { createMeetingRenderer, minutesFile } from './adapters/render';
import { CalendarSource } from './bot/calendar/source';
import { mountOrgImport } from './adapters/xlsx/import-route';
import { mountRegisterImport } from './adapters/xlsx/register-import-route';
import { accessLogFile, registerExportFile } from './adapters/xlsx/register-export-file';
import { daibanLedgerFile, mountDaibanImport } from './adapters/xlsx/daiban-files';
import { DAIBAN_LEDGER_FILE } from './bot/daiban';
import { ACCESS_LOG_FILE, REGISTER_EXPORT_FILE } from './bot/register';
import { ledgerFile } from './adapters/xlsx/ledger-file';
import { mountFiles } from './adapters/http/files-route';
import { mountConsole } from './adapters/http/console-route';
import { mountResidents } from './adapters/http/resident-route';
import { ResidentLimits } from './adapters/http/resident-limits';
import { contactCardFile } from './adapters/render/contact-card-file';
import { CONTACT_CARD_FILE } from './bot/resident-web';
import { LEDGER_FILE } from './bot/assessment/ledgers';
import { MINUTES_FILE } from './bot/meetings/exports';
import { mountIntake } from './adapters/http/intake-route';
import { createCallbackPorts } from './adapters/http/intake-callback-sender';
import { TypeOrmIntakeCallbackStore } from './adapters/db/intake-callback-store';
import { startCallbackRelay, startCallbackWorker } from './jobs/intake-callbacks';
import { CALLBACK_MAX_ATTEMPTS } from './domain/intake';

export interface RuntimeOptions {
  logger: Logger;
  clock?: Clock;
  /** Extra or replacement channels (tests inject a Wechaty mock puppet this way). */
  channelFactories?: Partial<Record<ChannelName, (deps: ChannelDeps) => Channel>>;
  /** Called after each message the sandbox channel delivers (tests await replies with it). */
  onSandboxMessage?: (m: SandboxMessage) => void;
  /** Modules added after the areas' own (tests add one with a failing command this way). */
  extraModules?: BotModule<BotRepos>[];
}

export interface Runtime {
  config: Config;
  url: string;
  port: number;
  bot: Bot<BotRepos>;
  /** The areas as composed for this process (tests and benchmarks dispatch through `areas.tasks`). */
  areas: BotModules;
  uow: UnitOfWork<BotRepos>;
  dataSource: DataSource;
  queues: QueueRegistry;
  connections: RedisConnections;
  sink: InboundSink;
  channels: Channel[];
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Messages per second each channel's senders may send (0: no limit), from the configuration
 * (src/config.ts names the platforms' documented limits). WeCom webhooks have their own
 * per-robot window in the sender.
 */
const SEND_RATE: Record<ChannelName, (c: Config) => number> = {
  sandbox: (c) => c.SANDBOX_SEND_RATE,
  dingtalk: (c) => c.DINGTALK_QPS,
  wecom: (c) => c.WECOM_SEND_RATE,
  wechaty: (c) => c.WECHATY_SEND_RATE,
};

export async function startRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const roles = new Set(config.GRIDBOT_ROLES);
  const metrics = new Metrics();
  loadTextOverrides(config.TEXTS_FILE);

  const { dataSource, applied } = await openDatabase(config.DATABASE_URL, { traceQueries: config.NODE_ENV !== 'production' });
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const vault = vaultFromConfig(config, logger);
  const uow = new TypeOrmUnitOfWork(dataSource, options.clock ?? systemClock, config.DATABASE_URL, new CalendarSource(config.TIMEZONE), vault);
  // The console's pages read from the replica when there is one; everything that writes, or must see a write, stays on the primary.
  const replica = config.DATABASE_READ_URL ? await openReadReplica(config.DATABASE_READ_URL, dataSource, { traceQueries: config.NODE_ENV !== 'production' }) : null;
  if (replica) uow.useReplica(replica);
  const outboxStore = new TypeOrmOutboxStore(dataSource, (fn) => uow.exclusive(fn), vault);

  const connections = createRedisConnections({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, sentinelPassword: config.REDIS_SENTINEL_PASSWORD });
  await connections.ready();
  const queues = new QueueRegistry(connections);
  // Replies count into the backlog on channels only our own workers limit (set once the channels are built).
  let unlimitedSends: Queue[] = [];
  const admission = watchBacklog(queues.get(INBOUND_QUEUE), { limit: config.INBOUND_BACKLOG_LIMIT, maxLagMs: roles.has('receiver') ? config.INBOUND_MAX_LAG_MS : 0, replies: () => unlimitedSends });
  const sink = createInboundSink(queues.get(INBOUND_QUEUE), metrics, () => admission.accepted());
  const meetingRenderer = createMeetingRenderer();
  // Links point at PUBLIC_URL, or at this server once it listens (the port may be chosen by the OS).
  let ownUrl: string | null = null;
  const output = { renderer: meetingRenderer, baseUrl: () => config.PUBLIC_URL ?? ownUrl };
  const areas = createBotModules({ output });
  const bot = new Bot([...areas.modules, ...(options.extraModules ?? [])], logger);
  await bootstrapAdmins(uow, config.BOOTSTRAP_ADMINS);

  const channelDeps: ChannelDeps = { config, logger, sink, redis: connections.producer, keyPrefix: connections.keyPrefix, admission };
  const channels = buildChannels(config, channelDeps, uow, options);
  unlimitedSends = channels.filter((c) => SEND_RATE[c.name](config) === 0).map((c) => queues.get(outboxQueueName(c.name)));
  const dispatcher = new OutboxDispatcher(queues, outboxStore, new Set(channels.map((c) => c.name)), logger);
  uow.onCommitted((rows) => dispatcher.dispatch(rows));

  const outages = new ChannelOutages(connections.producer, connections.keyPrefix);
  const holds = new SendHolds(connections.producer, connections.keyPrefix);
  const channelNames = channels.map((c) => c.name);
  const workers: Worker[] = [];
  let relay: { stop(): Promise<void> } | null = null;
  let callbackRelay: { stop(): void } | null = null;
  if (roles.has('worker')) {
    const concurrency = config.DATABASE_URL.startsWith('sqlite:') ? 1 : 4;
    workers.push(startInboundWorker({ bot, uow, connections, prefix: connections.queuePrefix(INBOUND_QUEUE), concurrency, lockMs: config.JOB_LOCK_MS, metrics, logger }));
    workers.push(startTimerWorker({ timers: bot.timers, uow, connections, prefix: connections.queuePrefix(TIMERS_QUEUE), lockMs: config.JOB_LOCK_MS, logger }));
    for (const channel of channels) {
      workers.push(
        startSenderWorker({
          sender: channel.sender,
          store: outboxStore,
          connections,
          prefix: connections.queuePrefix(outboxQueueName(channel.name)),
          ratePerSecond: SEND_RATE[channel.name](config),
          lockMs: config.JOB_LOCK_MS,
          metrics,
          logger,
          onPermanentFailure: (f) => reportRefusal(uow, queues, f),
          outages,
          holds,
          onChannelOutage: async (outage) => {
            const down = new Set((await outages.current(channelNames)).map((o) => o.channel));
            await reportChannelOutage(uow, outage, (c) => channelNames.includes(c) && !down.has(c));
          },
        }),
      );
    }
    relay = dispatcher.startRelay();
    // Intake status changes (stored with the event's step) are handed to their queue and posted in order.
    const callbackStore = new TypeOrmIntakeCallbackStore(dataSource, (fn) => uow.exclusive(fn), vault);
    const callbackPorts = createCallbackPorts({ store: callbackStore, uow, service: areas.intake, logger, willRetry: (attempt) => attempt < CALLBACK_MAX_ATTEMPTS });
    workers.push(startCallbackWorker(connections, callbackPorts, config.INTAKE_CALLBACK_TIME_SCALE));
    callbackRelay = startCallbackRelay(callbackStore, queues.get(INTAKE_CALLBACKS_QUEUE), (err) => logger.warn({ err }, 'intake callback relay failed; will retry'));
  }
  if (roles.has('scheduler')) {
    const scheduling = { declarations: bot.schedules, uow, queues, timeZone: config.TIMEZONE, logger };
    await upsertSchedules(scheduling);
    workers.push(startScheduleWorker({ ...scheduling, connections, prefix: connections.queuePrefix(SCHEDULES_QUEUE), lockMs: config.JOB_LOCK_MS }));
  }

  const mounts: ((router: Router) => void)[] = roles.has('receiver') ? channels.flatMap((c) => (c.mount ? [c.mount.bind(c)] : [])) : [];
  const fileKinds = { [LEDGER_FILE]: ledgerFile(areas.assessment), [MINUTES_FILE]: minutesFile(meetingRenderer), [REGISTER_EXPORT_FILE]: registerExportFile, [ACCESS_LOG_FILE]: accessLogFile, [DAIBAN_LEDGER_FILE]: daibanLedgerFile, [CONTACT_CARD_FILE]: contactCardFile(output.baseUrl) };
  mounts.push((router) => mountFiles(router, { uow, clock: options.clock ?? systemClock, logger, kinds: fileKinds }));
  mounts.push((router) => mountOrgImport(router, { uow, clock: options.clock ?? systemClock, logger }));
  mounts.push((router) => mountConsole(router, { uow, clock: options.clock ?? systemClock, logger, baseUrl: output.baseUrl }));
  mounts.push((router) =>
    mountResidents(router, { uow, clock: options.clock ?? systemClock, logger, service: areas.residentWeb, limits: new ResidentLimits(connections.producer, connections.keyPrefix, () => (options.clock ?? systemClock).now().getTime()), baseUrl: output.baseUrl }),
  );
  mounts.push((router) => mountIntake(router, { uow, clock: options.clock ?? systemClock, logger, service: areas.intake, admission }));
  mounts.push((router) => mountRegisterImport(router, { uow, clock: options.clock ?? systemClock, logger, service: areas.register }));
  mounts.push((router) => mountDaibanImport(router, { uow, clock: options.clock ?? systemClock, logger, service: areas.daiban }));
  const knownQueues = [INBOUND_QUEUE, TIMERS_QUEUE, SCHEDULES_QUEUE, INTAKE_CALLBACKS_QUEUE, ...channels.map((c) => outboxQueueName(c.name))];
  const queueCounts = async () => {
    const out: Record<string, Record<string, number>> = {};
    for (const name of knownQueues) out[name] = await queues.get(name).getJobCounts('wait', 'active', 'delayed', 'failed', 'completed');
    return out;
  };
  const channelStates = async () => {
    const out: Record<string, ChannelReadiness> = {};
    for (const channel of channels) {
      const status = roles.has('receiver') ? channel.status?.() : undefined;
      if (!status) continue;
      const counts = await queues.get(outboxQueueName(channel.name)).getJobCounts('wait', 'delayed', 'active', 'prioritized', 'waiting-children');
      const queued = Object.values(counts).reduce((a, b) => a + b, 0);
      out[channel.name] = { connected: status.connected, since: status.since.toISOString(), queued };
    }
    return out;
  };
  const app = createHttpApp({
    logger,
    metrics,
    adminToken: config.ADMIN_TOKEN,
    mounts,
    ready: async () => {
      await dataSource.query('SELECT 1');
      // Both connections a receiver needs: its own keys and the queues it accepts into.
      await Promise.all([connections.producer.ping(), connections.queues.ping()]);
    },
    channels: channelStates,
    channelOutages: () => outages.current(channelNames),
    beforeScrape: async () => {
      const down = new Set((await outages.current(channelNames)).map((o) => o.channel));
      for (const name of channelNames) metrics.channelOutage.set({ channel: name }, down.has(name) ? 1 : 0);
      for (const [queue, counts] of Object.entries(await queueCounts())) for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue, state }, n);
      for (const [channel, state] of Object.entries(await channelStates())) {
        metrics.channelConnected.set({ channel }, state.connected ? 1 : 0);
        metrics.channelStateSince.set({ channel }, Date.parse(state.since) / 1000);
      }
    },
    // bull-board is loaded only when the dashboard can be reached (ADMIN_TOKEN): about 15 MB.
    dashboard: config.ADMIN_TOKEN ? (require('./adapters/http/queue-dashboard') as typeof import('./adapters/http/queue-dashboard')).createQueueDashboard(knownQueues.map((name) => queues.get(name))) : null,
  });
  const handle = app.callback();
  // Refusable receivers are refused before Koa when past capacity (early-refusal.ts).
  const refusedEarly = roles.has('receiver') ? earlyRefusal(admission) : () => false;
  const server = http.createServer((req, res) => {
    if (!refusedEarly(req, res)) void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  ownUrl = `http://127.0.0.1:${port}`;

  if (roles.has('receiver')) for (const c of channels) await c.start?.();
  logger.info({ port, roles: [...roles], channels: channels.map((c) => c.name), database: config.DATABASE_URL.split(':')[0] }, 'gridbot started');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: no new messages are accepted');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      for (const c of channels) await c.stop?.().catch((err: unknown) => logger.warn({ err, channel: c.name }, 'channel stop failed'));
      void relay?.stop();
      callbackRelay?.stop();
      admission.stop();
      // close() lets active jobs finish; anything not finished is handed back by BullMQ's stall check.
      await Promise.all(workers.map((w) => w.close()));
      // The dispatched_at of rows handed on last (written in batches).
      await dispatcher.flush();
      await queues.close();
      await connections.closeAll();
      await replica?.destroy();
      await dataSource.destroy();
      logger.info('stopped');
    })());

  return { config, url: `http://127.0.0.1:${port}`, port, bot, areas, uow, dataSource, queues, connections, sink, channels, stop };
}

function buildChannels(config: Config, deps: ChannelDeps, uow: UnitOfWork<BotRepos>, options: RuntimeOptions): Channel[] {
  const channels: Channel[] = [];
  const factories = options.channelFactories ?? {};
  if (channelEnabled.sandbox(config)) {
    channels.push(
      createSandboxChannel({
        ...deps,
        onSent: options.onSandboxMessage,
        directory: () =>
          uow.read(async (repos) => ({
            users: (await repos.org.channelUsers('sandbox')).map((u) => ({ id: u.platformUserId, name: u.memberName })),
            conversations: (await repos.org.channelConversations('sandbox')).map((c) => ({ id: c.conversationId, title: c.title ?? c.unitName })),
          })),
      }),
    );
  }
  const wecom = factories.wecom ?? ((d: ChannelDeps) => createWeComChannel(d));
  // Always present: even without the app or the intelligent bot, units may have group-robot webhooks.
  channels.push(wecom(deps));
  // Wechaty is loaded only when a puppet is named: it holds about 25 MB of a running process's memory.
  if (factories.wechaty) channels.push(factories.wechaty(deps));
  else if (channelEnabled.wechaty(config)) {
    // Loaded on demand (a CommonJS build, so require).
    const { createWechatyChannel } = require('./adapters/wechaty') as typeof import('./adapters/wechaty');
    channels.push(createWechatyChannel(deps));
  }
  // DingTalk's Stream SDK (and its WebSocket stack) is loaded only when DingTalk is configured.
  if (factories.dingtalk) channels.push(factories.dingtalk(deps));
  else if (channelEnabled.dingtalk(config)) {
    const { createDingTalkChannel } = require('./adapters/dingtalk') as typeof import('./adapters/dingtalk');
    channels.push(createDingTalkChannel(deps));
  }
  return channels;
}
