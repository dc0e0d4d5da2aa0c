/**
 * Sending on DingTalk against the fake OpenAPI: replies through the session webhook while it is
 * valid, proactive messages through groupMessages/send and oToMessages/batchSend with a cached
 * token, DingTalk's refusals turned into the outbox's transient and permanent errors.
 */
import { ChannelUnavailableError, PermanentSendError, TransientSendError, type Delivery } from '../../src/jobs/delivery';
import { commandOfQuickLink } from '../../src/adapters/dingtalk';
import { startDingTalkHarness, type DingTalkHarness } from './fakes/harness';

const taskCard = {
  title: '任务 T20261122-0007',
  fields: [{ label: '状态', value: '待接单' }],
  buttons: [
    { label: '接单', command: '接单 T20261122-0007' },
    { label: '申请延期', command: '申请延期 T20261122-0007' },
  ],
};

function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return { id: `out-${Math.random().toString(36).slice(2)}`, channel: 'dingtalk', target: { kind: 'conversation', id: 'cidGroupA==' }, message: { text: '您好' }, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the send to fail');
}

describe('DingTalk sender', () => {
  let h: DingTalkHarness;
  beforeEach(async () => {
    h = await startDingTalkHarness({ start: false });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('answers a group message through its session webhook, with card buttons as quick links', async () => {
    const webhook = `${h.fake.url}/robot/sendBySession?session=abc`;
    await h.channel.sender.send(
      delivery({
        message: { text: '任务', card: taskCard, mentionUserIds: ['staff001'] },
        replyContext: { sessionWebhook: webhook, sessionWebhookExpiredTime: String(Date.now() + 3_600_000) },
      }),
    );

    const [call] = h.fake.callsTo('/robot/sendBySession');
    expect(call.body).toMatchObject({ msgtype: 'actionCard', at: { atUserIds: ['staff001'] } });
    const card = call.body.actionCard as { title: string; text: string; btns: { title: string; actionURL: string }[] };
    expect(card.title).toBe('任务 T20261122-0007');
    expect(card.text).toContain('**状态**：待接单');
    expect(card.btns.map((b) => [b.title, commandOfQuickLink(b.actionURL)])).toEqual([
      ['接单', '接单 T20261122-0007'],
      ['申请延期', '申请延期 T20261122-0007'],
    ]);
    expect(h.fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(0);
    expect(h.fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(0);
  });

  it('sends proactively (or when the webhook expired) through groupMessages/send with one cached token', async () => {
    await h.channel.sender.send(delivery({ message: { text: '明天是周二，请报送信息' } }));
    await h.channel.sender.send(
      delivery({ message: { text: '第二条' }, replyContext: { sessionWebhook: `${h.fake.url}/robot/sendBySession?session=old`, sessionWebhookExpiredTime: String(Date.now() - 1) } }),
    );

    const sends = h.fake.callsTo('/v1.0/robot/groupMessages/send');
    expect(sends).toHaveLength(2);
    expect(sends[0].body).toEqual({ robotCode: h.fake.robotCode, openConversationId: 'cidGroupA==', msgKey: 'sampleText', msgParam: JSON.stringify({ content: '明天是周二，请报送信息' }) });
    expect(new Set(sends.map((s) => s.token)).size).toBe(1);
    expect(h.fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
    expect(h.fake.callsTo('/robot/sendBySession')).toHaveLength(0);

    // A second process of the same app finds the token in Redis.
    const other = await startDingTalkHarness({ start: false, sharedFake: h.fake, prefix: h.prefix });
    try {
      await other.channel.sender.send(delivery());
      expect(h.fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  it('reports a 403 for this server\'s IP or a missing permission as an outage of the channel, not a refusal of the message', async () => {
    for (const code of ['Forbidden.AccessDenied.IpNotInWhiteList', 'Forbidden.AccessDenied.AccessTokenPermissionDenied']) {
      h.fake.failNext('/v1.0/robot/groupMessages/send', { status: 403, body: { code, message: '无权限' } });
      const err = await rejection(h.channel.sender.send(delivery({ message: { text: '催办' } })));
      expect(err).toBeInstanceOf(ChannelUnavailableError);
      expect((err as ChannelUnavailableError).reason).toContain(code);
    }
  });

  it('reports a 403 flow-control answer as transient for that API only, and delivers once on the next attempt', async () => {
    h.fake.failNext('/v1.0/robot/groupMessages/send', { status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: '超过QPS限制' } });
    const d = delivery({ message: { text: '催办' } });

    const err = await rejection(h.channel.sender.send(d));
    expect(err).toBeInstanceOf(TransientSendError);
    expect((err as TransientSendError).retryAfterMs).toBeGreaterThan(0);
    expect((err as TransientSendError).scope).toEqual({ hold: 'dingtalk-api:robot/groupMessages/send' });

    await h.channel.sender.send(d);
    expect(h.fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(2);
  });

  it('retries 5xx and a revoked token, and gives up on an unknown conversation', async () => {
    h.fake.failNext('/v1.0/robot/groupMessages/send', { status: 503, body: { code: 'ServiceUnavailable' } });
    expect(await rejection(h.channel.sender.send(delivery()))).toBeInstanceOf(TransientSendError);

    h.fake.failNext('/v1.0/robot/groupMessages/send', { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } });
    expect(await rejection(h.channel.sender.send(delivery()))).toBeInstanceOf(TransientSendError);
    await h.channel.sender.send(delivery());
    expect(h.fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(2);

    const err = await rejection(h.channel.sender.send(delivery({ target: { kind: 'conversation', id: 'cidNotOurs==' } })));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect((err as Error).message).toContain('resource.not.found');
  });

  it('sends to many people in batches of 20, retries the flow-controlled ones, and never twice', async () => {
    const people = Array.from({ length: 45 }, (_, i) => `staff${String(i).padStart(3, '0')}`);
    h.fake.flowControlUsers(['staff003', 'staff030'], 1);
    const d = delivery({ message: { text: '周例会通知' } });
    // The outbox targets one user a delivery; many people in one delivery is the sender's own batching.
    const sender = h.channel.sender as unknown as { sendToUsers(d: Delivery, ids: string[]): Promise<void> };
    await sender.sendToUsers(d, people);

    const calls = h.fake.callsTo('/v1.0/robot/oToMessages/batchSend');
    expect(calls.map((c) => (c.body.userIds as string[]).length)).toEqual([20, 20, 5, 2]);
    expect(calls[3].body.userIds).toEqual(['staff003', 'staff030']);
    const received = calls.flatMap((c) => c.body.userIds as string[]);
    expect(new Set(received).size).toBe(45);

    // A retry of the same delivery (say, after a crash before the outbox marked it sent) sends nothing again.
    await sender.sendToUsers(d, people);
    expect(h.fake.callsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(4);
  });

  it('sends a 1:1 reply to the person when the session webhook is gone, and refuses an unknown person for good', async () => {
    await h.channel.sender.send(delivery({ target: { kind: 'conversation', id: 'dm-staff001' }, message: { text: '签到成功' } }));
    const [call] = h.fake.callsTo('/v1.0/robot/oToMessages/batchSend');
    expect(call.body).toMatchObject({ userIds: ['staff001'], msgKey: 'sampleText' });

    const err = await rejection(h.channel.sender.send(delivery({ target: { kind: 'user', id: 'nobody42' } })));
    expect(err).toBeInstanceOf(PermanentSendError);
  });

  it('uploads a chart given as a data URL and shows it in the card by its media id', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    await h.channel.sender.send(delivery({ message: { text: '本周统计', card: { title: '本周统计', lines: ['上报 12 件'], imageUrl: `data:image/png;base64,${png}` } } }));

    const [upload] = h.fake.callsTo('/media/upload');
    expect(upload.body).toMatchObject({ type: 'image', multipart: true, hasMedia: true });
    const [send] = h.fake.callsTo('/v1.0/robot/groupMessages/send');
    expect(send.body.msgKey).toBe('sampleMarkdown');
    expect(JSON.parse(String(send.body.msgParam)).text).toContain('![本周统计](@lADPfakeMediaId)');
  });

  it('keeps to DINGTALK_QPS calls per second per API', async () => {
    await h.stop();
    h = await startDingTalkHarness({ start: false, env: { DINGTALK_QPS: '4' } });
    await Promise.all(Array.from({ length: 10 }, () => h.channel.sender.send(delivery())));
    const perSecond = new Map<number, number>();
    for (const c of h.fake.callsTo('/v1.0/robot/groupMessages/send')) perSecond.set(Math.floor(c.at / 1000), (perSecond.get(Math.floor(c.at / 1000)) ?? 0) + 1);
    expect([...perSecond.values()].reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(4);
  });
});
