/**
 * Group chatter on the sandbox and on Wechaty (wechaty-puppet-mock): a bound gridworker and the
 * admin talk in a grid group without @-mentioning the bot; the bot says nothing. The same group
 * then @-mentions it and is answered.
 */
import { Like } from 'typeorm';
import { log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createWechatyChannel, type WechatyChannel } from '../../src/adapters/wechaty';
import { ProcessedKeySchema } from '../../src/adapters/db/schemas/core';
import { INBOUND_QUEUE } from '../../src/jobs/queues';
import { loadChatter } from './corpus';

wechatyLog.level('silent');
jest.setTimeout(240_000);

let app: TestApp;
let channel: WechatyChannel | undefined;
const mocker = new mock.Mocker();
const chatter = loadChatter();

beforeAll(async () => {
  const puppet = new PuppetMock({ mocker });
  app = await startTestApp({ channelFactories: { wechaty: (deps) => (channel = createWechatyChannel({ ...deps, puppet })) } });
  expect(await app.chat.ask('dm-admin', 'admin', '新建单位 X01 示范县')).toContain('已创建');
  await app.chat.enrol('w1', '王五', '县中心', 'X01'); // a 网格员 belongs to a grid, not the county
});
afterAll(async () => {
  await app?.stop();
});

it('on the sandbox, 1,000 lines of chatter not addressed to the bot get no answer; an @-mention does', async () => {
  const ids: string[] = [];
  for (const [i, text] of chatter.entries()) ids.push(await app.chat.post('grid-chat', i % 3 ? 'w1' : 'admin', text, { mentioned: false }));
  for (const id of ids) await app.chat.settled(id);
  const said = (await app.chat.messages('grid-chat')).filter((m) => m.from === 'bot');
  expect(said.map((m) => m.text)).toEqual([]);

  const answer = await app.chat.say('grid-chat', 'w1', '@网格助手 我是谁');
  expect(answer.map((m) => m.text).join('\n')).toContain('王五');
  const shown = (await app.chat.messages('grid-chat')).filter((m) => m.from === 'w1');
  expect(shown.at(-1)).toMatchObject({ text: '我是谁', mentioned: true });
  expect(shown[0]).toMatchObject({ mentioned: false });
});

it('on Wechaty, the same chatter in a room gets no answer; an @-mention does', async () => {
  const botUser = mocker.createContact({ name: '网格助手' });
  const worker = mocker.createContact({ name: '赵六' });
  const room = mocker.createRoom({ topic: '示范网格群', memberIdList: [botUser.id, worker.id] });
  mocker.login(botUser);
  await channel!.whenLoggedIn();
  const said: string[] = [];
  room.on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId === botUser.id) said.push(m.payload.text ?? '');
  });
  const handled = () => app.runtime.dataSource.getRepository(ProcessedKeySchema).count({ where: { key: Like('%wechaty%') } });
  const before = await handled();
  for (const text of chatter) worker.say(text).to(room);
  await eventually(async () => (await handled()) >= before + chatter.length, 'every chatter line to be handled', 200_000);
  await app.chat.outboxDrained();
  expect(said).toEqual([]);
  // Overheard talk is not kept in the queue once handled.
  const kept = await app.runtime.queues.get(INBOUND_QUEUE).getJobs(['completed']);
  expect(kept.filter((j) => (j.data as { mentionedBot: boolean }).mentionedBot === false)).toEqual([]);

  worker.say('@网格助手 帮助', [botUser]).to(room);
  await eventually(async () => said.length > 0, 'the answer to an @-mention');
});
