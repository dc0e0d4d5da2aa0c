/**
 * A channel-wide failure is an outage, not a reason to drop messages: while the WeCom app secret
 * is revoked, replies wait; /readyz and /metrics show the outage; the admins hear of it once on
 * another channel; once the secret is right again every held message arrives once, in order.
 * And a frequency limit on one member's messages (45009) holds that member only.
 */
import crypto from 'node:crypto';
import { eventually, outboxPayloadText, startTestApp, type TestApp } from '../support/app';
import { FakeWeComApi } from './fakes/wecom-api';
import { randomAesKey } from './fakes/wecom-callbacks';
import type { BotMessage } from '../../src/bot/message';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { defineCommand } from '../../src/bot/commands/framework';

/** A command that tells a WeCom user WeCom does not know (its app answers `invaliduser`). */
const notifyStranger = defineCommand({
  id: 'help',
  name: '通知测试',
  access: 'anyone',
  args: {},
  async run(ctx) {
    ctx.tx.effects.send({ channel: 'wecom', target: { kind: 'user', id: 'nobody' }, message: { text: '请于明日前完成巡查' } });
    return '已通知';
  },
});

const corpId = `ww${crypto.randomBytes(8).toString('hex')}`;
let api: FakeWeComApi;
let app: TestApp;

