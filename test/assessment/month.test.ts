/**
 * A month of work in 阳光社区 through the sandbox: tasks dispatched and finished (or left to go
 * overdue), events reported (one sent back), patrols, leave, a community's 扣分 — then 考核 shows
 * each grid's score and rank, 统计 counts what happened, and the ledgers download once as .xlsx.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { EventSchema } from '../../src/adapters/db/schemas/events';
import { AuditLogSchema } from '../../src/adapters/db/schemas/core';
import { DEFAULT_RULES, emptyFacts, scoreOf } from '../../src/domain/assessment';
import { TaskHistorySchema, TaskSchema } from '../../src/adapters/db/schemas/tasks';
import { SUMMARY_TIMER } from '../../src/bot/assessment';
import { timerContext } from '../../src/bot/timers';
import { eventually, startTestApp, type TestApp } from '../support/app';

/** Shanghai wall-clock time → UTC instant. */
const sh = (local: string) => new Date(`${local}+08:00`);

describe('assessment over a seeded month', () => {
  let app: TestApp;
  let current = sh('2026-11-02T09:00:00');
  const clock = { now: () => current };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);

    // Mon 2 Nov: a task for each grid's gridworker, due the next working day.
    const a = /T\d{8}-\d{4}/.exec(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 1个工作日 入户走访 核对独居老人名单'))![0];
    const b = /T\d{8}-\d{4}/.exec(await app.chat.ask('dm-wz-yg2', 'wz-yg2', '派单 陈网格员 1个工作日 清理楼道 清理三号楼堆物'))![0];
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${a}`);
    await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `签收 ${b}`);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${a} 20户全部走访完毕`)).toContain(a);
    // Events: one from each gridworker; the second grid's is sent back as not valid.
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天')).toMatch(/SJ\d{8}-\d{4}/);
    const e2 = /SJ\d{8}-\d{4}/.exec(await app.chat.ask('grid-01001002', 'wgy-yg2', '上报 环境卫生 和美路5号有人乱扔纸屑'))![0];
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', `回退 ${e2} 已由保洁处理，不属网格事件`)).toContain(e2);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '巡查 走访幸福路沿线商户')).toContain('P');
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', '请假 11月3日至11月4日 家中有事')).toContain('L');
    const leave = /L\d+/.exec((await app.chat.messages('dm-wz-yg2')).map((m) => m.text).join('\n'))![0];
    await app.chat.ask('dm-wz-yg2', 'wz-yg2', `准假 ${leave}`);
    current = sh('2026-11-03T10:00:00');
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '巡查 检查消防通道');
    // Info reports: Tuesday 3 Nov on its day; Friday 6 Nov filed a day late (Saturday).
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '报送 无变化')).toContain('2026-11-03');
    current = sh('2026-11-07T10:00:00');
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '报送 安全隐患 3号楼消防通道堆放杂物');
    current = sh('2026-11-20T10:00:00');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '扣分 01001002 2 群众投诉未及时回应')).toContain('已为 01001002 阳光二网格 扣 2 分');
    // The reminder ladder of the overdue task runs on its own (its rungs are due at once here):
    // wait for its 督办 rung, which the second grid is marked down for.
    const taskB = await app.runtime.dataSource.getRepository(TaskSchema).findOneByOrFail({ number: b });
    await eventually(() => app.runtime.dataSource.getRepository(TaskHistorySchema).findOneBy({ taskId: taskB.id, action: 'rung.supervise' }), 'the 督办 rung of the overdue task');
    current = sh('2026-11-24T11:00:00');
  }, 60_000);

  afterAll(async () => {
    await app.stop();
  });

  /** What the second grid did, stated by hand: every formula applies to these facts. */
  function secondGridFacts() {
    return {
      ...emptyFacts(),
      tasks: { due: 1, onTime: 0 },
      overdue: 1,
      supervisions: 1,
      reporting: { reported: 1, withdrawn: 1 },
      handling: { handled: 0, taken: 1, returned: 0 },
      // 17 working days 2–24 Nov, 2 of them on leave, no patrol
      patrols: { done: 0, of: 15 },
      // report days 3, 6, 10, 13, 17, 20 Nov (24th still running); 3 Nov on leave; none filed
      infoReports: { done: 0, of: 5 },
      adjustments: [{ points: -2, reason: '群众投诉未及时回应' }],
    };
  }

  it('ranks the community’s grids for the secretary, with each grid’s score and grade', async () => {
    const expected = scoreOf(secondGridFacts(), DEFAULT_RULES);
    // 20×0 + 15×0 + 20×0 + 10×0 + 15×1 + 10 + 10 (no verification, no rating: full) − 2 督办 − 1 overdue − 2 manual
    expect(expected.total).toBe(30);
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '考核 本月');
    expect(reply).toContain('考核排名 · 阳光社区 · 2026年11月');
    expect(reply).toMatch(/1\. 01001001 阳光一网格：[\d.]+ 分/);
    expect(reply).toContain('2. 01001002 阳光二网格：30 分 不合格');
  });

  it('shows a grid head the breakdown and the rank among the community’s grids', async () => {
    const reply = await app.chat.ask('dm-wz-yg2', 'wz-yg2', '考核 2026-11');
    expect(reply).toContain('考核 · 阳光二网格 · 2026年11月');
    expect(reply).toContain('总分：30 分（不合格）');
    expect(reply).toContain('排名：第 2 / 2（阳光社区）');
    expect(reply).toContain('任务按时办结率：0/20 分（按期办结 0 / 到期 1，0%）');
    expect(reply).toContain('上报效率：0/10 分（上报未退回 0 / 上报 1，0%）');
    expect(reply).toContain('巡查天数（请假除外）：0/20 分（巡查 0 天 / 应巡查 15 天，0%）');
    expect(reply).toContain('督办扣分：-2 分（1 次）');
    expect(reply).toContain('逾期扣分：-1 分（1 项）');
    expect(reply).toContain('加减分：-2 分（群众投诉未及时回应）');
  });

  it('shows a gridworker their own score, and refuses another grid’s', async () => {
    const own = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '考核');
    expect(own).toContain('考核 · 冯网格员 · 2026年11月');
    expect(own).toContain('任务按时办结率：20/20 分（按期办结 1 / 到期 1，100%）');
    expect(own).toContain('巡查天数（请假除外）：2.4/20 分（巡查 2 天 / 应巡查 17 天，11.8%）');
    expect(own).toContain('信息按时报送率：2.5/15 分（按时报送 1 / 应报送 6，16.7%）');
    // Nothing rated this month: 无数据, and how the rules score it, not silently full marks.
    expect(own).toContain('群众满意率：无数据（满意和基本满意 0 / 居民评价及回访 0），按规则记满分 10 分');
    // Members rating members is its own figure, never 群众满意率.
    expect(own).toContain('成员评价（不计入群众满意率）：满意和基本满意 0 / 评价 0');
    expect(own).toContain('扣分规则：每次督办 -2 分，每项逾期 -1 分，合计最多 -20 分；各项公式见「帮助 考核」。');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '考核 @陈网格员')).toContain('没有权限');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '考核 01001002')).toContain('没有权限');
  });

  it('explains the rules in force under 帮助 考核, from the settings', async () => {
    const help = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '帮助 考核');
    expect(help).toContain('考核评分规则（当前设置）');
    expect(help).toContain('任务按时办结率 = 到期任务中在时限前办结（提交核查即算）的数 ÷ 本期到期任务数；权重 20 分，达到 100% 得满分');
    expect(help).toContain('群众满意率 = 居民评价和回访中满意、基本满意的数量 ÷ 居民评价和回访总数（成员之间的评价单列，不计入）；权重 10 分，达到 95% 得满分');
    expect(help).toContain('每次督办 -2 分，每项逾期 -1 分，合计最多 -20 分');
    await app.runtime.uow.runOnce(`rules-${Date.now()}`, (tx) => tx.repos.settings.put('assessment.rules', { weights: { satisfaction: 5, patrolDays: 25 }, noData: 'excluded' }, tx.now));
    const changed = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '帮助 考核');
    expect(changed).toContain('群众满意率 = 居民评价和回访中满意、基本满意的数量 ÷ 居民评价和回访总数（成员之间的评价单列，不计入）；权重 5 分');
    expect(changed).toContain('不计分，其余指标按比例折算到 100 分');
    const own = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '考核');
    expect(own).toContain('群众满意率：无数据（满意和基本满意 0 / 居民评价及回访 0），不计分，其余指标按比例折算');
    await app.runtime.uow.runOnce(`rules-back-${Date.now()}`, (tx) => tx.repos.settings.put('assessment.rules', {}, tx.now));
  });

  it('keeps the 扣分 in the audit log and refuses one without a reason or beyond the cap', async () => {
    const audit = await app.runtime.dataSource.getRepository(AuditLogSchema).find({ where: { action: 'assessment.deduct' } });
    expect(audit).toHaveLength(1);
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '扣分 01001002 50 太差')).toContain('分值应为 0.5～20');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '扣分 01001002 2')).toContain('缺少原因');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '加分 01002001 3 表现好')).toContain('没有权限');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '加分 01001001 3 表现好')).toContain('没有权限');
  });

  it('counts events and tasks for 统计 in the sender’s scope', async () => {
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '统计 本月');
    expect(reply).toContain('统计 · 阳光社区 · 2026年11月');
    expect(reply).toContain('事件：共 2 件');
    expect(reply).toContain('按类别：环境卫生 2');
    expect(reply).toContain('任务：到期 2 项，按期 1 项');
    expect(reply).toContain('其中逾期 1 项');
  });

  it('exports the event ledger as an .xlsx whose rows match the database, downloadable once', async () => {
    const [message] = await app.chat.say('dm-sj-yg', 'sj-yg', '导出 事件台账 2026-11');
    expect(message.text).toContain('事件台账（阳光社区 · 2026年11月）已生成，共 2 行');
    const url = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(message.text)![0];
    // The sandbox shows it as a file to download, not only as a link in the text.
    expect(message.file).toEqual({ name: expect.stringMatching(/\.xlsx$/), url });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('事件台账')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['编号', '网格编码', '网格', '类别']);
    const rows = [];
    for (let r = 2; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
    const db = await app.runtime.dataSource.getRepository(EventSchema).find({ order: { reportedAt: 'ASC', id: 'ASC' } });
    expect(rows.map((r) => r[0])).toEqual(db.map((e) => e.number));
    expect(rows.map((r) => r[1])).toEqual(['01001001', '01001002']);
    expect(rows[1][10]).toBe('已回退');
    expect(rows[0][8]).toBe('冯网格员');

    const again = await fetch(url);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('已使用过');
  });

  it('exports the assessment table with the same scores as the chat, and refuses a gridworker', async () => {
    const [message] = await app.chat.say('dm-sj-yg', 'sj-yg', '导出 考核 本月');
    const url = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(message.text)![0];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(url)).arrayBuffer());
    const ws = wb.getWorksheet('考核')!;
    expect((ws.getRow(3).values as unknown[]).slice(1, 6)).toEqual([2, '01001002', '阳光二网格', 30, '不合格']);
    const log = wb.getWorksheet('加减分记录')!;
    expect((log.getRow(2).values as unknown[]).slice(2)).toEqual(['01001002 阳光二网格', -2, '群众投诉未及时回应', '孙书记']);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '导出 事件台账')).toContain('没有权限');
  });

  it('refuses an expired link', async () => {
    const [message] = await app.chat.say('dm-sj-yg', 'sj-yg', '导出 任务台账');
    const url = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(message.text)![0];
    current = sh('2026-11-24T12:00:00'); // 60 minutes later: past the 30-minute validity
    try {
      const res = await fetch(url);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('已过期');
    } finally {
      current = sh('2026-11-24T11:00:00');
    }
  });

  it('posts last month’s ranking to the community group on the 1st, as a card with a chart', async () => {
    current = sh('2026-12-01T09:00:00');
    try {
      // The schedule is declared (an admin could run it now); its firing is driven here directly,
      // because a job due at this test's fake 1 December would wait for the real one.
      expect(await app.chat.ask('dm-admin', 'admin', '立即执行 考核月报')).toContain('考核月报');
      const timer = app.runtime.bot.timers.get(SUMMARY_TIMER)!;
      await app.runtime.uow.runOnce('test-assessment-monthly-2026-12', (tx) => timer.run(timerContext(tx, 'assessment-monthly-2026-12'), { kind: 'monthly' }));
      const posted = await eventually(async () => (await app.chat.messages('community-01001')).find((m) => m.text.includes('2026年11月 考核月报 · 阳光社区')), 'the monthly summary in the community group');
      expect(posted.text).toContain('靠后：阳光二网格 30');
      expect(posted.text).toContain('2. 01001002 阳光二网格：30 分 不合格');
      expect(posted.card?.imageUrl).toMatch(/^data:image\/png;base64,/);
      const town = await eventually(async () => (await app.chat.messages('town-01')).find((m) => m.text.includes('2026年11月 考核月报 · 幸福街道')), 'the monthly summary in the town group');
      expect(town.text).toMatch(/01001 阳光社区：[\d.]+ 分/);
    } finally {
      current = sh('2026-11-24T11:00:00');
    }
  });

  it('exports the info report ledger with each filing and whether it was on time', async () => {
    const [message] = await app.chat.say('dm-sj-yg', 'sj-yg', '导出 报送台账 本月');
    expect(message.text).toContain('共 2 行');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(/http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(message.text)![0])).arrayBuffer());
    const ws = wb.getWorksheet('报送台账')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['报送日', '网格编码', '网格', '网格员', '报送时间', '是否按期', '内容']);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['2026-11-03', '01001001', '阳光一网格', '冯网格员', '2026-11-03 10:00', '是', '无变化']);
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(['2026-11-07', '01001001', '阳光一网格', '冯网格员', '2026-11-07 10:00', '非报送日（补报）', '安全隐患']);
  });

  it('grades with the deployment’s thresholds from the settings, ignoring an invalid override', async () => {
    const put = (value: unknown, key: string) => app.runtime.uow.runOnce(key, (tx) => tx.repos.settings.put('assessment.rules', value, tx.now));
    try {
      await put({ grades: { pass: 25 } }, 'test-rules-pass-25');
      expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', '考核')).toContain('总分：30 分（合格）');
      await put({ grades: { pass: 25 }, weights: { patrolDays: -5 } }, 'test-rules-invalid');
      expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', '考核')).toContain('总分：30 分（不合格）');
    } finally {
      await put({}, 'test-rules-reset');
    }
  });
});
