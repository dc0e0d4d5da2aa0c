/**
 * Commands as gridworkers type them, through the sandbox on MariaDB + Redis: without spaces, with
 * full-width punctuation, misspelt, as a synonym, as a problem described to the bot, as a
 * quote-reply to a task card; and the group that does not address the bot is left alone.
 */
import { EventSchema } from '../../src/adapters/db/schemas/events';
import { startTestApp, type TestApp } from '../support/app';

let app: TestApp;
const eventCount = () => app.runtime.dataSource.getRepository(EventSchema).count();
const numberIn = (text: string): string => {
  const m = /T\d{8}-\d{4}/.exec(text);
  if (!m) throw new Error(`no task number in: ${text}`);
  return m[0];
};

beforeAll(async () => {
  app = await startTestApp();
  const admin = (text: string) => app.chat.ask('dm-admin', 'admin', text);
  expect(await admin('新建单位 S01 示范县')).toContain('已创建');
  expect(await admin('新建单位 S0101 示范镇 S01')).toContain('已创建');
  expect(await admin('新建单位 S010101 示范社区 S0101')).toContain('已创建');
  expect(await admin('新建单位 S01010101 示范一网格 S010101')).toContain('已创建');
  await app.chat.enrol('w1', '孙网格员', '网格员', 'S01010101');
  await app.chat.enrol('h1', '周网格长', '网格长', 'S01010101');
  expect(await app.chat.ask('grid-s1', 'admin', '绑定群 S01010101')).toContain('已绑定');
});
afterAll(async () => {
  await app?.stop();
});

it('reads a command followed directly by its text, or by full-width punctuation, as the spaced form', async () => {
  for (const text of ['上报幸福路12号垃圾堆放', '上报：幸福路12号垃圾堆放', '上报，幸福路12号垃圾堆放', '上报　幸福路12号垃圾堆放']) {
    const reply = await app.chat.ask('dm-w1', 'w1', text);
    expect(reply).not.toContain('没有「');
    expect(reply).toMatch(/类别|已上报/);
    await app.chat.ask('dm-w1', 'w1', '取消');
  }
  expect(await app.chat.ask('dm-w1', 'w1', '签 到')).toContain('孙网格员已签到');
  const help = await app.chat.ask('dm-w1', 'w1', '帮助上报');
  expect(help).toContain('【上报】');
});

it('answers an unknown command with at most three likely commands as buttons, not the whole list', async () => {
  const [reply] = await app.chat.say('dm-w1', 'w1', '打卡');
  expect(reply.card?.title).toBe('没有「打卡」这个命令。您是不是想：');
  const buttons = reply.card?.buttons ?? [];
  expect(buttons.length).toBeGreaterThan(0);
  expect(buttons.length).toBeLessThanOrEqual(3);
  expect(buttons[0].command).toBe('签到');
  expect(reply.text).not.toContain('可用命令');

  const [synonym] = await app.chat.say('dm-w1', 'w1', '报个事 路灯坏了');
  expect(synonym.card?.buttons?.[0]).toMatchObject({ label: '上报', command: '上报 路灯坏了' });
  const [typo] = await app.chat.say('dm-w1', 'w1', '签倒');
  expect(typo.card?.buttons?.map((b) => b.command)).toContain('签到');
});

it('offers a problem described to the bot as a report, and files nothing until the button is pressed', async () => {
  const before = await eventCount();
  const [offer] = await app.chat.say('grid-s1', 'w1', '@网格助手 幸福路路灯坏了两天了');
  expect(offer.card?.title).toBe('要上报为事件吗？');
  expect(offer.card?.lines?.[0]).toContain('幸福路路灯坏了两天了');
  expect(offer.card?.buttons?.map((b) => b.label)).toEqual(['上报为事件', '不用']);
  expect(await eventCount()).toBe(before);

  const dismissed = await app.chat.press('grid-s1', 'w1', offer, '不用');
  expect(dismissed.map((m) => m.text).join()).toContain('好的，不上报');
  expect(await eventCount()).toBe(before);

  const report = await app.chat.press('grid-s1', 'w1', offer, '上报为事件');
  expect(report.map((m) => m.text).join()).toMatch(/类别|已上报/);
  await app.chat.ask('grid-s1', 'w1', '取消');
});

it('in a group, acts on talk that does not @-mention the bot only when it is unmistakably a command', async () => {
  const quiet = async (text: string) => {
    const id = await app.chat.post('grid-s1', 'w1', text, { mentioned: false });
    await app.chat.settled(id);
    return (await app.chat.messages('grid-s1', id)).filter((m) => m.from === 'bot');
  };
  expect(await quiet('任务都完成了吗？')).toEqual([]);
  expect(await quiet('签到了吗大家')).toEqual([]);
  expect(await quiet('幸福路路灯坏了两天了')).toEqual([]);
  expect(await quiet('打卡')).toEqual([]);
  expect(await quiet('任务，大家抓紧')).toEqual([]);
  const shared = await app.chat.post('grid-s1', 'w1', '', { mentioned: false, attachments: [{ kind: 'location', latitude: 30.1, longitude: 120.2, label: '幸福路' }] });
  await app.chat.settled(shared);
  expect((await app.chat.messages('grid-s1', shared)).filter((m) => m.from === 'bot')).toEqual([]);
  const taken = await quiet('我的任务');
  expect(taken.map((m) => m.text).join()).toMatch(/任务/);
  expect(taken.map((m) => m.text).join()).not.toContain('没有「');
});

