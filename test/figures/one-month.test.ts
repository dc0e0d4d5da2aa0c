/**
 * One month, one set of figures. November 2026 in 阳光社区, worked through the chat: an event
 * finished before its deadline but checked after it, one sent back (回退), one escalated to the
 * town, one settled on the spot, one left open; a task done on time, one left overdue; ratings,
 * an info report, a patrol, approved leave; 代办 (one 办结 in time, one past its limit, one 退回); a
 * resident's report from the residents' group, closed and rated by the resident, and a 回访 on a
 * member's report. 群众满意率 counts only the residents' voice (their rating and the 回访); the
 * gridworker's own 评价 is the separate members' figure. Then the same month is read four ways —
 * the monthly agenda, 统计, 考核 (both grids' cards) and the exported ledgers — and every figure must agree.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { RULES_SETTING } from '../../src/bot/assessment/service';
import { startTestApp, type TestApp } from '../support/app';

const sh = (local: string) => new Date(`${local}+08:00`);
const EVENT = /SJ\d{8}-\d{4}/;
const TASK = /T\d{8}-\d{4}/;

describe('one month, one set of figures', () => {
  let app: TestApp;
  let current = sh('2026-11-02T09:00:00');
  const clock = { now: () => current };
  const at = (local: string) => {
    current = sh(local);
  };
  const say = (conversation: string, user: string, text: string) => app.chat.ask(conversation, user, text);
  const grab = (re: RegExp, text: string) => {
    const m = re.exec(text);
    if (!m) throw new Error(`no ${re} in: ${text}`);
    return m[0];
  };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);

    // E1: reported, dispatched with a deadline of Tue 10 Nov 17:30, reported done on Mon 9 Nov,
    // checked (核查通过) only on Wed 11 Nov — on time: the assignee finished before the deadline.
    const e1 = grab(EVENT, await say('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天'));
    await say('dm-wz-yg1', 'wz-yg1', `受理 ${e1}`);
    const t1 = grab(TASK, await say('dm-wz-yg1', 'wz-yg1', `派遣 ${e1} 冯网格员 11月10日 请清运`));
    await say('dm-wgy-yg1', 'wgy-yg1', `签收 ${t1}`);
    at('2026-11-09T10:00:00');
    await say('dm-wgy-yg1', 'wgy-yg1', `办结 ${t1} 已清运`);
    at('2026-11-11T10:00:00');
    expect(await say('dm-wz-yg1', 'wz-yg1', `核查 ${e1} 通过`)).toContain('结案');
    expect(await say('dm-wgy-yg1', 'wgy-yg1', `评价 ${e1} 满意`)).toContain('满意');

    // E2: sent back to the reporter (回退) and never resubmitted.
    at('2026-11-12T10:00:00');
    const e2 = grab(EVENT, await say('grid-01001002', 'wgy-yg2', '上报 环境卫生 和美路5号有人乱扔纸屑'));
    expect(await say('dm-wz-yg2', 'wz-yg2', `回退 ${e2} 已由保洁处理，不属网格事件`)).toContain(e2);

    // E3: escalated to the community, then to the town: open, 上报镇/县.
    const e3 = grab(EVENT, await say('grid-01001001', 'wgy-yg1', '上报 安全隐患 幸福路井盖缺失'));
    await say('dm-wz-yg1', 'wz-yg1', `上报上级 ${e3} 需市政维修`);
    await say('dm-sj-yg', 'sj-yg', `上报上级 ${e3} 需镇里协调市政`);

    // E4: settled on the spot; E5: reported and left open.
    expect(await say('grid-01001002', 'wgy-yg2', '已处置 安全隐患 3号楼楼道堆物已劝导清理')).toMatch(EVENT);
    expect(await say('grid-01001002', 'wgy-yg2', '上报 矛盾纠纷 邻里噪音纠纷')).toMatch(EVENT);

    // Tasks: one done on time, one left to go overdue (both due in November).
    at('2026-11-16T09:00:00');
    const t2 = grab(TASK, await say('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 2个工作日 入户走访 核对独居老人名单'));
    grab(TASK, await say('dm-wz-yg2', 'wz-yg2', '派单 陈网格员 1个工作日 清理楼道 清理三号楼堆物'));
    await say('dm-wgy-yg1', 'wgy-yg1', `签收 ${t2}`);
    await say('dm-wgy-yg1', 'wgy-yg1', `办结 ${t2} 20户全部走访完毕`);

    // Attendance: a patrol, an info report on its day, approved leave.
    await say('dm-wgy-yg1', 'wgy-yg1', '巡查 走访幸福路沿线商户');
    at('2026-11-17T10:00:00');
    expect(await say('dm-wgy-yg1', 'wgy-yg1', '报送 无变化')).toContain('2026-11-17');
    expect(await say('dm-wgy-yg2', 'wgy-yg2', '请假 11月19日至11月20日 家中有事')).toContain('L');
    const leave = grab(/L\d+/, (await app.chat.messages('dm-wz-yg2')).map((m) => m.text).join('\n'));
    await say('dm-wz-yg2', 'wz-yg2', `准假 ${leave}`);

    // 代办 in 阳光一网格: one 办结 within its time limit, one left past it, one 退回.
    expect(await say('dm-wgy-yg1', 'wgy-yg1', '建户 幸福路12号')).toContain('已建档');
    const DAIBAN = /DB\d{8}-\d{4}/;
    const d1 = grab(DAIBAN, await say('dm-wgy-yg1', 'wgy-yg1', '代办 幸福路12号 医保'));
    const d2 = grab(DAIBAN, await say('dm-wgy-yg1', 'wgy-yg1', '代办 幸福路12号 医保 第二位家庭成员'));
    const d3 = grab(DAIBAN, await say('dm-wgy-yg1', 'wgy-yg1', '代办 幸福路12号 流动人口'));
    for (const d of [d1, d2]) expect(await say('dm-wgy-yg1', 'wgy-yg1', `代办受理 ${d}`)).toContain('11月24日 10:00');
    expect(await say('dm-wgy-yg1', 'wgy-yg1', `代办勾选 ${d1} 全部`)).toContain('材料齐全');
    expect(await say('dm-wgy-yg1', 'wgy-yg1', `代办递交 ${d1} 县医疗保障局`)).toContain('已于11月17日递交县医疗保障局');
    at('2026-11-18T15:00:00');
    expect(await say('dm-wgy-yg1', 'wgy-yg1', `代办办结 ${d1}`)).toContain('已办结');
    expect(await say('dm-wgy-yg1', 'wgy-yg1', `代办退回 ${d3} 住户已自行办理`)).toContain('已退回');

    // E6: a resident reports in the residents' group; dispatched, done on time, closed, rated 满意 by the resident.
    at('2026-11-18T16:00:00');
    expect(await say('residents-01001001', 'wz-yg1', '绑定居民群 01001001')).toContain('居民群');
    const e6 = grab(EVENT, await say('residents-01001001', 'resident-1', '5号楼门口路灯不亮'));
    await say('dm-wz-yg1', 'wz-yg1', `受理 ${e6}`);
    const t6 = grab(TASK, await say('dm-wz-yg1', 'wz-yg1', `派遣 ${e6} 冯网格员 11月19日 请维修`));
    await say('dm-wgy-yg1', 'wgy-yg1', `签收 ${t6}`);
    await say('dm-wgy-yg1', 'wgy-yg1', `办结 ${t6} 已更换灯泡`);
    expect(await say('dm-wz-yg1', 'wz-yg1', `核查 ${e6} 通过`)).toContain('结案');
    expect(await say('residents-01001001', 'resident-1', `满意 ${e6}`)).toContain('感谢您的评价');
    // A 回访 on E1 (a member's report): the resident it concerned is not satisfied.
    expect(await say('dm-wz-yg1', 'wz-yg1', `回访 ${e1} 电话 不满意 居民说垃圾又堆起来了`)).toContain('已记录');
  }, 60_000);

  afterAll(async () => {
    await app.stop();
  });

  async function ledger(kind: string): Promise<unknown[][]> {
    const reply = await say('dm-sj-yg', 'sj-yg', `导出 ${kind} 2026-11 01001`);
    const url = grab(/http\S+\/files\/\S+/, reply);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(url)).arrayBuffer());
    const ws = wb.worksheets[0];
    const rows: unknown[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
    return rows;
  }

  const num = (re: RegExp, text: string): number[] => {
    const m = re.exec(text);
    if (!m) throw new Error(`no ${re} in:\n${text}`);
    return m.slice(1).map(Number);
  };

  it('agenda, 统计, 考核 and the ledgers agree on November', async () => {
    // Tuesday 1 December, before the monthly meeting: the agenda reviews November.
    at('2026-12-01T08:00:00');
    const agenda = await say('town-01', 'zhen', '月例会 议程');
    const line = agenda.split('\n').find((l) => l.includes('阳光社区：上报'))!;
    const [reported, solved, open, returned, escalated] = num(/上报 (\d+)（.*），解决 (\d+)，在办 (\d+)，退回 (\d+)，上报镇\/县 (\d+)/, line);
    const [tasksOnTime, tasksDue] = num(/任务按期 [\d.]+%（(\d+)\/(\d+)）/, line);
    const [infoDone, infoOf] = num(/信息报送 [\d.]+%（(\d+)\/(\d+)）/, line);
    const [patrolDone, patrolOf] = num(/巡查覆盖 [\d.]+%（(\d+)\/(\d+)）/, line);
    const [daibanOnTime, daibanDue] = num(/代办按时办结 [\d.]+%（(\d+)\/(\d+)）/, line);
    // 代办: one 办结 within its limit, one past it still open, one 退回 (never due).
    expect({ daibanOnTime, daibanDue }).toEqual({ daibanOnTime: 1, daibanDue: 2 });
    // What happened, as counted by hand: reported = solved + open + returned.
    expect({ reported, solved, open, returned, escalated }).toEqual({ reported: 6, solved: 3, open: 2, returned: 1, escalated: 1 });
    // Four tasks due: E1's (on time by its 办结, though checked late), the 走访 (on time), the 楼道 (overdue), E6's (on time).
    expect({ tasksOnTime, tasksDue }).toEqual({ tasksOnTime: 3, tasksDue: 4 });

    const stats = await say('dm-sj-yg', 'sj-yg', '统计 2026-11 01001');
    expect(num(/事件：共 (\d+) 件，已结 (\d+) 件/, stats)).toEqual([reported, solved]);
    expect(num(/任务：到期 (\d+) 项，按期 (\d+) 项/, stats)).toEqual([tasksDue, tasksOnTime]);
    expect(num(/信息按时报送率：(\d+)\/(\d+)/, stats)).toEqual([infoDone, infoOf]);
    expect(num(/巡查率：(\d+)\/(\d+)/, stats)).toEqual([patrolDone, patrolOf]);
    expect(num(/代办：登记 (\d+) 件，办结 (\d+) 件，退回 (\d+) 件；到期 (\d+) 件，按时办结 (\d+) 件/, stats)).toEqual([3, 1, 1, daibanDue, daibanOnTime]);
    const byLevel = /按层级：(.*)/.exec(stats)![1];
    expect([...byLevel.matchAll(/(?:镇\(街道\)|镇（街道）|县)\S* (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0)).toBe(escalated);

    // 考核: the two grids' cards add up to the community's figures.
    // 代办按时办结率 counts once the county gives it points (weight 0 by default).
    await app.runtime.uow.runOnce('one-month-daiban-weight', (tx) => tx.repos.settings.put(RULES_SETTING, { weights: { daibanOnTime: 10 } }, tx.now));
    const cards = [await say('dm-sj-yg', 'sj-yg', '考核 2026-11 01001001'), await say('dm-sj-yg', 'sj-yg', '考核 2026-11 01001002')];
    const sum = (re: RegExp) => cards.map((c) => num(re, c)).reduce((a, b) => a.map((x, i) => x + b[i]));
    expect(sum(/按期办结 (\d+) \/ 到期 (\d+)/)).toEqual([tasksOnTime, tasksDue]);
    expect(sum(/按时报送 (\d+) \/ 应报送 (\d+)/)).toEqual([infoDone, infoOf]);
    expect(sum(/巡查 (\d+) 天 \/ 应巡查 (\d+) 天/)).toEqual([patrolDone, patrolOf]);
    expect(sum(/代办按时办结 (\d+) 件 \/ 到期 (\d+) 件/)).toEqual([daibanOnTime, daibanDue]);
    // 上报效率 counts the grids' reports (the on-the-spot one included) and those sent back.
    const [kept, all] = sum(/上报未退回 (\d+) \/ 上报 (\d+)/);
    expect([all, all - kept]).toEqual([reported, returned]);
    // 群众满意率: the resident's 满意 on E6 and the 回访 不满意 on E1; the gridworker's 满意 on E1 is the members' 评价.
    const [satisfied, rated] = sum(/满意和基本满意 (\d+) \/ 居民评价及回访 (\d+)/);
    expect([satisfied, rated]).toEqual([1, 2]);
    const [membersSatisfied, membersRated] = sum(/成员评价（不计入群众满意率）：满意和基本满意 (\d+) \/ 评价 (\d+)/);
    expect([membersSatisfied, membersRated]).toEqual([1, 1]);
    expect(num(/群众满意率（居民评价及回访）：(\d+)\/(\d+)/, stats)).toEqual([satisfied, rated]);
    expect(num(/成员评价：(\d+)\/(\d+)/, stats)).toEqual([membersSatisfied, membersRated]);

    // The ledgers: one row per event reported; per task, whether due in November and on time.
    const [eventHeader, ...events] = await ledger('事件台账');
    const standing = eventHeader.indexOf('统计口径');
    expect(events).toHaveLength(reported);
    expect(events.filter((r) => r[standing] === '已解决')).toHaveLength(solved);
    expect(events.filter((r) => r[standing] === '退回')).toHaveLength(returned);
    expect(events.filter((r) => r[standing] === '在办')).toHaveLength(open);
    // The ledger's 评价 column holds each event's own rating, whoever gave it: the member's on E1, the resident's on E6.
    const rating = eventHeader.indexOf('评价');
    const reporter = eventHeader.indexOf('上报人');
    const residents = events.filter((r) => r[reporter] === '居民');
    expect(residents).toHaveLength(1);
    expect(events.filter((r) => r[rating] && r[reporter] !== '居民')).toHaveLength(membersRated);
    expect(residents.filter((r) => ['满意', '基本满意'].includes(String(r[rating])))).toHaveLength(1);

    const [taskHeader, ...tasks] = await ledger('任务台账');
    const due = tasks.filter((r) => r[taskHeader.indexOf('本期到期')] === '是');
    expect(due).toHaveLength(tasksDue);
    expect(due.filter((r) => r[taskHeader.indexOf('是否按期')] === '是')).toHaveLength(tasksOnTime);

    const daibanLedger = grab(/http\S+\/files\/\S+/, await say('dm-sj-yg', 'sj-yg', '代办台账 01001 2026-11'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await (await fetch(daibanLedger)).arrayBuffer());
    const summary = Object.fromEntries([2, 3, 4, 5, 6, 7].map((r) => (book.getWorksheet('汇总')!.getRow(r).values as unknown[]).slice(1)));
    expect(summary).toMatchObject({ 登记代办: 3, 办结: 1, 退回: 1, 到期: daibanDue, 按时办结: daibanOnTime });
    expect(book.getWorksheet('代办台账')!.rowCount).toBe(4);

    const [, ...reports] = await ledger('报送台账');
    expect(reports.filter((r) => r.includes('是'))).toHaveLength(infoDone);
  });

  it('the weekly agenda lists the event sent back as sent back, not as solved', async () => {
    at('2026-11-16T07:00:00'); // the agenda of the week after E2 was sent back
    const agenda = await say('community-01001', 'sj-yg', '周例会 议程');
    expect(agenda).toMatch(/↩ SJ\d{8}-\d{4} 环境卫生：和美路5号有人乱扔纸屑（已退回上报人，未解决）/);
    expect(agenda).not.toMatch(/✔ SJ\d{8}-\d{4} 环境卫生：和美路5号/);
    expect(agenda).toMatch(/01001002 阳光二网格：上报 3，解决 1，在办 1，退回 1/);
  });
});