beforeAll(async () => {
  api = await new FakeWeComApi(corpId, 'outage-secret').start();
  app = await startTestApp({
    extraModules: [{ commands: [notifyStranger] }],
    env: {
      WECOM_CORP_ID: corpId,
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: 'outage-secret',
      WECOM_TOKEN: 'outageAppToken',
      WECOM_AES_KEY: randomAesKey(),
      WECOM_API_BASE: api.url,
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await api?.stop();
});

/** What the bot commits for a WeCom member, the way any feature does: an outbox row in a transaction. */
async function tellOnWeCom(userId: string, text: string): Promise<void> {
  await app.runtime.uow.runOnce(`test|${crypto.randomUUID()}`, async (tx) => {
    const message: BotMessage = { text };
    tx.effects.send({ channel: 'wecom', target: { kind: 'user', id: userId }, message });
  });
}

function delivered(userId: string): string[] {
  return api
    .acceptedCallsTo('/cgi-bin/message/send')
    .filter((c) => c.body.touser === userId)
    .map((c) => (c.body.markdown as { content: string } | undefined)?.content ?? '');
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(app.url + path);
  return { status: res.status, text: await res.text() };
}

it('holds WeCom messages while the app secret is revoked, shows the outage, tells the admin elsewhere once, then delivers each once', async () => {
  await tellOnWeCom('zhaoliu', '正常消息');
  await eventually(async () => delivered('zhaoliu').includes('正常消息'), 'a message before the outage');

  api.revokeSecret();
  const held = Array.from({ length: 5 }, (_, i) => `停用期间的消息 ${i + 1}`);
  for (const text of held) await tellOnWeCom('zhaoliu', text);

  const readyz = await eventually(async () => {
    const r = await get('/readyz');
    return r.text.includes('outage') ? r : undefined;
  }, '/readyz to show the WeCom outage');
  expect(readyz.status).toBe(200);
  expect(JSON.parse(readyz.text)).toMatchObject({ status: 'degraded', channels: { wecom: { status: 'outage', reason: expect.stringContaining('40001') } } });
  expect((await get('/metrics')).text).toMatch(/gridbot_channel_outage\{channel="wecom"\} 1/);

  const notices = await eventually(async () => {
    const m = (await app.chat.messages('dm-admin')).filter((x) => x.text.includes('wecom 渠道暂时无法发送消息'));
    return m.length ? m : undefined;
  }, 'the admin to be told on the sandbox');
  expect(notices[0].text).toContain('40001');

  // The outage goes on for a while: the channel is probed again and again, nothing is dropped.
  await new Promise((r) => setTimeout(r, 2_500));
  expect(held.some((t) => delivered('zhaoliu').includes(t))).toBe(false);
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { channel: 'wecom' } });
  expect(rows.filter((r) => r.status === 'failed')).toHaveLength(0);

  api.restoreSecret();
  await eventually(async () => held.every((t) => delivered('zhaoliu').includes(t)), 'every held message after the restore', 30_000);
  await app.chat.outboxDrained();
  const afterRestore = delivered('zhaoliu');
  expect(afterRestore.filter((t) => held.includes(t))).toEqual(held); // once each, in order

  await eventually(async () => (await get('/readyz')).text.includes('"ready"'), '/readyz to be ready again');
  expect((await get('/metrics')).text).toMatch(/gridbot_channel_outage\{channel="wecom"\} 0/);
  const allNotices = (await app.chat.messages('dm-admin')).filter((x) => x.text.includes('wecom 渠道暂时无法发送消息'));
  expect(allNotices).toHaveLength(1);
}, 60_000);

it('a 45009 for one member holds that member\'s messages, in order, while another member\'s arrive at once', async () => {
  api.limitUser('sunqi');
  await tellOnWeCom('sunqi', '孙七 第一条');
  await eventually(async () => api.callsTo('/cgi-bin/message/send').some((c) => c.body.touser === 'sunqi'), 'the limited send');
  await tellOnWeCom('sunqi', '孙七 第二条');
  for (let i = 1; i <= 3; i++) await tellOnWeCom('zhouba', `周八 第${i}条`);
  await eventually(async () => delivered('zhouba').length === 3, 'another member\'s messages without waiting for the limit', 5_000);
  expect(delivered('zhouba')).toEqual(['周八 第1条', '周八 第2条', '周八 第3条']);

  // 孙七's two messages wait behind the limit, the second behind the first.
  const queue = app.runtime.queues.get(`outbox-wecom`);
  const delayed = await eventually(async () => {
    const jobs = await queue.getDelayed();
    return jobs.length === 2 ? jobs : undefined;
  }, 'both of 孙七\'s messages to wait');
  const order = delayed.sort((a, b) => (a.data as { heldUntil: number }).heldUntil - (b.data as { heldUntil: number }).heldUntil);
  const outbox = app.runtime.dataSource.getRepository(OutboxSchema);
  const texts = await Promise.all(order.map(async (j) => outboxPayloadText((await outbox.findOneByOrFail({ id: (j.data as { id: string }).id })).payload)));
  expect(texts[0]).toContain('孙七 第一条');
  expect(texts[1]).toContain('孙七 第二条');
  expect((order[0].data as { heldUntil: number }).heldUntil).toBeGreaterThan(Date.now() + 30_000);
});

it('a refusal that concerns one message fails only that message, and the person who caused it is told', async () => {
  const id = await app.chat.post('dm-admin', 'admin', '通知测试');
  const told = await eventually(async () => {
    const m = (await app.chat.messages('dm-admin', id)).filter((x) => x.from === 'bot' && x.text.includes('未能送达'));
    return m.length ? m : undefined;
  }, 'the sender to be told');
  expect(told[0].text).toContain('通知未能送达');
  await app.chat.settled(id); // 孙七's messages still wait behind their 45009; this one's are done
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { channel: 'wecom', status: 'failed' } });
  expect(rows).toHaveLength(1);
  expect(outboxPayloadText(rows[0].payload)).toContain('nobody');
  expect((await app.chat.messages('dm-admin', id)).filter((x) => x.text.includes('未能送达'))).toHaveLength(1);
});

it('a concurrency limit on an API (45033) holds the refused message briefly; later ones to that person stay behind it, others go on', async () => {
  api.failNext('/cgi-bin/message/send', 45033);
  await tellOnWeCom('wujiu', '吴九 第一条');
  await eventually(async () => api.callsTo('/cgi-bin/message/send').some((c) => c.body.touser === 'wujiu' && c.errcode === 45033), 'the refused send');
  await tellOnWeCom('wujiu', '吴九 第二条');
  await tellOnWeCom('zhengshi', '郑十 第一条');
  await eventually(async () => delivered('zhengshi').length === 1, 'another member\'s message at once', 1_500);
  expect(delivered('wujiu')).toEqual([]);
  await eventually(async () => delivered('wujiu').length === 2, 'the held messages after the wait', 10_000);
  expect(delivered('wujiu')).toEqual(['吴九 第一条', '吴九 第二条']);
});
