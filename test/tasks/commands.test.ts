/**
 * 限时办结 in the chat: a grid head dispatches, the gridworker signs, reports, asks for more time
 * and closes with photos; the dispatcher approves or refuses by button, withdraws, and follows a
 * task sent to every grid of a community in one progress card. Bad input creates nothing.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { TaskSchema } from '../../src/adapters/db/schemas/tasks';
import { startTestApp, type TestApp } from '../support/app';

const numberIn = (text: string): string => {
  const m = /T\d{8}-\d{4}/.exec(text);
  if (!m) throw new Error(`no task number in: ${text}`);
  return m[0];
};

describe('tasks in the chat', () => {
  let app: TestApp;
  const taskCount = () => app.runtime.dataSource.getRepository(TaskSchema).count();

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  async function lastBotMessage(conversation: string): Promise<SandboxMessage> {
    const all = (await app.chat.messages(conversation)).filter((m) => m.from === 'bot');
    return all[all.length - 1];
  }

  it('dispatches to a member, who signs, reports progress and closes it with photos', async () => {
    const reply = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 3个工作日 入户走访登记 核对独居老人名单');
    expect(reply).toContain('已派单');
    expect(reply).toContain('冯网格员');
    const number = numberIn(reply);

    const card = await lastBotMessage('dm-wgy-yg1');
    expect(card.text).toContain(`您有新任务 ${number}`);
    expect(card.card?.buttons?.map((b) => b.command)).toContain(`签收 ${number}`);

    const signed = await app.chat.press('dm-wgy-yg1', 'wgy-yg1', card, `签收 ${number}`);
    expect(signed[0].text).toContain(`已签收任务 ${number}`);
    expect((await lastBotMessage('dm-wz-yg1')).text).toContain(`冯网格员 已签收任务 ${number}`);

    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `进度 ${number} 已走访12户`)).toContain('已记录');
    expect((await lastBotMessage('dm-wz-yg1')).text).toContain('已走访12户');

    // 办结 without a result opens a short dialog: photos first, then the result text.
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '办结')).toContain('请发送任务');
    const photo = await app.chat.say('dm-wgy-yg1', 'wgy-yg1', '', [{ kind: 'image', url: 'https://example.test/p1.jpg' }]);
    expect(photo.map((m) => m.text).join()).toContain('已收到照片 1 张');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '20户全部走访登记完毕')).toContain(`任务 ${number} 已办结`);
    const notice = await lastBotMessage('dm-wz-yg1');
    expect(notice.text).toContain('冯网格员 已办结任务');
    expect(notice.text).toContain('附照片 1 张');

    const detail = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `任务 ${number}`);
    expect(detail).toContain('已办结');
    expect(detail).toContain('办理记录');
    expect(detail).toMatch(/冯网格员 签收[\s\S]*冯网格员 进度：已走访12户[\s\S]*冯网格员 办结：20户全部走访登记完毕/);
  });

  it('lets the dispatcher approve or refuse an extension with the card buttons', async () => {
    const number = numberIn(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 明天17:00 紧急 清理楼道杂物'));
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${number}`);
    const asked = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `申请延期 ${number} 5个工作日 住户外出未归`);
    expect(asked).toContain('已提交任务');
    const request = await lastBotMessage('dm-wz-yg1');
    expect(request.text).toContain('住户外出未归');
    expect(request.card?.buttons?.map((b) => b.command)).toEqual(expect.arrayContaining([`同意延期 ${number}`, `拒绝延期 ${number}`]));

    const refused = await app.chat.press('dm-wz-yg1', 'wz-yg1', request, `拒绝延期 ${number}`);
    expect(refused[0].text).toContain('已拒绝');
    expect((await lastBotMessage('dm-wgy-yg1')).text).toContain('延期申请未同意');

    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `申请延期 ${number} 5个工作日 仍有住户外出`);
    const again = await lastBotMessage('dm-wz-yg1');
    const approved = await app.chat.press('dm-wz-yg1', 'wz-yg1', again, `同意延期 ${number}`);
    expect(approved[0].text).toContain('已同意延期');
    expect((await lastBotMessage('dm-wgy-yg1')).text).toContain('延期申请已同意');
    // Only the dispatcher (or a superior) decides.
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `同意延期 ${number}`)).toContain('没有权限');
  });

  it('returns a task to the dispatcher with a reason, and the dispatcher withdraws another', async () => {
    const first = numberIn(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 明天17:00 核查违建'));
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `退回 ${first}`)).toContain('理由');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `退回 ${first} 不在本网格范围`)).toContain('已退回');
    expect((await lastBotMessage('dm-wz-yg1')).text).toContain('理由：不在本网格范围');

    const second = numberIn(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 明天17:00 张贴通知'));
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `撤回 ${second}`)).toContain('没有权限');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `撤回 ${second} 已统一张贴`)).toContain('已撤回');
    expect((await lastBotMessage('dm-wgy-yg1')).text).toContain('已被撤回');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${second}`)).toContain('已撤回');
  });

  it('lists my tasks by deadline and hides a task from someone outside it', async () => {
    const list = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '我的任务');
    expect(list).toContain('我承办的');
    const lines = list.split('\n').filter((l) => l.startsWith('· T'));
    expect(lines.length).toBeGreaterThan(0);
    const number = numberIn(lines[0]);
    // Like a number that does not exist: nothing is revealed.
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `任务 ${number}`)).toContain(`找不到任务「${number}」`);
  });

  it('sends a task to every grid of a community and shows its progress in one card', async () => {
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '派单 01001 3个工作日 人口普查入户');
    expect(reply).toContain('已向 2 个网格的 2 人派发');
    const first = numberIn(reply);
    const yg1 = (await lastBotMessage('dm-wgy-yg1')).text;
    const yg2 = (await lastBotMessage('dm-wgy-yg2')).text;
    expect(yg1).toContain('人口普查入户');
    expect(yg2).toContain('人口普查入户');
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${numberIn(yg1)}`);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${numberIn(yg1)} 已完成`);

    const progress = await app.chat.say('dm-sj-yg', 'sj-yg', `任务进度 ${first}`);
    const card = progress[0].card!;
    expect(card.fields).toEqual(expect.arrayContaining([{ label: '已办结', value: '1/2' }, { label: '未签收', value: '1' }]));
    expect(card.lines?.join('\n')).toMatch(/阳光一网格：已办结 1\/1/);
    expect(card.lines?.join('\n')).toMatch(/阳光二网格：已办结 0\/1，逾期 0，未签收 1（陈网格员）/);
    // A gridworker may not dispatch, nor see the broadcast's progress.
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '派单 01001 3个工作日 测试')).toContain('没有权限');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `任务进度 ${first}`)).toContain('没有权限');
  });

  it('answers bad input with what was wrong and an example, and creates nothing', async () => {
    const before = await taskCount();
    const past = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 2020年1月1日 清理小广告');
    expect(past).toContain('已经过去了');
    expect(past).toContain('示例：派单');
    const unknown = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 张三丰 明天17:00 清理小广告');
    expect(unknown).toContain('找不到派单对象「张三丰」');
    expect(unknown).toContain('示例：派单');
    const unreadable = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 过几天吧 清理小广告');
    expect(unreadable).toContain('看不懂时限「过几天吧」');
    expect(unreadable).toContain('3个工作日');
    const noTitle = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 明天17:00');
    expect(noTitle).toContain('标题');
    const foreign = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 01002001 明天17:00 越权派单');
    expect(foreign).toContain('无权');
    expect(await taskCount()).toBe(before);
  });
});
