/**
 * Starts the real runtime (queues on the local Redis under a unique prefix, a fresh database,
 * the sandbox channel) for end-to-end tests, and a chat driver that talks to it through the
 * sandbox HTTP API the way the web page does.
 */
import crypto from 'node:crypto';
import { IsNull, Not } from 'typeorm';
import { EventEmitter } from 'node:events';
import { loadConfig, type ChannelName } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startRuntime, type Runtime } from '../../src/runtime';
import type { Channel, ChannelDeps } from '../../src/adapters/channel';
import type { Clock } from '../../src/bot/ports';
import type { BotModule } from '../../src/bot/bot';
import type { BotRepos } from '../../src/bot/modules';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { inboundKey } from '../../src/jobs/inbound-queue';
import type { Attachment } from '../../src/bot/inbound';
import { OutboxSchema, ProcessedKeySchema } from '../../src/adapters/db/schemas/core';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './databases';
import { TEST_PII_KEY } from './pii';

export { TEST_PII_KEY, outboxPayloadText } from './pii';

export interface TestAppOptions {
  db?: TestDatabaseKind;
  /** Reuse a database (a restart test); the caller drops it. */
  database?: TestDatabase;
  /** Reuse a queue prefix (a restart or second-process test). */
  queuePrefix?: string;
  env?: Record<string, string>;
  channelFactories?: Partial<Record<ChannelName, (deps: ChannelDeps) => Channel>>;
  clock?: Clock;
  /** Added to the bot's modules (a test module with a failing command, say). */
  extraModules?: BotModule<BotRepos>[];
}

export interface TestApp {
  runtime: Runtime;
  url: string;
  database: TestDatabase;
  queuePrefix: string;
  chat: ChatDriver;
  /** Stops the runtime; drops the database unless it was given. */
  stop(): Promise<void>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(options.db));
  const queuePrefix = options.queuePrefix ?? `gbt${crypto.randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    BOOTSTRAP_ADMINS: 'sandbox:admin',
    SANDBOX_ENABLED: 'true',
    // One fixed key for every test app, so a restarted app reads what the first one sealed.
    PII_KEY: TEST_PII_KEY,
    ...options.env,
  });
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const runtime = await startRuntime(config, {
    logger: silentLogger,
    clock: options.clock,
    channelFactories: options.channelFactories,
    extraModules: options.extraModules,
    onSandboxMessage: (m) => events.emit('message', m),
  });
  const chat = new ChatDriver(runtime, events);
  return {
    runtime,
    url: runtime.url,
    database,
    queuePrefix,
    chat,
    async stop() {
      await runtime.stop();
      if (!options.database) await database.drop();
    },
  };
}

/** Waits until `check` returns a value, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export class ChatDriver {
  constructor(
    private readonly runtime: Runtime,
    readonly events: EventEmitter,
  ) {}

  private async api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T; retryAfter: string | null }> {
    const res = await fetch(this.runtime.url + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T, retryAfter: res.headers.get('retry-after') };
  }

  /** Posts a message as `user` and returns its id once accepted (202). */
  async post(conversation: string, user: string, text: string, extra: { id?: string; userName?: string; attachments?: Attachment[]; mentioned?: boolean; quote?: string } = {}): Promise<string> {
    let res = await this.api<{ id: string; error?: string }>('POST', '/sandbox/api/messages', { conversation, user, text, ...extra });
    // As any client should: a 429 (a busy receiver; nothing was queued) is sent again after Retry-After.
    for (let tries = 0; res.status === 429 && tries < 20; tries++) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.retryAfter ?? 1)));
      res = await this.api<{ id: string; error?: string }>('POST', '/sandbox/api/messages', { conversation, user, text, ...extra });
    }
    if (res.status !== 202) throw new Error(`sandbox refused the message: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async messages(conversation: string, after?: string): Promise<SandboxMessage[]> {
    const q = `conversation=${encodeURIComponent(conversation)}${after ? `&after=${after}` : ''}`;
    return (await this.api<{ messages: SandboxMessage[] }>('GET', `/sandbox/api/messages?${q}`)).body.messages;
  }

  /** Resolves once the message with this id was handled and everything it caused was delivered. */
  async settled(messageId: string): Promise<void> {
    const key = inboundKey('sandbox', messageId);
    const ds = this.runtime.dataSource;
    await eventually(async () => (await ds.getRepository(ProcessedKeySchema).count({ where: { key } })) > 0, `message ${messageId} to be handled`);
    await this.outboxDrained(key);
  }

  /**
   * Resolves once every message row of a processed key (or of all keys) left 'pending' and every
   * job/cancel row was handed to its queue (those stay 'pending': dispatching is their delivery).
   */
  async outboxDrained(sourceKey?: string): Promise<void> {
    const ds = this.runtime.dataSource;
    const scope = sourceKey ? { sourceKey } : {};
    await eventually(
      async () =>
        (await ds.getRepository(OutboxSchema).count({ where: [{ ...scope, kind: 'message', status: 'pending' }, { ...scope, kind: Not('message'), dispatchedAt: IsNull() }] })) === 0,
      `outbox rows${sourceKey ? ` of ${sourceKey}` : ''} to be delivered`,
    );
  }

  /**
   * `user` says `text` in `conversation`; returns the bot's messages in that conversation caused
   * by it (after it was handled and its outbox delivered).
   */
  async say(conversation: string, user: string, text: string, attachments?: Attachment[]): Promise<SandboxMessage[]> {
    const id = await this.post(conversation, user, text, attachments ? { attachments } : {});
    await this.settled(id);
    return (await this.messages(conversation, id)).filter((m) => m.from === 'bot');
  }

  /** Like say, but returns the joined text of the replies (handy for toContain). */
  async ask(conversation: string, user: string, text: string): Promise<string> {
    return (await this.say(conversation, user, text)).map((m) => m.text).join('\n---\n');
  }

  /** Presses a card button; returns the bot's replies in that conversation. */
  async press(conversation: string, user: string, message: SandboxMessage, action: string): Promise<SandboxMessage[]> {
    const res = await this.api<{ id: string }>('POST', '/sandbox/api/actions', { conversation, user, messageId: message.id, action });
    if (res.status !== 202) throw new Error(`button press refused: ${res.status}`);
    await this.settled(res.body.id);
    return (await this.messages(conversation, res.body.id)).filter((m) => m.from === 'bot');
  }

  /** Binds a sandbox user to a new member with a role at a unit, through the real commands. */
  async enrol(user: string, name: string, roleWord: string, unitCode: string): Promise<void> {
    const reply = await this.ask('dm-admin', 'admin', `添加成员 ${name} ${roleWord} ${unitCode}`);
    const code = /绑定 ([A-Z0-9]{8})/.exec(reply)?.[1];
    if (!code) throw new Error(`no invite code in: ${reply}`);
    const bound = await this.ask(`dm-${user}`, user, `绑定 ${code}`);
    if (!bound.includes('绑定成功')) throw new Error(`binding failed: ${bound}`);
  }
}
