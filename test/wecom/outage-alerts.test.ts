/**
 * When no admin can be reached on another working channel, a channel outage is still told: in the
 * sandbox's `admin-alerts` conversation, once.
 */
import crypto from 'node:crypto';
import { eventually, outboxPayloadText, startTestApp, type TestApp } from '../support/app';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { FakeWeComApi } from './fakes/wecom-api';
import { randomAesKey } from './fakes/wecom-callbacks';

const corpId = `ww${crypto.randomBytes(8).toString('hex')}`;
let api: FakeWeComApi;
let app: TestApp;

beforeAll(async () => {
  api = await new FakeWeComApi(corpId, 'alerts-secret').start();
  app = await startTestApp({
    env: {
      // The only admin is on WeCom: the failing channel.
      BOOTSTRAP_ADMINS: 'wecom:zhangsan',
      WECOM_CORP_ID: corpId,
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: 'alerts-secret',
      WECOM_TOKEN: 'alertsAppToken',
      WECOM_AES_KEY: randomAesKey(),
      WECOM_API_BASE: api.url,
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await api?.stop();
});

it('an outage with no admin on another channel is posted in the sandbox admin-alerts conversation once', async () => {
  api.revokeSecret();
  for (let i = 1; i <= 3; i++) {
    await app.runtime.uow.runOnce(`test|${crypto.randomUUID()}`, async (tx) => {
      tx.effects.send({ channel: 'wecom', target: { kind: 'user', id: 'lisi' }, message: { text: `第${i}条` } });
    });
  }
  const alerts = await eventually(async () => {
    const m = await app.chat.messages('admin-alerts');
    return m.length ? m : undefined;
  }, 'the alert in the sandbox');
  expect(alerts[0].text).toContain('wecom 渠道暂时无法发送消息');
  // Not sent to the admin over the broken channel, where it would only wait with the rest.
  // (Message payloads are sealed at rest: read them opened.)
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { channel: 'wecom', kind: 'message' } });
  expect(rows.filter((r) => outboxPayloadText(r.payload).includes('zhangsan'))).toHaveLength(0);

  api.restoreSecret();
  await eventually(async () => api.acceptedCallsTo('/cgi-bin/message/send').filter((c) => c.body.touser === 'lisi').length === 3, 'the held messages');
  expect(await app.chat.messages('admin-alerts')).toHaveLength(1);
}, 30_000);