it('the sandbox counts a message as mentioned by default, and `@网格助手` at the start as a mention', async () => {
  const byDefault = await app.chat.ask('grid-s1', 'w1', '你好');
  expect(byDefault).toContain('没有「你好」这个命令');
  const id = await app.chat.post('grid-s1', 'w1', '@网格助手 我是谁', { mentioned: false });
  await app.chat.settled(id);
  const all = await app.chat.messages('grid-s1');
  expect(all.find((m) => m.id === id)).toMatchObject({ text: '我是谁', mentioned: true });
  expect(all.filter((m) => Number(m.id) > Number(id) && m.from === 'bot').map((m) => m.text).join()).toContain('孙网格员');
});

it('a quote-reply 收到 to a task card signs that task; a bare 签收 in 1:1 then applies to the one left', async () => {
  const first = numberIn(await app.chat.ask('dm-h1', 'h1', '派单 孙网格员 3个工作日 入户走访登记'));
  const second = numberIn(await app.chat.ask('dm-h1', 'h1', '派单 孙网格员 月底 核对低保名单'));
  const cards = (await app.chat.messages('dm-w1')).filter((m) => m.from === 'bot' && m.text.includes(first));
  const card = cards[cards.length - 1];

  // Two open tasks: a bare 签收 cannot know which; quoting the card says it.
  expect(await app.chat.ask('dm-w1', 'w1', '签收')).not.toContain('已签收');
  const id = await app.chat.post('dm-w1', 'w1', '收到', { quote: card.id });
  await app.chat.settled(id);
  const signed = (await app.chat.messages('dm-w1', id)).filter((m) => m.from === 'bot').map((m) => m.text).join();
  expect(signed).toContain(`已签收任务 ${first}`);
  expect(signed).not.toContain(second);

  const shown = (await app.chat.messages('dm-w1')).find((m) => m.id === id);
  expect(shown?.quote?.id).toBe(card.id);

  // Only the second task is still to sign: a bare 签收 in 1:1 applies to it and names it.
  expect(await app.chat.ask('dm-w1', 'w1', '签收')).toContain(`已签收任务 ${second}`);
});

it('refuses a quote of a message that is not in the conversation', async () => {
  const res = await fetch(`${app.url}/sandbox/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation: 'dm-w1', user: 'w1', text: '收到', quote: '999999999' }),
  });
  expect(res.status).toBe(400);
});

it('states a deadline on a day off or in quiet hours with a warning, and one press moves it to the next working day’s end', async () => {
  const [weekend] = await app.chat.say('dm-h1', 'h1', '派单 孙网格员 下周六 清理楼道杂物');
  const number = numberIn(weekend.text);
  expect(weekend.text).toContain('是休息日');
  const move = weekend.card?.buttons?.find((b) => b.command.startsWith(`改期 ${number}`));
  expect(move?.label).toMatch(/^改为 \d+月\d+日 17:30（周[一二三四五]）$/);
  const moved = await app.chat.press('dm-h1', 'h1', weekend, move!.command);
  expect(moved.map((m) => m.text).join()).toContain(`已把任务 ${number} 的时限改为`);
  expect(moved.map((m) => m.text).join()).toMatch(/（周[一二三四五]）/);
  const told = (await app.chat.messages('dm-w1')).filter((m) => m.from === 'bot').at(-1);
  expect(told?.text).toContain(number);

  const [night] = await app.chat.say('dm-h1', 'h1', '派单 孙网格员 明天23:00 排查燃气隐患');
  expect(night.text).toContain('在休息时间');
  const [office] = await app.chat.say('dm-h1', 'h1', '派单 孙网格员 月底 核对名单');
  expect(office.text).not.toContain('注意：');
});

it('帮助 offers 派单 and the dispatcher’s commands only to those who may dispatch; a gridworker is refused', async () => {
  const offered = async (user: string) => (await app.chat.ask(`dm-${user}`, user, '帮助')).split('\n').map((l) => /^· (\S+)/.exec(l)?.[1]).filter(Boolean);
  const worker = await offered('w1');
  expect(worker).toEqual(expect.arrayContaining(['签收', '办结', '申请延期']));
  for (const command of ['派单', '同意延期', '拒绝延期', '撤回', '改派', '改期', '任务进度']) expect(worker).not.toContain(command);
  expect(await offered('h1')).toEqual(expect.arrayContaining(['派单', '同意延期', '改期']));
  expect(await app.chat.ask('dm-w1', 'w1', '派单 孙网格员 明天 测试')).toContain('没有权限');
});

it('帮助 with a misspelt command offers that command’s help as a button', async () => {
  const [reply] = await app.chat.say('dm-w1', 'w1', '帮助 签倒');
  expect(reply.card?.buttons?.map((b) => b.command)).toContain('帮助 签到');
  expect(reply.text).not.toContain('可用命令');
});

it('派遣 with a deadline on a day off says so and offers the one-press move for the task it creates', async () => {
  const filed = await app.chat.ask('grid-s1', 'w1', '上报 环境卫生 幸福路12号垃圾堆放');
  const event = /SJ\d{8}-\d{4}/.exec(filed)?.[0];
  expect(event).toBeDefined();
  const [dispatched] = await app.chat.say('dm-h1', 'h1', `派遣 ${event} 孙网格员 下周日 清运`);
  expect(dispatched.text).toContain('是休息日');
  const move = dispatched.card?.buttons?.find((b) => b.command.startsWith('改期 T'));
  expect(move).toBeDefined();
  const moved = await app.chat.press('dm-h1', 'h1', dispatched, move!.command);
  expect(moved.map((m) => m.text).join()).toContain('的时限改为');
});

it('does not offer a report to someone who may not file one', async () => {
  expect(await app.chat.ask('dm-stranger', 'stranger', '幸福路路灯坏了两天了')).toContain('您还未绑定身份');
});
