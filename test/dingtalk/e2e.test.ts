/**
 * DingTalk end to end: the whole app (real queues, database, outbox) with the DingTalk channel on
 * the real dingtalk-stream SDK, talking to the fake DingTalk gateway and OpenAPI.
 */
import { createDingTalkChannel } from '../../src/adapters/dingtalk';
import { startTestApp, type TestApp } from '../support/app';
import { FakeDingTalk, robotMessage } from './fakes/fake-dingtalk';

jest.spyOn(console, 'info').mockImplementation(() => undefined);
jest.spyOn(console, 'warn').mockImplementation(() => undefined);

describe('DingTalk end to end', () => {
  let fake: FakeDingTalk;
  let app: TestApp;
  beforeAll(async () => {
    fake = await new FakeDingTalk().listen();
    app = await startTestApp({
      env: { ...fake.env(), BOOTSTRAP_ADMINS: 'sandbox:admin,dingtalk:staff-admin' },
      channelFactories: { dingtalk: (deps) => createDingTalkChannel(deps, { reconnect: { baseMs: 50 } }) },
    });
    await fake.waitFor(() => fake.openSockets.length === 1, 'the Stream connection', 10_000);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  const repliesTo = (session: string) => fake.callsTo('/robot/sendBySession').filter((c) => c.search === `?session=${session}`);

  it('answers a group message that @-mentions the bot through its session webhook', async () => {
    const data = robotMessage({ senderStaffId: 'staff-admin', sessionWebhook: `${fake.url}/robot/sendBySession?session=s1` }, fake);
    const frameId = fake.pushRobotMessage(data);
    await fake.waitFor(() => fake.ackFor(frameId), 'the ACK');

    const [reply] = await fake.waitFor(() => repliesTo('s1').length > 0 && repliesTo('s1'), 'the reply', 15_000);
    const content = JSON.stringify(reply.body);
    expect(content).toContain('可用命令');
    expect(fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(0);
  });

  it('sends a proactive message through groupMessages/send with a valid token', async () => {
    await app.runtime.uow.runOnce('test|dingtalk-reminder-1', async (tx) => {
      tx.effects.send({ channel: 'dingtalk', target: { kind: 'conversation', id: 'cidGroupA==' }, message: { text: '提醒：今天是周二，请报送信息。' } });
    });

    const [call] = await fake.waitFor(() => {
      const calls = fake.callsTo('/v1.0/robot/groupMessages/send');
      return calls.length ? calls : undefined;
    }, 'the proactive message', 15_000);
    expect(call.body).toMatchObject({ openConversationId: 'cidGroupA==', robotCode: fake.robotCode, msgKey: 'sampleText' });
    expect(JSON.parse(String(call.body.msgParam))).toEqual({ content: '提醒：今天是周二，请报送信息。' });
    const [token] = fake.callsTo('/v1.0/oauth2/accessToken');
    expect(token).toBeDefined();
    expect(call.token).toMatch(/^tok-/);
  });

  it('answers a message DingTalk delivers three times only once', async () => {
    const data = robotMessage({ senderStaffId: 'staff-admin', text: { content: ' 我是谁' }, sessionWebhook: `${fake.url}/robot/sendBySession?session=s3` }, fake);
    const frames = [fake.pushRobotMessage(data), fake.pushRobotMessage(data), fake.pushRobotMessage(data)];
    for (const f of frames) await fake.waitFor(() => fake.ackFor(f), 'ACK');
    await fake.waitFor(() => repliesTo('s3').length > 0 && repliesTo('s3'), 'the reply', 15_000);
    await app.chat.outboxDrained();
    // A fourth delivery after the answer changes nothing either.
    const late = fake.pushRobotMessage(data);
    await fake.waitFor(() => fake.ackFor(late), 'ACK of the late redelivery');
    await app.chat.outboxDrained();
    expect(repliesTo('s3')).toHaveLength(1);
  });
});
