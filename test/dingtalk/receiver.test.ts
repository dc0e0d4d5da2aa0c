/**
 * Receiving on DingTalk: the real dingtalk-stream SDK connected to the fake gateway. A message is
 * queued (a real BullMQ queue) before its frame is acknowledged; what was not queued is not
 * acknowledged and arrives again; redeliveries are one job.
 */
import { FakeDingTalk, robotMessage } from './fakes/fake-dingtalk';
import { startDingTalkHarness, type DingTalkHarness } from './fakes/harness';

const quiet = jest.spyOn(console, 'info').mockImplementation(() => undefined);
jest.spyOn(console, 'warn').mockImplementation(() => undefined);
afterAll(() => quiet.mockRestore());

describe('DingTalk receiver', () => {
  let h: DingTalkHarness;
  beforeEach(async () => {
    h = await startDingTalkHarness();
    await h.fake.waitFor(() => h.fake.openSockets.length === 1, 'the Stream connection');
  });
  afterEach(async () => {
    await h.stop();
  });

  it('queues a group message that @-mentions the bot, then acknowledges its frame', async () => {
    const data = robotMessage({}, h.fake);
    const frameId = h.fake.pushRobotMessage(data);

    const ack = await h.fake.waitFor(() => h.fake.ackFor(frameId), 'the ACK');
    expect(ack).toMatchObject({ code: 200, message: 'OK', headers: { messageId: frameId, contentType: 'application/json' } });
    expect(JSON.parse(ack.data)).toEqual({ response: null });

    const [job] = await h.jobs();
    expect(job).toMatchObject({
      channel: 'dingtalk',
      messageId: data.msgId,
      conversation: { id: 'cidGroupA==', kind: 'group', title: '幸福社区第一网格' },
      sender: { id: 'staff001', name: '张网格' },
      text: '帮助',
      mentionedBot: true,
      replyContext: { sessionWebhook: data.sessionWebhook, sessionWebhookExpiredTime: String(data.sessionWebhookExpiredTime), openConversationId: 'cidGroupA==' },
    });
  });

  it('carries a quote-reply: the quoted message id and text, beside the reply', async () => {
    const data = robotMessage(
      {
        text: { content: ' 收到', isReplyMsg: true, repliedMsg: { msgType: 'text', msgId: 'msgQuotedCard', senderId: '$:LWCP_v1:$robot', content: { text: '【任务 T20261124-0007】清理楼道' } } },
      },
      h.fake,
    );
    const frameId = h.fake.pushRobotMessage(data);
    // The frame is acknowledged only once the message is queued.
    await h.fake.waitFor(() => h.fake.ackFor(frameId), 'the ACK');
    const [job] = await h.jobs();
    expect(job).toMatchObject({ text: '收到', quoted: { messageId: 'msgQuotedCard', text: '【任务 T20261124-0007】清理楼道' } });
  });

  it('makes one job of a message delivered three times, acknowledging every delivery', async () => {
    const data = robotMessage({}, h.fake);
    const frames = [h.fake.pushRobotMessage(data), h.fake.pushRobotMessage(data), h.fake.pushRobotMessage(data)];

    for (const frameId of frames) await h.fake.waitFor(() => h.fake.ackFor(frameId), `ACK of ${frameId}`);
    expect(await h.jobs()).toHaveLength(1);
  });

  it('does not acknowledge a message it could not queue, and queues it when it comes again', async () => {
    await h.redisDown();
    const data = robotMessage({ text: { content: ' 上报 路灯不亮' } }, h.fake);
    const frameId = h.fake.pushRobotMessage(data);
    await h.fake.waitFor(() => h.sinkFailures() === 1, 'the sink to fail');
    // The failure is handled (logged) before any ACK could be sent: there is none.
    await h.fake.waitFor(() => h.logs.find((l) => l.msg.includes('left unacknowledged')), 'the log line');
    expect(h.fake.ackFor(frameId)).toBeUndefined();
    expect(h.fake.unacked.has(frameId)).toBe(true);

    h.redisUp();
    expect(h.fake.redeliverUnacked()).toBe(1);
    await h.fake.waitFor(() => h.fake.ackFor(frameId), 'the ACK after redelivery');
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].text).toBe('上报 路灯不亮');
  });

  it('reads 1:1 pictures, rich text, voice and files, with download URLs', async () => {
    const direct = { conversationType: '1', conversationId: 'cidDirect==', isInAtList: undefined };
    const picture = robotMessage({ ...direct, msgtype: 'picture', text: undefined, content: { downloadCode: 'pic-code-1' } }, h.fake);
    const rich = robotMessage(
      { ...direct, msgtype: 'richText', text: undefined, content: { richText: [{ text: '上报 井盖缺失' }, { type: 'picture', downloadCode: 'pic-code-2' }, { text: ' 在东门' }] } },
      h.fake,
    );
    const voice = robotMessage({ ...direct, msgtype: 'audio', text: undefined, content: { duration: 3, downloadCode: 'aud', recognition: '签到' } }, h.fake);
    const file = robotMessage({ ...direct, msgtype: 'file', text: undefined, content: { downloadCode: 'file-code', fileName: '台账.xlsx' } }, h.fake);
    const frames = [picture, rich, voice, file].map((d) => h.fake.pushRobotMessage(d));
    for (const f of frames) await h.fake.waitFor(() => h.fake.ackFor(f), 'ACK');

    const byId = new Map((await h.jobs()).map((j) => [j.messageId, j]));
    const pic = byId.get(picture.msgId as string)!;
    expect(pic.conversation).toEqual({ id: 'dm-staff001', kind: 'direct' });
    expect(pic.mentionedBot).toBe(true);
    expect(pic.attachments).toEqual([{ kind: 'image', mediaId: 'pic-code-1', url: `${h.fake.url}/files/pic-code-1` }]);
    expect(byId.get(rich.msgId as string)).toMatchObject({ text: '上报 井盖缺失 在东门', attachments: [{ kind: 'image', mediaId: 'pic-code-2' }] });
    expect(byId.get(voice.msgId as string)).toMatchObject({ text: '签到', attachments: [] });
    expect(byId.get(file.msgId as string)?.attachments).toEqual([{ kind: 'file', name: '台账.xlsx', mediaId: 'file-code', url: `${h.fake.url}/files/file-code` }]);
    const downloads = h.fake.callsTo('/v1.0/robot/messageFiles/download');
    expect(downloads.map((c) => c.body.downloadCode).sort()).toEqual(['file-code', 'pic-code-1', 'pic-code-2']);
    expect(downloads.every((c) => c.body.robotCode === h.fake.robotCode && c.token)).toBe(true);
  });

  it('answers SYSTEM pings and survives malformed frames and unknown topics on the same connection', async () => {
    h.fake.sendRaw('this is not JSON');
    h.fake.sendRaw(JSON.stringify({ type: 'SYSTEM' }));
    h.fake.sendRaw(JSON.stringify({ type: 'CALLBACK', headers: { topic: 'error', messageId: 'x1' }, data: '{}' }));
    const garbage = h.fake.pushRobotMessage({ msgId: 'only-an-id' });

    const pong = await h.fake.ping();
    expect(pong.code).toBe(200);
    expect(JSON.parse(pong.data)).toHaveProperty('opaque');
    // Garbage that will never parse is acknowledged (and dropped) rather than redelivered forever.
    await h.fake.waitFor(() => h.fake.ackFor(garbage), 'ACK of the garbage frame');
    const frameId = h.fake.pushRobotMessage(robotMessage({}, h.fake));
    await h.fake.waitFor(() => h.fake.ackFor(frameId), 'ACK after the garbage');
    expect(h.fake.sockets).toHaveLength(1);
    expect(await h.jobs()).toHaveLength(1);
  });

  it('turns a card button press into the command it carries, in the chat the card went to', async () => {
    await h.stop();
    h = await startDingTalkHarness({ env: { DINGTALK_CARD_TEMPLATE_ID: 'tpl-123.schema' } });
    await h.fake.waitFor(() => h.fake.openSockets.length === 1, 'the Stream connection');
    await h.channel.sender.send({
      id: 'out-card-1',
      channel: 'dingtalk',
      target: { kind: 'conversation', id: 'cidGroupA==' },
      message: { text: '任务', card: { title: '任务 T20261122-0007', buttons: [{ label: '接单', command: '接单 T20261122-0007' }] } },
    });
    const [delivered] = h.fake.callsTo('/v1.0/card/instances/createAndDeliver');
    expect(delivered.body).toMatchObject({ cardTemplateId: 'tpl-123.schema', callbackType: 'STREAM', openSpaceId: 'dtv1.card//IM_GROUP.cidGroupA==' });
    const outTrackId = String(delivered.body.outTrackId);

    const frameId = 'card-frame-1';
    const content = JSON.stringify({ cardPrivateData: { actionIds: ['accept'], params: { command: '接单 T20261122-0007' } } });
    h.fake.push({
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: { topic: '/v1.0/card/instances/callback', messageId: frameId, contentType: 'application/json', time: String(Date.now()) },
      data: JSON.stringify({ extension: '{}', corpId: 'dingcorp', userId: 'staff001', type: 'actionCallback', outTrackId, content, value: content }),
    });
    await h.fake.waitFor(() => h.fake.ackFor(frameId), 'ACK of the card callback');
    const [job] = await h.jobs();
    expect(job).toMatchObject({
      text: '接单 T20261122-0007',
      sender: { id: 'staff001' },
      conversation: { id: 'cidGroupA==', kind: 'group' },
      cardAction: { messageId: outTrackId },
    });

    // The answer to the press is the card in its new state with its next buttons: the same card, updated.
    const answer = {
      id: 'out-card-answer',
      channel: 'dingtalk' as const,
      target: { kind: 'conversation' as const, id: 'cidGroupA==' },
      message: { text: '已接单', card: { title: '任务 T20261122-0007 已接单', buttons: [{ label: '办结', command: '办结 T20261122-0007' }] } },
      ...(job.replyContext ? { replyContext: job.replyContext } : {}),
    };
    await h.channel.sender.send(answer);
    await h.channel.sender.send(answer); // an outbox retry
    const updates = h.fake.callsTo('/v1.0/card/instances');
    expect(updates).toHaveLength(2);
    expect(updates[0].body).toMatchObject({ outTrackId, cardData: { cardParamMap: { title: '任务 T20261122-0007 已接单' } } });
    expect(JSON.parse((updates[0].body.cardData as { cardParamMap: { buttons: string } }).cardParamMap.buttons)).toEqual([{ label: '办结', command: '办结 T20261122-0007', style: 'default' }]);
    expect(h.fake.callsTo('/v1.0/card/instances/createAndDeliver')).toHaveLength(1);
    expect(h.fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(0);
  });
});

