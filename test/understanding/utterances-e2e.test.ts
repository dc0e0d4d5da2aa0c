/**
 * The utterance corpus end to end: on the sandbox each line is sent as the admin in its own
 * conversation (1:1, a group with the bot @-mentioned, or a group without) and the bot's answers are
 * judged: nothing for chatter, a report offer, suggestions naming the command, or the command itself.
 * At least 97 % as expected.
 */
import { log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createWechatyChannel } from '../../src/adapters/wechaty';
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import type { InboundInput } from '../../src/bot/inbound';
import { interpretInbound, judge, judgeReplies, loadUtterances, registry, type Utterance } from './corpus';

wechatyLog.level('silent');
jest.setTimeout(180_000);

const wechatyMocker = new mock.Mocker();
let app: TestApp;
const utterances = loadUtterances().filter((u) => u.where !== 'deadline');

beforeAll(async () => {
  app = await startTestApp();
  // A grid for the admin, so 上报, 签到 and the like have somewhere to go.
  const admin = (text: string) => app.chat.ask('dm-admin', 'admin', text);
  await admin('新建单位 U01 示范县');
  await admin('新建单位 U0101 示范镇 U01');
  await admin('新建单位 U010101 示范社区 U0101');
  await admin('新建单位 U01010101 示范网格 U010101');
  await admin('授权 系统管理员 网格员 U01010101');
});
afterAll(async () => {
  await app?.stop();
});

function report(where: string, wrong: { u: Utterance; replies: string[] }[]): string {
  return `${where}: ${utterances.length - wrong.length}/${utterances.length} as expected; misread:\n${wrong.map(({ u, replies }) => `${u.line}: [${u.where}] ${u.text} → ${replies.join(' / ').slice(0, 80) || '(nothing)'} (expected ${u.expected})`).join('\n')}`;
}

it('on the sandbox, reads at least 97 % of the utterances as expected', async () => {
  const wrong: { u: Utterance; replies: string[] }[] = [];
  for (const u of utterances) {
    const conversation = u.where === 'dm' ? `dm-admin-${u.line}` : `group-u-${u.line}`;
    const id = await app.chat.post(conversation, 'admin', u.text, { mentioned: u.where === '@' });
    await app.chat.settled(id);
    const replies = (await app.chat.messages(conversation, id)).filter((m) => m.from === 'bot').map((m) => m.text);
    if (!judgeReplies(u, replies)) wrong.push({ u, replies });
  }
  const accuracy = 1 - wrong.length / utterances.length;
  if (accuracy < 0.97) throw new Error(report('sandbox', wrong));
  expect(utterances.length).toBeGreaterThanOrEqual(400);
});

/**
 * On Wechaty the bot answers at WeChat's pace (one message a second), so the 470 lines are judged
 * where the channel hands them over: the real receiver on wechaty-puppet-mock turns each room message
 * (with or without the @-mention) into its Inbound, and the bot's reading of that Inbound is judged.
 */
it('on Wechaty, reads at least 97 % of the utterances as expected from what the receiver queues', async () => {
  const commands = registry();
  const queued = new Map<string, InboundInput>();
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const puppet = new PuppetMock({ mocker: wechatyMocker });
  const prefix = `gbt-utt-${crypto.randomBytes(4).toString('hex')}`;
  const channel = createWechatyChannel({
    config: loadConfig({ QUEUE_PREFIX: prefix, WECHATY_PUPPET: 'wechaty-puppet-mock' }),
    logger: silentLogger,
    redis,
    keyPrefix: prefix,
    sink: async (inbound) => {
      queued.set(inbound.messageId, inbound);
    },
    puppet,
  });
  try {
    await channel.start!();
    const bot = wechatyMocker.createContact({ name: '网格助手' });
    const speaker = wechatyMocker.createContact({ name: '管理员' });
    const room = wechatyMocker.createRoom({ topic: '示范网格群', memberIdList: [bot.id, speaker.id] });
    wechatyMocker.login(bot);
    await channel.whenLoggedIn();
    const wrong: { u: Utterance; replies: string[] }[] = [];
    for (const u of utterances) {
      const before = queued.size;
      // 1:1 and @ lines are addressed to the bot; WeChat 1:1 reads the same as an @ in a room.
      if (u.where === 'group') speaker.say(u.text).to(room);
      else speaker.say(`@网格助手 ${u.text}`, [bot]).to(room);
      await eventually(async () => queued.size > before, `line ${u.line} to be queued`);
      const inbound = [...queued.values()].at(-1)!;
      const got = interpretInbound(u, inbound, commands);
      if (!judge(u, got, commands)) wrong.push({ u, replies: [got] });
    }
    if (wrong.length / utterances.length > 0.03) throw new Error(report('wechaty', wrong));
  } finally {
    await channel.stop!();
    const keys = await redis.keys('gbt-utt-*');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
});
