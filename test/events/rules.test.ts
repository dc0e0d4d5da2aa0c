/**
 * Events in the chat beyond the main loop: the guided report (and its timeout), photos and
 * locations, likely duplicates, 已处置, urgent reports, 回退 up and down, 督办/催办, lists,
 * categories; and who may not do what — a neighbouring grid, another community, a gridworker.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { EventSchema } from '../../src/adapters/db/schemas/events';
import { startTestApp, type TestApp } from '../support/app';

const EVENT = /SJ\d{8}-\d{4}/;
const grab = (text: string): string => {
  const m = EVENT.exec(text);
  if (!m) throw new Error(`no event number in: ${text}`);
  return m[0];
};

describe('events: reporting, rules and authorisation', () => {
  let app: TestApp;
  let offsetMs = 0;
  const eventCount = () => app.runtime.dataSource.getRepository(EventSchema).count();
  const lastBot = async (conversation: string): Promise<SandboxMessage> => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').slice(-1)[0];
  const report = async (user: string, grid: string, text: string) => grab(await app.chat.ask(`grid-${grid}`, user, `上报 ${text}`));

  beforeAll(async () => {
    app = await startTestApp({ clock: { now: () => new Date(Date.now() + offsetMs) } });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('guides an incomplete report step by step, with a category suggested from the words', async () => {
    const before = await eventCount();
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '上报 楼道里有人给电动车充电，拉了飞线')).toContain('建议类别：安全隐患|电动车违规充电');
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '是')).toContain('请发送地点');
    const located = await app.chat.say('grid-01001002', 'wgy-yg2', '', [{ kind: 'location', latitude: 30.27415, longitude: 120.15515, label: '阳光小区5号楼' }]);
    expect(located[0].text).toContain('请发送现场照片');
    expect((await app.chat.say('grid-01001002', 'wgy-yg2', '', [{ kind: 'image', url: 'https://example.test/a.jpg' }]))[0].text).toContain('已收到 1 张照片');
    expect((await app.chat.say('grid-01001002', 'wgy-yg2', '', [{ kind: 'image', url: 'https://example.test/b.jpg' }]))[0].text).toContain('已收到 2 张照片');
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '完成')).toContain('紧急程度');
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '很急')).toContain('请回复 一般、紧急 或 重大');
    const filed = await app.chat.ask('grid-01001002', 'wgy-yg2', '紧急');
    expect(filed).toContain('已上报，事件编号');
    expect(filed).toContain('地点：阳光小区5号楼（30.27415,120.15515）');
    expect(filed).toContain('附件：2 个');
    expect(filed).toContain('紧急程度：紧急');
    expect(await eventCount()).toBe(before + 1);
    const number = grab(filed);
    // Urgent: the grid head and at once the community secretary (1:1) and the community group.
    expect((await lastBot('dm-wz-yg2')).text).toContain(`新事件待受理：${number}`);
    expect((await lastBot('dm-sj-yg')).text).toContain(`【紧急】阳光二网格上报事件 ${number}`);
    const group = await lastBot('community-01001');
    expect(group.text).toContain(`【紧急】阳光二网格上报事件 ${number}`);
    expect(group.card?.buttons?.map((b) => b.command)).toEqual([`事件 ${number}`]);
    expect(await app.chat.messages('dm-sj-hp')).toEqual([]);
  });

  it('取消 and a timed-out dialog keep nothing half-made', async () => {
    const before = await eventCount();
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '上报')).toContain('请选择类别');
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '市容环境')).toContain('请描述问题');
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '取消')).toContain('已取消');
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '路口有人摆摊')).toContain('没有「路口有人摆摊」这个命令');

    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '上报 市容环境')).toContain('请描述问题');
    offsetMs += 11 * 60 * 1000;
    expect(await app.chat.ask('grid-01001002', 'wgy-yg2', '路口有人摆摊')).toContain('没有「路口有人摆摊」这个命令');
    expect(await eventCount()).toBe(before);
  });

  it('photos sent right after a one-line report attach to it; later ones do not', async () => {
    const number = await report('wgy-hp1', '01002001', '市容环境|道路设施损坏 和平路井盖缺失');
    const attached = await app.chat.ask('grid-01002001', 'wgy-hp1', '');
    expect(attached).toBe('');
    const photo = await app.chat.say('grid-01002001', 'wgy-hp1', '', [{ kind: 'image', url: 'https://example.test/well.jpg' }]);
    expect(photo[0].text).toContain(`已将 1 个附件补充到事件 ${number}`);
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `事件 ${number}`)).toContain('附件：1 个');
    offsetMs += 31 * 60 * 1000;
    expect(await app.chat.say('grid-01002001', 'wgy-hp1', '', [{ kind: 'image', url: 'https://example.test/late.jpg' }])).toEqual([]);
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `事件 ${number}`)).toContain('附件：1 个');
  });

  it('a likely duplicate is shown first; the reporter attaches to the existing event instead', async () => {
    const first = await report('wgy-hp2', '01002002', '环境卫生 平安巷8号门口垃圾堆放多日');
    const before = await eventCount();
    const hint = await app.chat.say('grid-01002002', 'wgy-hp2', '上报 环境卫生 平安巷8号门口垃圾堆放好几天了');
    expect(hint[0].text).toContain('疑似与以下事件重复');
    expect(hint[0].text).toContain(first);
    expect(await eventCount()).toBe(before);
    const merged = await app.chat.press('grid-01002002', 'wgy-hp2', hint[0], `并入 ${first}`);
    expect(merged[0].text).toContain(`已把补充内容并入事件 ${first}`);
    expect(await eventCount()).toBe(before);
    expect((await lastBot('dm-wz-hp2')).text).toContain(`事件 ${first} 有补充：平安巷8号门口垃圾堆放好几天了`);
    expect(await app.chat.ask('dm-wgy-hp2', 'wgy-hp2', `事件 ${first}`)).toContain('补充材料：平安巷8号门口垃圾堆放好几天了');

    const again = await app.chat.say('grid-01002002', 'wgy-hp2', '上报 环境卫生 平安巷8号门口垃圾又堆放多日');
    expect(again[0].text).toContain('疑似与以下事件重复');
    const separate = await app.chat.press('grid-01002002', 'wgy-hp2', again[0], '仍然上报');
    expect(separate[0].text).toContain('已上报，事件编号');
    expect(await eventCount()).toBe(before + 1);
  });

  it('已处置 records a problem settled on the spot without dispatching it', async () => {
    const reply = await app.chat.ask('grid-01001001', 'wgy-yg1', '已处置 安全隐患 3号楼楼道堆物已劝导清理');
    expect(reply).toContain('已记录现场处置');
    expect(reply).toContain('已现场处置');
    expect(reply).toContain('安全隐患|消防通道堵塞');
    const number = grab(reply);
    const refused = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `受理 ${number}`);
    expect(refused).toContain('当前状态为「已现场处置」，不能受理');
  });

  it('回退 at the grid goes to the reporter, who resubmits; above the grid it goes one level down', async () => {
    const number = await report('wgy-yg1', '01001001', '矛盾纠纷 邻居装修噪音扰民');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `回退 ${number}`)).toContain('请回复回退的原因');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '请补充具体楼栋')).toContain(`已将事件 ${number} 回退给上报人`);
    expect((await lastBot('dm-wgy-yg1')).text).toContain(`您上报的事件 ${number} 被回退：请补充具体楼栋`);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `重新上报 ${number} 3号楼502`)).toContain(`已重新上报事件 ${number}`);
    expect((await lastBot('dm-wz-yg1')).text).toContain(`事件 ${number} 已补充后重新上报`);

    await app.chat.ask('dm-wz-yg1', 'wz-yg1', `上报上级 ${number} 需社区调解`);
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', `回退 ${number} 网格先行调解`)).toContain(`已将事件 ${number} 回退至 阳光一网格`);
    const back = await lastBot('dm-wz-yg1');
    expect(back.text).toContain(`阳光社区回退事件 ${number}：网格先行调解`);
    expect(back.text).toContain('当前办理：阳光一网格');
    expect(back.card?.buttons?.map((b) => b.command)).toContain(`派遣 ${number}`);
  });

  it('a superior supervises (督办) and urges (催办); those responsible hear it', async () => {
    const number = await report('wgy-yg1', '01001001', '民生服务 独居老人张某家中停水两天');
    await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 明天17:00`);
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', `督办 ${number} 黄牌 今天必须解决`)).toContain(`已对事件 ${number} 黄牌督办`);
    expect((await lastBot('dm-wz-yg1')).text).toContain(`【黄牌督办】阳光社区督办事件 ${number}：今天必须解决`);
    expect((await lastBot('dm-wgy-yg1')).text).toContain(`【黄牌督办】阳光社区督办事件 ${number}`);
    expect(await app.chat.ask('dm-zhen', 'zhen', `催办 ${number} 请反馈进度`)).toContain(`已催办事件 ${number}`);
    expect((await lastBot('dm-wz-yg1')).text).toContain(`【催办】幸福街道催办事件 ${number}：请反馈进度`);
    const card = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`);
    expect(card).toContain('督办：黄牌督办');
    expect(card).toContain('催办：1 次');
    // The grid head cannot supervise his own level.
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `督办 ${number} 红牌`)).toContain('不由您办理');
  });

  it('a gridworker cannot touch a neighbouring grid’s event, nor a community another community’s', async () => {
    const number = await report('wgy-yg1', '01001001', '治安 小区门口有可疑人员徘徊');
    const before = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`);

    
  });

  it('a gridworker cannot touch a neighbouring grid’s event, nor a community another community’s', async () => {
    const number = await report('wgy-yg1', '01001001', '治安 小区门口有可疑人员徘徊');
    const before = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`);

    // Outside one's area a real number answers like a made-up one: nothing is revealed.
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `事件 ${number}`)).toBe(`找不到事件 ${number}，请检查编号。`);
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `评价 ${number} 满意`)).toContain('找不到事件');
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', `受理 ${number}`)).toContain('找不到事件');
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', `派遣 ${number} 陈网格员 明天17:00`)).toContain('找不到事件');
    expect(await app.chat.ask('dm-sj-hp', 'sj-hp', `受理 ${number}`)).toContain('找不到事件');
    expect(await app.chat.ask('dm-sj-hp', 'sj-hp', `上报上级 ${number} 试试`)).toContain('找不到事件');
    expect(await app.chat.ask('dm-sj-hp', 'sj-hp', `督办 ${number} 红牌`)).toContain('找不到事件');
    // The reporter's own gridworker colleague role does not make them a handler.
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `受理 ${number}`)).toContain('您没有权限执行「受理」');
    // A grid head may not dispatch outside his grid, and is told so without learning more.
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 褚网格员 明天17:00`)).toContain('褚网格员 不在 阳光一网格 的范围内');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`)).toBe(before);
  });

  it('refuses illegal steps and bad input with a reason and an example, changing nothing', async () => {
    const number = await report('wgy-yg1', '01001001', '环境卫生|污水排放 幸福路下水道堵塞外溢');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `结案 ${number}`)).toBe(`事件 ${number} 尚未办结并核查，不能结案。`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `核查 ${number} 通过`)).toBe(`事件 ${number} 处置人尚未办结，暂不能核查。`);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `评价 ${number} 满意`)).toBe(`事件 ${number} 尚未结案或已评价，不能评价。`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '受理 12345')).toContain('事件编号「12345」不正确');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '受理 SJ20200101-0001')).toBe('找不到事件 SJ20200101-0001，请检查编号。');
    const badDeadline = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 改天吧`);
    expect(badDeadline).toContain('看不懂时限「改天吧」');
    expect(badDeadline).toContain('示例：派遣 SJ20261122-0007 冯网格员 明天17:00');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 没这个人 明天17:00`)).toContain('找不到这个成员');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `核查 ${number} 也许`)).toContain('应为以下之一：通过、不通过');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `督办 ${number} 红牌`)).toBe('您没有权限执行「督办」。');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`)).toContain('待受理');
    expect(await app.chat.ask('dm-stranger', 'stranger', `事件 ${number}`)).toContain('您还未绑定身份');
    expect(await app.chat.ask('dm-admin', 'admin', '上报 环境卫生 测试')).toContain('无法确定您所在的网格');
  });

  it('我的事件 and 待办 list what concerns the sender', async () => {
    const mine = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '我的事件');
    expect(mine).toContain('我的事件');
    expect(mine).toContain('邻居装修噪音扰民');
    expect(mine).not.toContain('平安巷');
    const todo = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '待办');
    expect(todo).toContain('待我处理');
    expect(todo).toContain('幸福路下水道堵塞外溢（待受理）');
    expect(todo).not.toContain('平安巷');
    expect(await app.chat.ask('dm-chengguan', 'chengguan', '待办')).toBe('暂无待您处理的事件。');
  });

  it('admins add categories that reports can use at once; others cannot', async () => {
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '事件类别 添加 安全隐患|高空抛物 抛物')).toBe('只有管理员可以修改事件类别。');
    expect(await app.chat.ask('dm-admin', 'admin', '事件类别 添加 安全隐患|高空抛物 抛物 高空')).toBe('已添加事件类别 安全隐患|高空抛物。');
    expect(await app.chat.ask('dm-admin', 'admin', '事件类别 添加 安全隐患|高空抛物')).toContain('已存在');
    expect(await app.chat.ask('dm-admin', 'admin', '事件类别')).toContain('高空抛物');
    const reply = await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 高空抛物 5号楼有人从楼上扔酒瓶');
    expect(reply).toContain('安全隐患|高空抛物');
  });

  it('帮助 explains the event commands', async () => {
    const help = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '帮助 上报');
    expect(help).toContain('上报 [类别] [描述]');
    expect(help).toContain('示例：上报 环境卫生 幸福路12号垃圾堆放三天');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '帮助')).toContain('派遣 编号 对象 时限 [说明]');
  });
});