describe('DingTalk Stream connection life cycle', () => {
  let h: DingTalkHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('reconnects at once when the gateway announces a disconnect, before it closes the old connection', async () => {
    h = await startDingTalkHarness();
    const fake = h.fake;
    await fake.waitFor(() => fake.openSockets.length === 1, 'the first connection');
    const first = fake.openSockets[0];
    fake.announceDisconnect(10_000);
    await fake.waitFor(() => fake.sockets.length === 2 && fake.openSockets.length === 1 && fake.openSockets[0] !== first, 'a new connection', 3_000);
    const frameId = fake.pushRobotMessage(robotMessage({}, fake));
    await fake.waitFor(() => fake.ackFor(frameId), 'ACK on the new connection');
  });

  it('reconnects with growing pauses, one connection at a time, while the gateway keeps dropping it', async () => {
    h = await startDingTalkHarness({ channel: { reconnect: { baseMs: 50, maxMs: 2_000, stableAfterMs: 60_000 } } });
    const fake = h.fake;
    const opened: number[] = [];
    for (let i = 1; i <= 4; i++) {
      await fake.waitFor(() => fake.sockets.length === i && fake.openSockets.length === 1, `connection ${i}`, 5_000);
      opened.push(Date.now());
      fake.dropConnections();
    }
    await fake.waitFor(() => fake.openSockets.length === 1, 'the last reconnect', 5_000);
    expect(fake.sockets).toHaveLength(5);
    expect(fake.callsTo('/v1.0/gateway/connections/open')).toHaveLength(5);
    // Equal jitter: each pause is at least the previous one's ceiling.
    const pauses = opened.slice(1).map((t, i) => t - opened[i]);
    for (let i = 1; i < pauses.length; i++) expect(pauses[i]).toBeGreaterThanOrEqual(pauses[i - 1] * 0.9 - 20);
  });

  it('replaces a connection that went silent (watchdog)', async () => {
    h = await startDingTalkHarness({ channel: { watchdog: { intervalMs: 50, timeoutMs: 250 }, reconnect: { baseMs: 20 } } });
    const fake = h.fake;
    await fake.waitFor(() => fake.openSockets.length === 1, 'the first connection');
    fake.silence();
    await fake.waitFor(() => fake.sockets.length === 2 && fake.openSockets.length === 1, 'a fresh connection', 3_000);
    const frameId = fake.pushRobotMessage(robotMessage({}, fake));
    await fake.waitFor(() => fake.ackFor(frameId), 'ACK on the fresh connection');
  });

  it('stops cleanly: a pending reconnect is cancelled', async () => {
    h = await startDingTalkHarness({ channel: { reconnect: { baseMs: 300, maxMs: 300 } } });
    const fake = h.fake;
    await fake.waitFor(() => fake.openSockets.length === 1, 'the first connection');
    fake.dropConnections();
    await fake.waitFor(() => h!.logs.find((l) => l.msg.includes('connection closed; reconnecting')), 'the reconnect to be scheduled');
    await h.channel.stop?.();
    const gatewayCalls = fake.callsTo('/v1.0/gateway/connections/open').length;
    // Longer than the scheduled reconnect (≤ 300 ms): nothing may happen after stop.
    await new Promise((r) => setTimeout(r, 600));
    expect(fake.callsTo('/v1.0/gateway/connections/open')).toHaveLength(gatewayCalls);
    expect(fake.openSockets).toHaveLength(0);
    expect(h.channel.connected).toBe(false);
  });

  it('meets bad credentials with one clear log line and backoff, not a storm', async () => {
    const fake = await new FakeDingTalk().listen();
    try {
      h = await startDingTalkHarness({
        sharedFake: fake,
        env: { DINGTALK_CLIENT_SECRET: 'wrong-secret' },
        channel: { reconnect: { baseMs: 100, maxMs: 800 }, credentialsBackoffMs: 60_000 },
      });
      const started = Date.now();
      await fake.waitFor(() => fake.callsTo('/v1.0/gateway/connections/open').length >= 5, 'five gateway attempts', 5_000);
      const elapsed = Date.now() - started;
      // 100/2 + 200/2 + 400/2 + 800/2 ms at the least; a 1-per-second SDK loop or a tight loop differ.
      expect(elapsed).toBeGreaterThanOrEqual(750);

      const sends = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((i) => h!.channel.sender.send({ id: `out-${i}`, channel: 'dingtalk', target: { kind: 'user', id: 'staff001' }, message: { text: '提醒' } })),
      );
      // Refused credentials are an outage of the channel: the outbox holds the messages, none is failed.
      expect(sends.every((s) => s.status === 'rejected' && (s.reason as Error).name === 'ChannelUnavailableError')).toBe(true);
      expect(fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
      expect(fake.callsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(0);

      const alarms = h.logs.filter((l) => l.level >= 50);
      expect(alarms).toHaveLength(1);
      expect(alarms[0].msg).toContain('DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET');
      expect(JSON.stringify(h.logs)).not.toContain('wrong-secret');
    } finally {
      await h?.stop();
      h = undefined;
      await fake.close();
    }
  });
});
