/**
 * A WeChat group on wechaty-puppet-mock: a gridworker @-mentions the bot, the message is queued
 * once (even when the puppet emits it again, and never when it is history from before login), and
 * the bot's reply goes back into the room.
 */
import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { log as wechatyLog, types } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import type { InboundInput } from '../../src/bot/inbound';
import { createWechatyChannel, type WechatyChannel } from '../../src/adapters/wechaty';
import { PermanentSendError } from '../../src/jobs/delivery';

wechatyLog.level('silent');

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `gbt-wechaty-${crypto.randomBytes(4).toString('hex')}`;

let redis: Redis;
let queueConnection: Redis;
let queue: Queue;
let sinkCalls: InboundInput[] = [];
let mocker: mock.Mocker;
let channel: WechatyChannel;
let botUser: mock.ContactMock;
let gridworker: mock.ContactMock;
let room: mock.RoomMock;
let loginAt: number;

beforeAll(async () => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queue = new Queue('inbound', { connection: queueConnection, prefix });
  mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  channel = createWechatyChannel({
    config: loadConfig({ QUEUE_PREFIX: prefix, WECHATY_PUPPET: 'wechaty-puppet-mock' }),
    logger: silentLogger,
    redis,
    keyPrefix: prefix,
    sink: async (inbound) => {
      sinkCalls.push(inbound as InboundInput);
      const id = crypto.createHash('sha1').update(inbound.messageId).digest('hex');
      await queue.add('inbound', inbound, { jobId: `${inbound.channel}-${id}` });
    },
    puppet,
  });
  await channel.start!();
  botUser = mocker.createContact({ name: '网格助手' });
  gridworker = mocker.createContact({ name: '王五' });
  room = mocker.createRoom({ topic: '城东社区第一网格', memberIdList: [botUser.id, gridworker.id] });
  loginAt = Date.now();
  mocker.login(botUser);
  await channel.whenLoggedIn();
});

afterAll(async () => {
  await channel.stop!();
  await queue.obliterate({ force: true });
  await queue.close();
  await queueConnection.quit();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

beforeEach(() => {
  sinkCalls = [];
});

/** Waits (bounded) until the sink got a message with this text. */
async function queued(text: string): Promise<InboundInput> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = sinkCalls.find((m) => m.text === text);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`"${text}" never reached the queue`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The messages the bot account says in the room from now on. */
function botSaysInRoom(): string[] {
  const said: string[] = [];
  room.on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId === botUser.id) said.push(m.payload.text ?? '');
  });
  return said;
}

it('queues a gridworker’s 签到 in the room once, even when the puppet emits it again', async () => {
  let messageId = '';
  room.once('message', (m: mock.MessageMock) => {
    messageId = m.id;
  });
  gridworker.say('@网格助手 签到', [botUser]).to(room);
  const inbound = await queued('签到');
  expect(inbound).toMatchObject({
    channel: 'wechaty',
    messageId,
    conversation: { id: room.id, kind: 'group', title: '城东社区第一网格' },
    sender: { id: gridworker.id, name: '王五' },
    text: '签到',
    mentionedBot: true,
  });

  mocker.puppet.emit('message', { messageId });
  mocker.puppet.emit('message', { messageId });
  gridworker.say('@网格助手 帮助', [botUser]).to(room);
  await queued('帮助');

  expect(sinkCalls.filter((m) => m.messageId === messageId)).toHaveLength(1);
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed']);
  expect(jobs.filter((j) => (j.data as InboundInput).messageId === messageId)).toHaveLength(1);
});

it('queues room chatter marked as not mentioning the bot (the bot decides), and ignores history from before login', async () => {
  gridworker.say('今天天气不错').to(room);
  const history = mocker.MessageMock.create({
    id: `history-${crypto.randomUUID()}`,
    talkerId: gridworker.id,
    roomId: room.id,
    text: '@网格助手 昨天的签到',
    mentionIdList: [botUser.id],
    timestamp: loginAt - 60_000,
    type: types.Message.Text,
  });
  mocker.puppet.emit('message', { messageId: history.id });
  gridworker.say('@网格助手 我的任务', [botUser]).to(room);
  await queued('我的任务');
  expect(sinkCalls.map((m) => [m.text, m.mentionedBot])).toEqual([
    ['今天天气不错', false],
    ['我的任务', true],
  ]);
});

it('reads a WeChat quote-reply into the quoted text and the reply', async () => {
  gridworker.say('「网格助手：【任务 T20261122-0007】」\n- - - - - - - - - - - - - - -\n收到').to(botUser);
  expect(await queued('收到')).toMatchObject({ quoted: { text: '网格助手：【任务 T20261122-0007】' } });
});

it('queues a 1:1 message as a direct conversation with the talker', async () => {
  gridworker.say('请假 明天').to(botUser);
  expect(await queued('请假 明天')).toMatchObject({ conversation: { id: gridworker.id, kind: 'direct' }, mentionedBot: true });
});

it('replies in the room with room.say, mentioning the addressed contact, buttons shown as commands to type', async () => {
  const said = botSaysInRoom();
  await channel.sender.send({
    id: `out-${crypto.randomUUID()}`,
    channel: 'wechaty',
    target: { kind: 'conversation', id: room.id },
    message: {
      text: '签到成功',
      mentionUserIds: [gridworker.id],
      card: { title: '今日巡查', fields: [{ label: '网格', value: '第一网格' }], buttons: [{ label: '签退', command: '签退' }] },
    },
  });
  expect(said).toHaveLength(1);
  expect(said[0]).toContain('@王五');
  expect(said[0]).toContain('签到成功');
  expect(said[0]).toContain('「签退」');
});

it('sends to a person with contact.say, and fails for good for an unknown id', async () => {
  const said: string[] = [];
  gridworker.on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId === botUser.id) said.push(m.payload.text ?? '');
  });
  await channel.sender.send({ id: 'out-dm-1', channel: 'wechaty', target: { kind: 'user', id: gridworker.id }, message: { text: '您有新任务' } });
  expect(said).toEqual(['您有新任务']);
  await expect(
    channel.sender.send({ id: 'out-dm-2', channel: 'wechaty', target: { kind: 'user', id: 'no-such-contact' }, message: { text: '你好' } }),
  ).rejects.toBeInstanceOf(PermanentSendError);
});
