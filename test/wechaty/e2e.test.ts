/**
 * WeChat end to end on the real runtime with wechaty-puppet-mock: a gridworker binds in a 1:1 chat,
 * then asks the bot in the grid's room; the bot answers there once, even when the puppet emits the
 * message again.
 */
import { log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createWechatyChannel, type WechatyChannel } from '../../src/adapters/wechaty';

wechatyLog.level('silent');

let app: TestApp;
let channel: WechatyChannel | undefined;
const mocker = new mock.Mocker();

beforeAll(async () => {
  const puppet = new PuppetMock({ mocker });
  app = await startTestApp({
    channelFactories: { wechaty: (deps) => (channel = createWechatyChannel({ ...deps, puppet })) },
  });
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

it('a bound gridworker asks in the room and is answered there once, even when the message is emitted again', async () => {
  const botUser = mocker.createContact({ name: '网格助手' });
  const gridworker = mocker.createContact({ name: '王五' });
  const room = mocker.createRoom({ topic: '城东社区第一网格', memberIdList: [botUser.id, gridworker.id] });
  mocker.login(botUser);
  await channel!.whenLoggedIn();

  expect(await app.chat.ask('dm-admin', 'admin', '新建单位 X01 示范县')).toContain('已创建');
  const invite = await app.chat.ask('dm-admin', 'admin', '添加成员 王五 县中心 X01');
  const code = /绑定 ([A-Z0-9]{8})/.exec(invite)?.[1];

  const toWorker = listen(gridworker, botUser);
  gridworker.say(`绑定 ${code}`).to(botUser);
  await eventually(async () => toWorker.find((t) => t.includes('绑定成功')), 'the binding answer');

  const inRoom = listen(room, botUser);
  let helpId = '';
  room.once('message', (m: mock.MessageMock) => {
    helpId = m.id;
  });
  gridworker.say('@网格助手 帮助', [botUser]).to(room);
  const help = await eventually(async () => inRoom.find((t) => t.includes('您好，王五')), 'the help answer in the room');
  // A bound member is not offered binding again; an unbound person is.
  expect(help).not.toContain('绑定 邀请码');
  const stranger = mocker.createContact({ name: '路人' });
  const toStranger = listen(stranger, botUser);
  stranger.say('帮助').to(botUser);
  expect(await eventually(async () => toStranger.find((t) => t.length > 0), 'the help answer to a stranger')).toContain('绑定 邀请码');

  mocker.puppet.emit('message', { messageId: helpId });
  mocker.puppet.emit('message', { messageId: helpId });
  gridworker.say('@网格助手 我是谁', [botUser]).to(room);
  await eventually(async () => inRoom.find((t) => t.includes('王五') && !t.includes('您好，王五')), 'the answer to 我是谁');
  await app.chat.outboxDrained();

  expect(inRoom.filter((t) => t.includes('您好，王五'))).toHaveLength(1);
});
