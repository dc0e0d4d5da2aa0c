/**
 * Residents' voice on WeChat (wechaty-puppet-mock on the real runtime), issue 16: a grid head bound
 * on WeChat binds the residents' room; a resident with no binding @-mentions the bot and gets a
 * number, once even when the puppet emits the message again; chatter is not answered; the handlers
 * work the event as a member's report; on 结案 the resident is @-mentioned in the room; 不满意
 * reopens it, 满意 after the second close ends it; another resident sees nothing of it.
 */
import { log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { seedDemo } from '../../src/adapters/db/demo';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createWechatyChannel, type WechatyChannel } from '../../src/adapters/wechaty';

wechatyLog.level('silent');

const EVENT = /SJ\d{8}-\d{4}/;
const TASK = /T\d{8}-\d{4}/;

let app: TestApp;
let channel: WechatyChannel | undefined;
const mocker = new mock.Mocker();

beforeAll(async () => {
  const puppet = new PuppetMock({ mocker });
  app = await startTestApp({ channelFactories: { wechaty: (deps) => (channel = createWechatyChannel({ ...deps, puppet })) } });
  await seedDemo(app.runtime.uow);
});
afterAll(async () => {
  await app?.stop();
});

/** What `speaker` says in `where` from now on. */
function listen(where: mock.RoomMock | mock.ContactMock, speaker: mock.ContactMock): string[] {
  const said: string[] = [];
  where.on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId === speaker.id) said.push(m.payload.text ?? '');
  });
  return said;
}

const lastBot = async (conversation: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').slice(-1)[0]?.text ?? '';

async function closeInSandbox(number: string): Promise<void> {
  await app.chat.say('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 明天17:00`);
  const task = TASK.exec(await lastBot('dm-wgy-yg1'))![0];
  await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
  await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已更换灯泡`);
  await app.chat.say('dm-wz-yg1', 'wz-yg1', `核查 ${number} 通过`);
  await app.chat.outboxDrained();
}

it('a resident reports in a WeChat residents’ room, is told on 结案 and rates; another resident sees nothing', async () => {
  const botUser = mocker.createContact({ name: '网格助手' });
  const head = mocker.createContact({ name: '吴网格长' });
  const resA = mocker.createContact({ name: '居民甲' });
  const resB = mocker.createContact({ name: '居民乙' });
  const room = mocker.createRoom({ topic: '阳光一网格居民群', memberIdList: [botUser.id, head.id, resA.id, resB.id] });
  mocker.login(botUser);
  await channel!.whenLoggedIn();

  const invite = await app.chat.ask('dm-admin', 'admin', '添加成员 吴网格长 网格长 01001001');
  const code = /绑定 ([A-Z0-9]{8})/.exec(invite)?.[1];
  const toHead = listen(head, botUser);
  head.say(`绑定 ${code}`).to(botUser);
  await eventually(async () => toHead.find((t) => t.includes('绑定成功')), 'the binding answer');

  const inRoom = listen(room, botUser);
  head.say('@网格助手 绑定居民群 01001001', [botUser]).to(room);
  await eventually(async () => inRoom.find((t) => t.includes('居民群')), 'the residents’ group bound');

  // Chatter that does not address the bot: no answer.
  resA.say('大家好，3号楼的灯又坏了吗').to(room);
  let reportId = '';
  room.once('message', (m: mock.MessageMock) => {
    reportId = m.id;
  });
  resA.say('@网格助手 3号楼楼道灯坏了', [botUser]).to(room);
  const ack = await eventually(async () => inRoom.find((t) => t.includes('已收到您反映的问题')), 'the acknowledgement');
  expect(ack).toMatch(/^@居民甲/);
  const number = EVENT.exec(ack)![0];
  // The puppet delivers the report again: still one report.
  mocker.puppet.emit('message', { messageId: reportId });
  await app.chat.outboxDrained();
  expect(inRoom.filter((t) => t.includes('已收到您反映的问题'))).toHaveLength(1);
  expect(inRoom.filter((t) => t.includes('大家好'))).toHaveLength(0);
  expect(inRoom).toHaveLength(2); // the binding answer and the acknowledgement: the chatter got nothing

  // Routed as a member's report: both grid heads (WeChat and sandbox) are told 1:1.
  await eventually(async () => toHead.find((t) => t.includes(`新事件待受理：${number}`)), 'the grid head’s card on WeChat');
  expect(await lastBot('dm-wz-yg1')).toContain('上报人：居民');

  // Another resident cannot see or rate it.
  resB.say(`@网格助手 查询 ${number}`, [botUser]).to(room);
  expect(await eventually(async () => inRoom.find((t) => t.includes('没有找到您反映的事件')), 'the refusal to the other resident')).toMatch(/^@居民乙/);
  resA.say(`@网格助手 查询 ${number}`, [botUser]).to(room);
  await eventually(async () => inRoom.find((t) => t.includes(`事件 ${number}：`)), 'the resident’s own query');

  await app.chat.say('dm-wz-yg1', 'wz-yg1', `受理 ${number}`);
  await closeInSandbox(number);
  const notice = await eventually(async () => inRoom.find((t) => t.includes(`您反映的问题 ${number} 已处理完毕`)), 'the close notice');
  expect(notice).toMatch(/^@居民甲/);

  resA.say(`@网格助手 不满意 ${number} 灯还是不亮`, [botUser]).to(room);
  await eventually(async () => inRoom.find((t) => t.includes(`问题 ${number} 已重新交由 阳光一网格 办理`)), 'the reopening');
  expect(await lastBot('dm-wz-yg1')).toContain(`事件 ${number} 评价不满意，已重新打开：灯还是不亮`);

  await closeInSandbox(number);
  await eventually(async () => inRoom.filter((t) => t.includes(`您反映的问题 ${number} 已处理完毕`)).length === 2, 'the second close notice');
  resA.say('@网格助手 满意', [botUser]).to(room);
  await eventually(async () => inRoom.find((t) => t.includes(`感谢您的评价！问题 ${number}：满意`)), 'the rating');
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`)).toContain('已评价归档');
});
