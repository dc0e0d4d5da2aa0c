/**
 * The weekly meeting (周例会) over three consecutive weeks on seeded data, driven through the
 * sandbox: the agenda posted before the meeting, a decision that becomes a task with reminders,
 * minutes posted on 散会, and the carry-over: a problem solved in week 2 leaves the agenda, one
 * open at two meetings in a row goes to the secretary's 督办 in week 3 and stays.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { timerContext } from '../../src/bot/timers';
import { TaskSchema } from '../../src/adapters/db/schemas/tasks';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { startTestApp, type TestApp } from '../support/app';
import { dataUrlPng, decodeChart } from './chart-support';

const EVENT = /SJ\d{8}-\d{4}/;
const TASK = /T\d{8}-\d{4}/;
const grab = (re: RegExp, text: string) => {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${re} in: ${text}`);
  return m[0];
};

describe('weekly meeting over three weeks', () => {
  let app: TestApp;
  const clock = { at: new Date('2026-12-02T02:00:00Z'), now: () => clock.at };
  const setClock = (iso: string) => {
    clock.at = new Date(iso);
  };
  let eventA = '';
  let eventB = '';
  let eventC = '';
  let decisionTask = '';

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  const lastBot = async (conversation: string): Promise<SandboxMessage> => {
    const all = (await app.chat.messages(conversation)).filter((m) => m.from === 'bot');
    return all[all.length - 1];
  };
  const carriedSection = (text: string) => text.slice(text.indexOf('三、上次例会遗留事项'));

  it('week 1: the agenda is posted to the community group and the secretary before the meeting', async () => {
    eventA = grab(EVENT, await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天'));
    eventB = grab(EVENT, await app.chat.ask('grid-01001002', 'wgy-yg2', '上报 安全隐患 5号楼消防通道被电动车堵塞'));
    await app.chat.ask('grid-01001002', 'wgy-yg2', '已处置 矛盾纠纷 邻里噪音纠纷已当场调解');

    // Monday 7 December 07:30: the scheduled agenda fires (an hour before the 08:30 meeting).
    setClock('2026-12-06T23:30:00Z');
    const timer = app.runtime.bot.timers.get('meeting-agenda')!;
    await app.runtime.uow.runOnce('test-agenda-week1', (tx) => timer.run(timerContext(tx, 'test-agenda-week1'), { kind: 'weekly' }));
    await app.chat.outboxDrained();

    const posted = await lastBot('community-01001');
    expect(posted.card?.title).toBe('周例会议程 · 阳光社区 · 12月7日 08:30');
    expect(posted.card?.fields).toEqual(expect.arrayContaining([{ label: '事件', value: '上报 3 · 解决 1 · 在办 2' }, { label: '遗留事项', value: '0 项（督办 0 项）' }]));
    expect(posted.text).toContain('01001001 阳光一网格：上报 1，解决 0，在办 1');
    expect(posted.text).toContain('01001002 阳光二网格：上报 2，解决 1，在办 1');
    expect(posted.text).toContain(`✘ ${eventA} 环境卫生：幸福路12号垃圾堆放三天（未解决）下一步：督促尽快受理`);
    expect(posted.text).toContain(`✘ ${eventB} 安全隐患：5号楼消防通道被电动车堵塞（未解决）`);
    expect(posted.text).toContain('矛盾纠纷：邻里噪音纠纷已当场调解（已解决）');
    expect(carriedSection(posted.text)).toContain('无');
    expect((await lastBot('dm-sj-yg')).card?.title).toBe(posted.card?.title);
    // The other community's group got its own agenda, not this one.
    expect((await lastBot('community-01002')).card?.title).toBe('周例会议程 · 和平社区 · 12月7日 08:30');

    const chart = await decodeChart(dataUrlPng(posted.card!.imageUrl!));
    expect(chart.metadata.bars).toEqual([
      { label: '阳光一网格', value: 1 },
      { label: '阳光二网格', value: 2 },
    ]);
    expect(chart.barHeights[1]).toBeGreaterThanOrEqual(2 * chart.barHeights[0] - 1);
    expect(chart.barHeights[1]).toBeLessThanOrEqual(2 * chart.barHeights[0] + 1);
  });

  it('week 1: a decision becomes a task for the responsible member, with reminders; 散会 posts the minutes', async () => {
    setClock('2026-12-07T00:40:00Z');
    const recorded = await app.chat.ask('community-01001', 'sj-yg', '决议 清理5号楼消防通道 陈网格员 12月9日');
    expect(recorded).toContain('已记入12月7日周例会纪要第 1 项决议');
    decisionTask = grab(TASK, recorded);
    expect((await lastBot('dm-wgy-yg2')).text).toContain(`您有新任务 ${decisionTask}`);
    const task = await app.runtime.dataSource.getRepository(TaskSchema).findOneByOrFail({ number: decisionTask });
    expect([task.sourceKind, task.sourceRef]).toEqual(['meeting', 'HY-01001-W2026-12-07']);
    const rungs = JSON.parse(task.scheduledRungs) as string[];
    expect(rungs.length).toBeGreaterThan(0);
    const queued = await Promise.all(rungs.map((id) => app.runtime.queues.get(TIMERS_QUEUE).getJob(id)));
    expect(queued.every((j) => j && j.timestamp + (j.opts.delay ?? 0) > clock.at.getTime())).toBe(true);

    expect(await app.chat.ask('community-01001', 'sj-yg', '决议 清理楼道 陈网格员 下个世纪')).toContain('看不懂期限');
    // A deadline already past (08:00 today, asked at 08:40) is refused in words, and nothing is minuted.
    expect(await app.chat.ask('community-01001', 'sj-yg', '决议 清理楼道 陈网格员 今天8:00')).toContain('期限「今天8:00」已经过去了');
    expect(await app.chat.ask('community-01001', 'sj-yg', '纪要 各网格加强冬季消防巡查')).toContain('已记入');
    const minutes = await app.chat.ask('community-01001', 'sj-yg', '纪要');
    expect(minutes).toContain(`1. 【决议】清理5号楼消防通道 —— 负责人 陈网格员，期限 12月9日 17:30（周三），任务 ${decisionTask}`);
    expect(minutes).toContain('2. 【记录】各网格加强冬季消防巡查');

    const closed = await app.chat.say('community-01001', 'sj-yg', '散会');
    expect(closed).toHaveLength(1);
    expect(closed[0].text).toContain('12月7日周例会已结束，纪要如下');
    expect(closed[0].text).toContain('清理5号楼消防通道');
    expect(await app.chat.ask('community-01001', 'sj-yg', '决议 再议 陈网格员 明天')).toContain('当前没有进行中的例会');
  });

  it('week 2: the problem solved since leaves the agenda, the open ones are reported a second time', async () => {
    // Event A is worked and closed during the week; a new problem C comes in.
    setClock('2026-12-09T01:00:00Z');
    await app.chat.ask('dm-wz-yg1', 'wz-yg1', `受理 ${eventA}`);
    const task = grab(TASK, await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${eventA} 冯网格员 明天17:00 请清运`));
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已清运`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `核查 ${eventA} 通过`)).toContain(eventA);
    eventC = grab(EVENT, await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 市容环境 幸福路路灯不亮'));

    setClock('2026-12-13T23:40:00Z');
    const agenda = await app.chat.ask('community-01001', 'sj-yg', '周例会 议程');
    expect(agenda).toContain('周例会议程 · 阳光社区 · 12月14日 08:30');
    const carried = carriedSection(agenda);
    expect(carried).toContain(`【二次汇报】${eventB} 安全隐患：5号楼消防通道被电动车堵塞（第2次上会）`);
    expect(carried).toContain(`【二次汇报】决议：清理5号楼消防通道（陈网格员，${decisionTask}）（第2次上会）`);
    expect(carried).toContain(`已解决并移出议程：${eventA}`);
    expect(carried.split('\n').filter((l) => l.includes(eventA))).toHaveLength(1);
    expect(agenda).toContain(`✘ ${eventC} 市容环境：幸福路路灯不亮（未解决）`);
    expect(agenda).toContain('遗留事项：2 项（督办 0 项）');
    await app.chat.ask('community-01001', 'sj-yg', '散会');
  });

  it('week 3: what was open at two meetings in a row is marked 督办 with its leader, who is told, and it stays', async () => {
    setClock('2026-12-20T23:40:00Z');
    const agenda = await app.chat.ask('community-01001', 'sj-yg', '周例会 议程');
    const carried = carriedSection(agenda);
    expect(carried).toContain(`【督办·孙书记】${eventB} 安全隐患：5号楼消防通道被电动车堵塞（第3次上会）`);
    expect(carried).toContain(`【督办·孙书记】决议：清理5号楼消防通道（陈网格员，${decisionTask}）（第3次上会）`);
    expect(carried).toContain(`【二次汇报】${eventC} 市容环境：幸福路路灯不亮（第2次上会）`);
    expect(agenda).not.toContain(eventA);
    expect(agenda).toContain('遗留事项：3 项（督办 2 项）');
    const notice = await lastBot('dm-sj-yg');
    expect(notice.text).toContain('【督办】12月21日周例会');
    expect(notice.text).toContain(eventB);

    // Asking again does not tell the leader twice; the next week it is still there, still marked.
    const before = (await app.chat.messages('dm-sj-yg')).length;
    await app.chat.ask('community-01001', 'sj-yg', '周例会 议程');
    await app.chat.ask('community-01001', 'sj-yg', '散会');
    setClock('2026-12-27T23:40:00Z');
    const week4 = carriedSection(await app.chat.ask('community-01001', 'sj-yg', '周例会 议程'));
    expect(week4).toContain(`【督办·孙书记】${eventB} 安全隐患：5号楼消防通道被电动车堵塞（第4次上会）`);
    expect(week4).toContain(`【督办·孙书记】${eventC}`);
    const notices = (await app.chat.messages('dm-sj-yg')).slice(before).filter((m) => m.text.startsWith('【督办】'));
    expect(notices.map((m) => m.text)).toEqual([expect.stringContaining(eventC)]);
  });

  it('refuses the agenda to a gridworker and to another community, and exports the minutes', async () => {
    expect(await app.chat.ask('community-01001', 'wgy-yg1', '周例会 议程')).toContain('没有权限');
    expect(await app.chat.ask('dm-sj-hp', 'sj-hp', '周例会 议程 01001')).toContain('没有权限');
    // The sandbox shows the link in the text (channels that send files attach it).
    const link = grab(/http:\/\/\S+/, await app.chat.ask('community-01001', 'sj-yg', '导出纪要 md'));
    expect(link).toMatch(/\/files\/[0-9a-f]{32}\/HY-01001-W2026-12-28\.md$/);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    const md = await res.text();
    expect(md).toContain('# 12月28日周例会纪要');
    expect(md).toContain(`【督办·孙书记】${eventB}`);
    const word = await fetch(grab(/http:\/\/\S+/, await app.chat.ask('community-01001', 'sj-yg', '导出纪要 word')));
    expect(word.headers.get('content-type')).toContain('wordprocessingml');
    expect(Buffer.from(await word.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
    expect((await fetch(`${app.url}/files/${'0'.repeat(32)}/x.md`)).status).toBe(404);
  });
});
