/**
 * Every kind of reply the bot produces, at the largest size it realistically reaches, arrives
 * whole on every channel: the fake platforms refuse what exceeds their documented sizes (as the
 * real ones refuse or cut), and what the people receive, put back together from its numbered
 * parts, is the whole reply.
 */
import { WorkingCalendar } from '../src/domain/calendar';
import crypto from 'node:crypto';
import { log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { Redis } from 'ioredis';
import { seedDemo } from '../src/adapters/db/demo';
import { cardToText, type BotMessage, type Card } from '../src/bot/message';
import { t } from '../src/bot/texts';
import { agendaCard, minutesCard, type AgendaSnapshot } from '../src/bot/meetings/format';
import { rankingCard, scoreCard } from '../src/bot/assessment/format';
import { DEFAULT_RULES, emptyFacts, rank, scoreOf, type AssessmentPeriod } from '../src/domain/assessment';
import type { UnitResult } from '../src/bot/assessment/service';
import type { StoredMeeting, MinuteEntry } from '../src/bot/meetings/ports';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import type { Delivery } from '../src/jobs/delivery';
import { partHeader } from '../src/adapters/message-parts';
import { cardFitsTemplate, renderMarkdown } from '../src/adapters/wecom/render';
import { markdownOf } from '../src/adapters/dingtalk/render';
import { renderText } from '../src/adapters/wechaty/render';
import { WEBHOOK_PREFIX } from '../src/adapters/wecom';
import { createWechatyChannel, type WechatyChannel } from '../src/adapters/wechaty';
import { startTestApp, type TestApp } from './support/app';
import { startWeComHarness, type WeComHarness } from './wecom/harness';
import { startDingTalkHarness, type DingTalkHarness } from './dingtalk/fakes/harness';

wechatyLog.level('silent');

/** The parts as the recipient reads them, put back together: numbered headers checked and removed. */
function reassemble(parts: string[], lineBreak = '\n'): string {
  if (parts.length === 1) return parts[0];
  return parts
    .map((part, i) => {
      const header = `${partHeader(i + 1, parts.length)}${lineBreak}`;
      expect(part.startsWith(header)).toBe(true);
      return part.slice(header.length);
    })
    .join('\n');
}

const long = (base: string, n: number) => base.repeat(Math.ceil(n / base.length)).slice(0, n);

// ---- the replies, at their largest realistic size ----------------------------------------------

function weeklyAgenda(): BotMessage {
  const grids = Array.from({ length: 14 }, (_, i) =>
    t('meeting.grid.line', { code: `0100100${i + 1}`, name: `阳光${i + 1}网格`, reported: 23, solved: 19, open: 4, info: '8/8（100%）', patrol: '5/5（100%）' }) +
      `\n${t('meeting.grid.notable', { items: long('占道经营反复出现、楼道堆物清理；', 60) })}`,
  );
  const problems = Array.from({ length: 14 }, (_, i) => t('meeting.problem.open', { number: `E20261120-00${10 + i}`, title: long('小区门口路灯损坏夜间通行不便', 28), step: '派单给城管中队' }));
  const carried = Array.from({ length: 14 }, (_, i) => t('meeting.carried.line', { mark: '【督办】', title: long('老旧小区雨污分流改造进度滞后', 26), n: i + 2, step: '报街道协调' }));
  const snapshot: AgendaSnapshot = {
    title: '阳光社区周例会 11月23日 09:00',
    subtitle: '',
    fields: [
      { label: '事件', value: '上报 96，解决 80，在办 16' },
      { label: '信息报送', value: '112/120（93.3%）' },
      { label: '巡查', value: '68/70（97.1%）' },
      { label: '遗留事项', value: '14 项，其中督办 9 项' },
    ],
    sections: [
      { heading: t('meeting.section.grids'), paragraphs: grids },
      { heading: t('meeting.section.problems'), paragraphs: problems },
      { heading: t('meeting.section.carried'), paragraphs: carried },
    ],
    chart: { title: '', asciiTitle: '', bars: [] },
  };
  const card = agendaCard(snapshot, null);
  return { text: cardToText(card), card };
}

function minutes(): BotMessage {
  const meeting = { kind: 'weekly', heldAt: new Date('2026-11-23T01:00:00Z') } as StoredMeeting;
  const entries = Array.from({ length: 40 }, (_, i) =>
    i % 2
      ? ({ kind: 'decision', text: long('对阳光小区东门占道经营问题由城管中队牵头、社区配合开展联合整治并每周反馈进展，', 120), responsibleName: '钱主任', deadline: new Date('2026-11-30T10:00:00Z'), taskNumber: `T20261123-00${10 + i}` } as MinuteEntry)
      : ({ kind: 'note', text: long('网格长汇报本周巡查发现的问题及处置情况，居民反映的停车难问题需进一步摸排，', 120), responsibleName: null, deadline: null, taskNumber: null } as MinuteEntry),
  );
  const card = minutesCard(new WorkingCalendar(), meeting, entries);
  return { text: `${t('meeting.minutes.closed', { meeting: '11月23日周例会' })}\n${cardToText(card)}`, card };
}

function taskList(): BotMessage {
  const lines = [t('task.list.title'), t('task.list.assigned')];
  for (let i = 0; i < 20; i++) lines.push(t('task.list.line', { number: `T20261122-00${10 + i}`, title: long('清理和平小区三号楼楼道堆放杂物消除消防隐患', 30), state: '处理中', deadline: '11月25日 18:00', overdue: i % 4 ? '' : '（已逾期）' }));
  lines.push(t('task.list.more', { count: 12 }));
  return { text: lines.join('\n') };
}

function eventList(): BotMessage {
  const lines = [t('event.list.todo', { count: 30 })];
  for (let i = 0; i < 30; i++) lines.push(t('event.list.line', { number: `E20261122-00${10 + i}`, category: '市容环境', description: long('居民反映小区南门外人行道被占用堆放建筑垃圾，影响老人和儿童通行，请尽快处理', 80), state: '待受理' }));
  return { text: lines.join('\n') };
}

function attendanceList(): BotMessage {
  const card: Card = {
    title: t('attendance.list.title', { grid: '阳光一网格', date: '11月22日' }),
    lines: Array.from({ length: 40 }, (_, i) => t('attendance.list.line', { name: `网格员${i + 1}`, kind: i % 2 ? '签退' : '签到', time: '08:0' + (i % 10), where: '阳光小区东门（距网格边界 20 米内）' })),
  };
  return { text: cardToText(card), card };
}

function scoreCardMessage(): BotMessage {
  const facts = { ...emptyFacts(), tasks: { due: 40, onTime: 37 }, supervisions: 2, overdue: 3, adjustments: Array.from({ length: 10 }, (_, i) => ({ points: i % 2 ? 1 : -1, reason: long('参与社区疫苗接种动员表现突出，获街道通报表扬', 40) })) };
  return scoreCard('冯网格员 2026年第四季度考核', scoreOf(facts, DEFAULT_RULES), facts, DEFAULT_RULES, { rank: 3, of: 200, unit: '幸福街道' });
}

/** A town's ranking of all its grids: a large 街道 has some 200 grids of 150 households. */
function rankingCardMessage(): BotMessage {
  const results = Array.from({ length: 200 }, (_, i) => ({
    unit: { id: i + 1, code: `0100${String(i + 1).padStart(4, '0')}`, name: `示范${i + 1}网格`, level: 'grid', parentId: 1, path: `/1/${i + 1}/` },
    total: 60 + ((i * 37) % 40),
    grids: [],
    trend: (i % 5) - 2,
  })) as unknown as UnitResult[];
  const period = { label: '2026年第四季度' } as AssessmentPeriod;
  return rankingCard('幸福街道', period, rank(results, (r) => r.total, (a, b) => a.unit.code.localeCompare(b.unit.code)), DEFAULT_RULES);
}

function taskCard(): BotMessage {
  const card: Card = {
    title: '任务 T20261122-0007 阳光小区东门路灯损坏夜间通行不便',
    fields: [
      { label: '事项', value: '阳光小区东门外路灯连续三晚不亮，居民夜间出行存在安全隐患' },
      { label: '状态', value: '处理中' },
      { label: '时限', value: '11月25日 18:00（剩 2 天 3 小时）' },
      { label: '派单', value: '孙书记' },
      { label: '承办', value: '城管中队' },
      { label: '来源', value: '居民上报 E20261121-0031' },
      { label: '优先级', value: '紧急' },
    ],
    lines: Array.from({ length: 30 }, (_, i) => `11月${22 + (i % 3)}日 ${10 + (i % 10)}:00 ${long('城管中队反馈：已联系供电所，待现场勘察后更换灯具', 50)}`),
    buttons: [
      { label: '办结', command: '办结 T20261122-0007' },
      { label: '申请延期', command: '申请延期 T20261122-0007' },
      { label: '退回', command: '退回 T20261122-0007' },
      { label: '查看详情', command: '任务 T20261122-0007' },
    ],
  };
  return { text: cardToText(card), card };
}

// ---- the channels ------------------------------------------------------------------------------

let app: TestApp;
let wecom: WeComHarness;
let dingtalk: DingTalkHarness;
let dingtalkCards: DingTalkHarness;
let wechaty: WechatyChannel;
let wechatyRedis: Redis;
let mocker: mock.Mocker;
let botUser: mock.ContactMock;
let room: mock.RoomMock;
const replies: [string, BotMessage][] = [];

beforeAll(async () => {
  app = await startTestApp();
  await seedDemo(app.runtime.uow);
  // Help for every role (and for someone not bound yet), as the bot writes it.
  for (const user of ['admin', 'xian', 'zhen', 'chengguan', 'sj-yg', 'wz-yg1', 'wgy-yg1', 'stranger']) {
    const said = await app.chat.say(`dm-${user}`, user, '帮助');
    expect(said).toHaveLength(1);
    replies.push([`help for ${user}`, { text: said[0].text, ...(said[0].card ? { card: said[0].card } : {}) }]);
  }
  replies.push(
    ['weekly agenda', weeklyAgenda()],
    ['minutes', minutes()],
    ['task list', taskList()],
    ['event list', eventList()],
    ['attendance list', attendanceList()],
    ['score card', scoreCardMessage()],
    ['ranking', rankingCardMessage()],
    ['task card', taskCard()],
  );

  wecom = await startWeComHarness();
  dingtalk = await startDingTalkHarness({ start: false });
  dingtalkCards = await startDingTalkHarness({ start: false, env: { DINGTALK_CARD_TEMPLATE_ID: 'tpl-limits.schema' } });
  mocker = new mock.Mocker();
  wechatyRedis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const wechatyPrefix = `gbt-limits-${crypto.randomBytes(4).toString('hex')}`;
  wechaty = createWechatyChannel({
    config: loadConfig({ QUEUE_PREFIX: wechatyPrefix, WECHATY_PUPPET: 'wechaty-puppet-mock' }),
    logger: silentLogger,
    redis: wechatyRedis,
    keyPrefix: wechatyPrefix,
    sink: async () => undefined,
    puppet: new PuppetMock({ mocker }),
  });
  await wechaty.start!();
  botUser = mocker.createContact({ name: '网格助手' });
  const member = mocker.createContact({ name: '冯网格员' });
  room = mocker.createRoom({ topic: '阳光一网格', memberIdList: [botUser.id, member.id] });
  mocker.login(botUser);
  await wechaty.whenLoggedIn();
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await wecom?.stop();
  await dingtalk?.stop();
  await dingtalkCards?.stop();
  await wechaty?.stop!();
  await wechatyRedis?.quit();
});

function delivery(channel: Delivery['channel'], target: Delivery['target'], message: BotMessage, replyContext?: Record<string, string>): Delivery {
  return { id: `out-${crypto.randomUUID()}`, channel, target, message, ...(replyContext ? { replyContext } : {}) };
}

/** The text contents of what WeCom accepted, in order. */
function wecomContents(calls: { body: Record<string, unknown> }[]): { markdown: string[]; cards: Record<string, unknown>[] } {
  return {
    markdown: calls.flatMap((c) => ((c.body.markdown as { content?: string } | undefined)?.content !== undefined ? [(c.body.markdown as { content: string }).content] : [])),
    cards: calls.flatMap((c) => (c.body.template_card ? [c.body.template_card as Record<string, unknown>] : [])),
  };
}

function expectCardWhole(card: Record<string, unknown>, message: BotMessage): void {
  // Nothing in a template card was cut to fit: its title and fields are the card's own.
  expect(JSON.stringify(card)).not.toContain('…');
  expect((card.main_title as { title: string }).title).toBe(message.card!.title);
}

describe.each([
  'help for admin',
  'help for xian',
  'help for zhen',
  'help for chengguan',
  'help for sj-yg',
  'help for wz-yg1',
  'help for wgy-yg1',
  'help for stranger',
  'weekly agenda',
  'minutes',
  'task list',
  'event list',
  'attendance list',
  'score card',
  'ranking',
  'task card',
])('%s arrives whole', (name) => {
  const message = () => replies.find(([n]) => n === name)![1];

  it('on WeCom through the app, the group robot webhook and the intelligent bot', async () => {
    const m = message();
    const userId = `u${crypto.randomBytes(4).toString('hex')}`;
    await wecom.channel.sender.send(delivery('wecom', { kind: 'user', id: userId }, m));
    const app = wecomContents(wecom.api.acceptedCallsTo('/cgi-bin/message/send').filter((c) => c.body.touser === userId));
    expect(wecom.api.callsTo('/cgi-bin/message/send').filter((c) => c.body.touser === userId && c.errcode !== 0)).toHaveLength(0);
    if (m.card?.buttons?.length && cardFitsTemplate(m.card)) {
      expect(app.markdown).toHaveLength(0);
      expectCardWhole(app.cards[0], m);
    } else {
      expect(reassemble(app.markdown)).toBe(renderMarkdown(m, { mention: false }));
      if (m.card?.buttons?.length) expect((app.cards[0].button_list as unknown[]).length).toBe(m.card.buttons.length);
    }

    const key = crypto.randomBytes(8).toString('hex');
    await wecom.channel.sender.send(delivery('wecom', { kind: 'conversation', id: `${WEBHOOK_PREFIX}${key}` }, m));
    const hooks = wecom.api.callsTo('/cgi-bin/webhook/send').filter((c) => c.query.key === key);
    expect(hooks.every((c) => c.errcode === 0)).toBe(true);
    expect(reassemble(wecomContents(hooks).markdown)).toBe(renderMarkdown(m, { mention: true }));

    const responseUrl = wecom.api.newResponseUrl();
    await wecom.channel.sender.send(delivery('wecom', { kind: 'conversation', id: 'chat:wrkGroup01' }, m, { wecomVia: 'bot', responseUrl }));
    const [answer] = wecom.api.callsTo('/cgi-bin/aibot/response').filter((c) => responseUrl.includes(c.query.response_code));
    expect(answer.errcode).toBe(0);
    const answered = wecomContents([answer]);
    if (answered.cards.length) expectCardWhole(answered.cards[0], m);
    else expect(answered.markdown[0]).toBe(renderMarkdown(m, { mention: true }));
  });

  it('on DingTalk through the robot API, the session webhook and interactive cards', async () => {
    const m = message();
    const whole = m.card || m.file ? markdownOf(m, { group: true }) : m.text;
    const lineBreak = m.card || m.file ? '  \n' : '\n';
    const textOf = (param: Record<string, unknown>) => String(param.content ?? param.text);

    const before = dingtalk.fake.calls.length;
    await dingtalk.channel.sender.send(delivery('dingtalk', { kind: 'conversation', id: 'cidGroupA==' }, m));
    const sent = dingtalk.fake.calls.slice(before).filter((c) => c.path === '/v1.0/robot/groupMessages/send');
    expect(reassemble(sent.map((c) => textOf(JSON.parse(String(c.body.msgParam)) as Record<string, unknown>)), lineBreak)).toBe(whole);

    const session = `${dingtalk.fake.url}/robot/sendBySession?session=${crypto.randomUUID()}`;
    const beforeSession = dingtalk.fake.calls.length;
    await dingtalk.channel.sender.send(delivery('dingtalk', { kind: 'conversation', id: 'cidGroupA==' }, m, { sessionWebhook: session, sessionWebhookExpiredTime: String(Date.now() + 3_600_000) }));
    const bodies = dingtalk.fake.calls.slice(beforeSession).filter((c) => c.path === '/robot/sendBySession').map((c) => c.body);
    expect(dingtalk.fake.calls.slice(beforeSession).filter((c) => c.path === '/v1.0/robot/groupMessages/send')).toHaveLength(0);
    const sessionTexts = bodies.map((b) => String((b.text as { content?: string } | undefined)?.content ?? (b.markdown as { text?: string } | undefined)?.text ?? (b.actionCard as { text?: string }).text));
    expect(reassemble(sessionTexts, lineBreak)).toBe(whole);

    if (!m.card?.buttons?.length) return;
    const beforeCards = dingtalkCards.fake.calls.length;
    await dingtalkCards.channel.sender.send(delivery('dingtalk', { kind: 'conversation', id: 'cidGroupA==' }, m));
    const calls = dingtalkCards.fake.calls.slice(beforeCards);
    const leading = calls.filter((c) => c.path === '/v1.0/robot/groupMessages/send').map((c) => textOf(JSON.parse(String(c.body.msgParam)) as Record<string, unknown>));
    const [card] = calls.filter((c) => c.path === '/v1.0/card/instances/createAndDeliver');
    const cardMarkdown = (card.body.cardData as { cardParamMap: { markdown: string } }).cardParamMap.markdown;
    const expected = markdownOf({ text: m.text, card: { ...m.card, buttons: [] } }, { group: true });
    expect(reassemble([...leading, cardMarkdown], '  \n')).toBe(expected);
  });

  it('on WeChat through Wechaty', async () => {
    const m = message();
    const said: string[] = [];
    const listener = (msg: mock.MessageMock) => {
      if (msg.payload.talkerId === botUser.id) said.push(msg.payload.text ?? '');
    };
    room.on('message', listener);
    try {
      await wechaty.sender.send(delivery('wechaty', { kind: 'conversation', id: room.id }, m));
    } finally {
      room.off('message', listener);
    }
    expect(said.every((s) => Array.from(s).length <= 4000)).toBe(true);
    expect(reassemble(said)).toBe(renderText(m));
  });
});

it('the renderings themselves keep every line of every reply', () => {
  for (const [, m] of replies) {
    const lines = (m.card ? cardToText(m.card) : m.text).split('\n').filter((l) => l.trim() && !l.startsWith('可回复'));
    const wecomText = renderMarkdown(m, { mention: false });
    const wechatText = renderText(m);
    for (const line of lines) {
      expect(wechatText).toContain(line);
      // WeCom shows card fields as quotes ("> 标签：值").
      expect(wecomText.replace(/^> /gm, '')).toContain(line.replace(/^【(.*)】$/, '**$1**'));
    }
  }
});

it('the replies are large enough to need parts where the platforms are small', () => {
  const bytes = (name: string) => Buffer.byteLength(renderMarkdown(replies.find(([n]) => n === name)![1], { mention: false }), 'utf8');
  const chars = (name: string) => Array.from(renderText(replies.find(([n]) => n === name)![1])).length;
  expect(bytes('help for admin')).toBeGreaterThan(2048); // WeCom app markdown
  for (const name of ['weekly agenda', 'minutes', 'event list', 'ranking', 'task card']) expect(bytes(name)).toBeGreaterThan(4096); // group robot webhook
  for (const name of ['minutes', 'ranking']) expect(chars(name)).toBeGreaterThan(5000); // DingTalk markdown
  expect(chars('minutes')).toBeGreaterThan(4000); // WeChat
});
