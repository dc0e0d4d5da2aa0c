/**
 * A database that goes away for a while delays a report; it never loses it or answers it twice.
 * The bot talks to MariaDB through a TCP relay that the test cuts and restores.
 */
import { defineCommand } from '../src/bot/commands/framework';
import { inboundJobId } from '../src/jobs/inbound-queue';
import { startTestApp, eventually, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { Relay } from './support/relay';

describe('MariaDB outage', () => {
  let db: TestDatabase;
  let app: TestApp;
  let relay: Relay;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    const url = new URL(db.url);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 3306) });
    await relay.open();
    url.host = `127.0.0.1:${relay.port}`;
    app = await startTestApp({ database: { ...db, url: url.toString() } });
  });
  afterAll(async () => {
    await app.stop();
    await relay.cut();
    await db.drop();
  });

  it('answers a message sent while the database was away, once, after it is back', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
    await relay.cut();
    const id = await app.chat.post('dm-admin', 'admin', '帮助');
    // The message is accepted (Redis is up) but cannot be handled yet.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await app.chat.messages('dm-admin', id)).filter((m) => m.from === 'bot')).toHaveLength(0);
    await relay.open(relay.port);
    const answers = await eventually(async () => {
      const bot = (await app.chat.messages('dm-admin', id)).filter((m) => m.from === 'bot');
      return bot.length ? bot : null;
    }, 'the answer after the database came back', 30_000);
    await app.chat.outboxDrained();
    expect(answers).toHaveLength(1);
    expect((await app.chat.messages('dm-admin', id)).filter((m) => m.from === 'bot')).toHaveLength(1);
    expect(answers[0].text).toContain('新建单位');
  });
});

describe('a fault that is not an outage', () => {
  let app: TestApp;
  beforeAll(async () => {
    const broken = defineCommand({
      id: 'help',
      name: '故障',
      access: 'anyone',
      args: {},
      async run() {
        throw new TypeError('a bug in a handler');
      },
    });
    app = await startTestApp({ extraModules: [{ commands: [broken] }] });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('is tried a few times, then the sender is told once instead of waiting', async () => {
    const id = await app.chat.post('dm-admin', 'admin', '故障');
    const answers = await eventually(async () => {
      const bot = (await app.chat.messages('dm-admin', id)).filter((m) => m.from === 'bot');
      return bot.length ? bot : null;
    }, 'the apology', 20_000);
    await app.chat.outboxDrained();
    expect(answers.map((m) => m.text)).toEqual(['抱歉，处理您的消息时出错了，请稍后再试。管理员已收到记录。']);
    const job = await app.runtime.queues.get('inbound').getJob(inboundJobId('sandbox', id));
    expect(job?.attemptsMade).toBe(3);
  });
});
