/**
 * Residents' voice on DingTalk (issue 16), on the fake DingTalk with the real dingtalk-stream SDK:
 * the organisation's robot sits in an 外部群; an admin binds it as a grid's residents' group; a
 * resident outside the organisation (only an encrypted senderId, no staffId) reports and rates; the
 * close notice reaches the group through groupMessages/send. DingTalk cannot @-mention an outsider,
 * so their encrypted id never shows in what the bot says.
 */
import { createDingTalkChannel } from '../../src/adapters/dingtalk';
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';
import { FakeDingTalk, robotMessage } from '../dingtalk/fakes/fake-dingtalk';

jest.spyOn(console, 'info').mockImplementation(() => undefined);
jest.spyOn(console, 'warn').mockImplementation(() => undefined);

const EVENT = /SJ\d{8}-\d{4}/;
const TASK = /T\d{8}-\d{4}/;
const GROUP = 'cidResidents==';
const OUTSIDER = '$:LWCP_v1:$residentA==';

describe("residents' group on DingTalk", () => {
  let fake: FakeDingTalk;
  let app: TestApp;
  beforeAll(async () => {
    fake = await new FakeDingTalk().listen();
    app = await startTestApp({
      env: { ...fake.env(), BOOTSTRAP_ADMINS: 'sandbox:admin,dingtalk:staff-admin' },
      channelFactories: { dingtalk: (deps) => createDingTalkChannel(deps, { reconnect: { baseMs: 50 } }) },
    });
    await seedDemo(app.runtime.uow);
    await fake.waitFor(() => fake.openSockets.length === 1, 'the Stream connection', 10_000);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  /** `who` says `text` in the residents' group; resolves with the bot's reply through the session webhook. */
  async function say(text: string, who: Record<string, unknown>): Promise<string> {
    const session = `s${Math.random().toString(36).slice(2)}`;
    fake.pushRobotMessage(robotMessage({ conversationId: GROUP, conversationTitle: '阳光一网格居民群', text: { content: ` ${text}` }, sessionWebhook: `${fake.url}/robot/sendBySession?session=${session}`, ...who }, fake));
    const [reply] = await fake.waitFor(() => {
      const calls = fake.callsTo('/robot/sendBySession').filter((c) => c.search === `?session=${session}`);
      return calls.length ? calls : undefined;
    }, `the reply to ${text}`, 15_000);
    return JSON.stringify(reply.body);
  }
  const outsider = { senderStaffId: undefined, senderId: OUTSIDER, senderNick: '居民甲' };
  const lastBot = async (conversation: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').slice(-1)[0]?.text ?? '';

  it('a resident outside the organisation reports, is told on 结案 in the group and rates', async () => {
    expect(await say('绑定居民群 01001001', { senderStaffId: 'staff-admin' })).toContain('居民群');

    const ack = await say('3号楼楼道灯坏了', outsider);
    expect(ack).toContain('已收到您反映的问题');
    expect(ack).not.toContain('LWCP');
    const number = EVENT.exec(ack)![0];
    expect(await lastBot('dm-wz-yg1')).toContain('上报人：居民');

    await app.chat.say('dm-wz-yg1', 'wz-yg1', `受理 ${number}`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 明天17:00`);
    const task = TASK.exec(await lastBot('dm-wgy-yg1'))![0];
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已更换灯泡`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `核查 ${number} 通过`);
    const [notice] = await fake.waitFor(() => {
      const calls = fake.callsTo('/v1.0/robot/groupMessages/send').filter((c) => c.body.openConversationId === GROUP);
      return calls.length ? calls : undefined;
    }, 'the close notice in the group', 15_000);
    const shown = JSON.stringify(notice.body);
    expect(shown).toContain(`您反映的问题 ${number} 已处理完毕`);
    expect(shown).not.toContain('LWCP');

    // Another outsider learns nothing; the reporter rates with one word.
    expect(await say(`查询 ${number}`, { ...outsider, senderId: '$:LWCP_v1:$residentB==' })).toContain('没有找到您反映的事件');
    expect(await say('满意', outsider)).toContain(`感谢您的评价！问题 ${number}：满意`);
  });
});
