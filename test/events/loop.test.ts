/**
 * The closed loop in the chat, end to end on MariaDB and Redis: a gridworker reports, the grid
 * head accepts and dispatches, verification fails once, the matter goes up grid → community →
 * town, the town dispatches to a department and closes it, the reporter is not satisfied, the
 * town settles it again, and the reporter is satisfied. Every message each person gets is checked.
 */
import { seedDemo, DEMO_MEMBERS, DEMO_UNITS } from '../../src/adapters/db/demo';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { startTestApp, type TestApp } from '../support/app';

const EVENT = /SJ\d{8}-\d{4}/;
const TASK = /T\d{8}-\d{4}/;
const grab = (re: RegExp, text: string): string => {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${re} in: ${text}`);
  return m[0];
};

describe('the closed loop of an event', () => {
  let app: TestApp;
  const seen = new Map<string, number>();
  const everyone = [...DEMO_MEMBERS.map((m) => `dm-${m.user}`), 'dm-admin', ...DEMO_UNITS.map((u) => u.group)];

  /** The bot's messages in a conversation since the last look. */
  async function news(conversation: string): Promise<SandboxMessage[]> {
    const all = (await app.chat.messages(conversation)).filter((m) => m.from === 'bot');
    const from = seen.get(conversation) ?? 0;
    seen.set(conversation, all.length);
    return all.slice(from);
  }

  /**
   * Exactly these new messages arrived, per conversation (each expected text a part of the
   * message, in order), and nobody else got anything.
   */
  async function expectInboxes(expected: Record<string, string[]>): Promise<Record<string, SandboxMessage[]>> {
    await app.chat.outboxDrained();
    const got: Record<string, SandboxMessage[]> = {};
    for (const conversation of everyone) {
      const messages = await news(conversation);
      got[conversation] = messages;
      const parts = expected[conversation] ?? [];
      expect({ conversation, texts: messages.map((m) => m.text) }).toEqual({ conversation, texts: parts.map((p) => expect.stringContaining(p)) });
    }
    return got;
  }

  const commandsOf = (m: SandboxMessage) => (m.card?.buttons ?? []).map((b) => b.command);

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  let number = '';
  let task = '';

  it('a report in the grid group reaches the grid head 1:1, personal data masked in the group', async () => {
    await app.chat.say('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天，联系人13812345678');
    const got = await expectInboxes({
      'grid-01001001': ['已上报，事件编号 SJ'],
      'dm-wz-yg1': ['新事件待受理'],
    });
    number = grab(EVENT, got['grid-01001001'][0].text);
    const groupReply = got['grid-01001001'][0].text;
    expect(groupReply).toContain('已通知周网格长');
    expect(groupReply).toContain('环境卫生|垃圾堆放');
    expect(groupReply).toContain('138****5678');
    expect(groupReply).not.toContain('13812345678');
    const card = got['dm-wz-yg1'][0];
    expect(card.text).toContain('13812345678');
    expect(commandsOf(card)).toEqual([`受理 ${number}`, `派遣 ${number}`, `上报上级 ${number}`, `回退 ${number}`]);
  });

  it('the grid head accepts by button and dispatches to the gridworker with a deadline', async () => {
    const [card] = (await app.chat.messages('dm-wz-yg1')).filter((m) => m.from === 'bot').slice(-1);
    await app.chat.press('dm-wz-yg1', 'wz-yg1', card, `受理 ${number}`);
    const accepted = await expectInboxes({ 'dm-wz-yg1': [`已受理事件 ${number}`], 'dm-wgy-yg1': [`您上报的事件 ${number} 已由 阳光一网格 受理`] });

    await app.chat.press('dm-wz-yg1', 'wz-yg1', accepted['dm-wz-yg1'][0], `派遣 ${number}`);
    await expectInboxes({ 'dm-wz-yg1': ['请回复派遣对象和时限'] });
    await app.chat.say('dm-wz-yg1', 'wz-yg1', '冯网格员 明天17:00 请尽快清运');
    const got = await expectInboxes({ 'dm-wz-yg1': [`已将事件 ${number} 派遣给 冯网格员`], 'dm-wgy-yg1': ['您有新任务 T'] });
    task = grab(TASK, got['dm-wgy-yg1'][0].text);
    expect(got['dm-wz-yg1'][0].text).toContain(`任务 ${task}`);
  });

  it('the assignee signs and reports it done; the grid head gets a card to verify', async () => {
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await expectInboxes({ 'dm-wgy-yg1': [`已签收任务 ${task}`], 'dm-wz-yg1': [`冯网格员 已签收任务 ${task}`] });
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已清理`);
    const got = await expectInboxes({ 'dm-wgy-yg1': ['已提交办结'], 'dm-wz-yg1': [`已办结任务 ${task}`, `事件 ${number} 已由 冯网格员 办结，请核查：已清理`] });
    expect(commandsOf(got['dm-wz-yg1'][1])).toEqual([`核查 ${number} 通过`, `核查 ${number} 不通过`]);
  });

  it('verification fails with a reason asked for after the button; the task goes back to the assignee', async () => {
    const [card] = (await app.chat.messages('dm-wz-yg1')).filter((m) => m.from === 'bot').slice(-1);
    await app.chat.press('dm-wz-yg1', 'wz-yg1', card, `核查 ${number} 不通过`);
    await expectInboxes({ 'dm-wz-yg1': ['请回复核查不通过的原因'] });
    await app.chat.say('dm-wz-yg1', 'wz-yg1', '现场仍有残留');
    await expectInboxes({ 'dm-wz-yg1': [`事件 ${number} 核查不通过，已退回 冯网格员 重新处置`], 'dm-wgy-yg1': ['核查未通过：现场仍有残留'] });

    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 又清理了一遍`);
    await expectInboxes({ 'dm-wgy-yg1': ['已提交办结'], 'dm-wz-yg1': [`已办结任务 ${task}`, '请核查：又清理了一遍'] });
  });

  it('the grid escalates to the community, which escalates to the town', async () => {
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `上报上级 ${number} 垃圾反复堆放，需社区协调`);
    const first = await expectInboxes({
      'dm-wz-yg1': [`已将事件 ${number} 上报至 阳光社区`],
      'dm-wgy-yg1': [`任务 ${task}`, `您上报的事件 ${number} 已上报至 阳光社区 办理`],
      'dm-sj-yg': [`阳光一网格上报事件 ${number}，请办理：垃圾反复堆放，需社区协调`],
    });
    expect(first['dm-wgy-yg1'][0].text).toContain('已被撤回');
    expect(commandsOf(first['dm-sj-yg'][0])).toEqual(expect.arrayContaining([`受理 ${number}`, `派遣 ${number}`, `上报上级 ${number}`, `回退 ${number}`]));
    // The grid head no longer holds it: no buttons for him on his own reply card.
    expect(commandsOf(first['dm-wz-yg1'][0])).toEqual([]);

    await app.chat.say('dm-sj-yg', 'sj-yg', `上报上级 ${number} 需城管执法`);
    const second = await expectInboxes({
      'dm-sj-yg': [`已将事件 ${number} 上报至 幸福街道`],
      'dm-zhen': [`阳光社区上报事件 ${number}，请办理：需城管执法`],
      'dm-wgy-yg1': [`您上报的事件 ${number} 已上报至 幸福街道 办理`],
    });
    // The town sees the whole history on its card's 事件 view.
    expect(second['dm-zhen'][0].text).toContain('当前办理：幸福街道');
    const history = await app.chat.ask('dm-zhen', 'zhen', `事件 ${number}`);
    await expectInboxes({ 'dm-zhen': ['流转记录'] });
    expect(history).toContain('阳光一网格 周网格长 核查不通过：现场仍有残留');
    expect(history).toContain('阳光社区 孙书记 上报上级 → 幸福街道：需城管执法');
  });

  it('the town dispatches to the department, verifies and closes; the reporter is asked to rate', async () => {
    await app.chat.say('dm-zhen', 'zhen', `受理 ${number}`);
    await expectInboxes({ 'dm-zhen': [`已受理事件 ${number}`], 'dm-wgy-yg1': [`已由 幸福街道 受理`] });
    await app.chat.say('dm-zhen', 'zhen', `派遣 ${number} 城管中队 3个工作日 清运并设置禁止堆放标识`);
    const got = await expectInboxes({ 'dm-zhen': [`已将事件 ${number} 派遣给 城管中队`], 'dm-chengguan': ['您有新任务 T'] });
    task = grab(TASK, got['dm-chengguan'][0].text);
    await app.chat.say('dm-chengguan', 'chengguan', `签收 ${task}`);
    await expectInboxes({ 'dm-chengguan': [`已签收任务 ${task}`], 'dm-zhen': [`城管中队 已签收任务 ${task}`] });
    await app.chat.say('dm-chengguan', 'chengguan', `办结 ${task} 已清运并设置标识`);
    const submitted = await expectInboxes({ 'dm-chengguan': ['已提交办结'], 'dm-zhen': [`已办结任务 ${task}`, '请核查：已清运并设置标识'] });

    await app.chat.press('dm-zhen', 'zhen', submitted['dm-zhen'][1], `核查 ${number} 通过`);
    const closed = await expectInboxes({
      'dm-zhen': [`事件 ${number} 核查通过，已结案`],
      'dm-chengguan': [`任务 ${task}「${number} 垃圾堆放」核查通过，已办结`],
      'dm-wgy-yg1': [`您上报的事件 ${number} 已结案：已清运并设置标识`],
    });
    expect(commandsOf(closed['dm-wgy-yg1'][0])).toEqual([`评价 ${number} 满意`, `评价 ${number} 基本满意`, `评价 ${number} 不满意`]);
  });

  it('不满意 reopens the event at the town, which settles it again; then 满意', async () => {
    const [card] = (await app.chat.messages('dm-wgy-yg1')).filter((m) => m.from === 'bot').slice(-1);
    await app.chat.press('dm-wgy-yg1', 'wgy-yg1', card, `评价 ${number} 不满意`);
    await expectInboxes({ 'dm-wgy-yg1': ['请回复不满意的原因'] });
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', '又有人倒垃圾了');
    const reopened = await expectInboxes({
      'dm-wgy-yg1': [`事件 ${number} 将由 幸福街道 重新办理`],
      'dm-zhen': [`事件 ${number} 评价不满意，已重新打开：又有人倒垃圾了`],
    });
    expect(commandsOf(reopened['dm-zhen'][0])).toContain(`派遣 ${number}`);

    await app.chat.say('dm-zhen', 'zhen', `派遣 ${number} 城管中队 明天17:00 每日巡查清运`);
    const again = await expectInboxes({ 'dm-zhen': [`派遣给 城管中队`], 'dm-chengguan': ['您有新任务 T'] });
    task = grab(TASK, again['dm-chengguan'][0].text);
    await app.chat.say('dm-chengguan', 'chengguan', `签收 ${task}`);
    await expectInboxes({ 'dm-chengguan': ['已签收任务'], 'dm-zhen': ['已签收任务'] });
    await app.chat.say('dm-chengguan', 'chengguan', `办结 ${task} 已安排每日清运`);
    await expectInboxes({ 'dm-chengguan': ['已提交办结'], 'dm-zhen': ['已办结任务', '请核查：已安排每日清运'] });
    await app.chat.say('dm-zhen', 'zhen', `核查 ${number} 通过`);
    await expectInboxes({ 'dm-zhen': ['核查通过，已结案'], 'dm-chengguan': ['核查通过，已办结'], 'dm-wgy-yg1': ['已结案：已安排每日清运'] });

    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `评价 ${number} 满意`);
    await expectInboxes({ 'dm-wgy-yg1': [`感谢评价！事件 ${number}：满意`], 'dm-zhen': [`事件 ${number} 的评价：满意`] });
  });

  it('the final card and timeline tell the whole story, level by level', async () => {
    const shown = await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `事件 ${number}`);
    await expectInboxes({ 'dm-wgy-yg1': ['流转记录'] });
    const text = shown[0].text;
    expect(text).toContain(`【事件 ${number} · 已评价归档】`);
    expect(text).toContain('评价：满意');
    expect(text).toContain('重新办理：1 次');
    const timeline = text.split('流转记录：')[1].split('\n').filter(Boolean).map((l) => l.replace(/^\d{2}-\d{2} \d{2}:\d{2} /, ''));
    expect(timeline).toEqual([
      '阳光一网格 冯网格员 上报',
      '阳光一网格 周网格长 受理',
      expect.stringMatching(/^阳光一网格 周网格长 派遣 → 冯网格员（.+）：请尽快清运$/),
      '阳光一网格 冯网格员 接单',
      '阳光一网格 冯网格员 办结：已清理',
      '阳光一网格 周网格长 核查不通过：现场仍有残留',
      '阳光一网格 冯网格员 办结：又清理了一遍',
      '阳光一网格 周网格长 核查不通过：已上报上级：垃圾反复堆放，需社区协调',
      '阳光一网格 周网格长 上报上级 → 阳光社区：垃圾反复堆放，需社区协调',
      '阳光社区 孙书记 上报上级 → 幸福街道：需城管执法',
      '幸福街道 钱主任 受理',
      expect.stringMatching(/^幸福街道 钱主任 派遣 → 城管中队（.+）：清运并设置禁止堆放标识$/),
      '幸福街道 城管中队 接单',
      '幸福街道 城管中队 办结：已清运并设置标识',
      '幸福街道 钱主任 核查通过，结案',
      '幸福街道 冯网格员 评价 不满意：又有人倒垃圾了',
      expect.stringMatching(/^幸福街道 钱主任 派遣 → 城管中队（.+）：每日巡查清运$/),
      '幸福街道 城管中队 接单',
      '幸福街道 城管中队 办结：已安排每日清运',
      '幸福街道 钱主任 核查通过，结案',
      '幸福街道 冯网格员 评价 满意',
    ]);
  });
});
