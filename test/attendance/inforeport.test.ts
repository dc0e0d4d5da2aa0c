/**
 * The twice-weekly info report on MariaDB + Redis, with schedules an admin sets to fire every
 * second: each grid's gridworkers get one prompt per period however often the scheduler fires,
 * answers and corrections are stored, the reminder reaches only who has not reported and is not on
 * leave, the summary reaches the grid head and the community once; 特殊信息 arrives flagged at once.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { Like } from 'typeorm';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { startTestApp, eventually, type TestApp } from '../support/app';
import { GRID_GROUPS, awaitFirings, backToDefault, botMessages, clockAt, everySecond, firingsOf, timersIdle } from './support';

describe('info report on a working Tuesday', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock: clockAt('2026-11-24T10:00:00') });
    await seedDemo(app.runtime.uow);
    await app.chat.enrol('wgy-yg1b', '蒋网格员', '网格员', '01001001');
  });
  afterAll(async () => {
    await app.stop();
  });

  it('lists every schedule for an admin and refuses it to a gridworker', async () => {
    const list = await app.chat.ask('dm-admin', 'admin', '日程');
    for (const line of ['信息报送：每周二、五 09:00', '报送提醒：每周二、五 15:00', '报送汇总：每周二、五 17:30', '巡查提醒：每天 16:00', '巡查日报：每天 18:00']) expect(list).toContain(line);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '日程')).toBe('您没有权限执行「日程」。');
    expect(await app.chat.ask('dm-admin', 'admin', '修改日程 信息报送 明早')).toContain('看不懂时间「明早」');
  });

  it('prompts each grid once per period although the scheduler fires every second', async () => {
    await everySecond(app, '信息报送');
    const before = await firingsOf(app, 'inforeport-fire');
    await awaitFirings(app, 'inforeport-fire', before + 3);
    await backToDefault(app, '信息报送');
    await timersIdle(app);
    for (const group of GRID_GROUPS) expect({ group, prompts: (await botMessages(app, group, '【信息报送】2026-11-24')).length }).toEqual({ group, prompts: 1 });
    const [prompt] = await botMessages(app, 'grid-01001001', '【信息报送】');
    expect(prompt.text).toContain('冯网格员、蒋网格员');
    expect(prompt.card?.lines).toEqual(expect.arrayContaining(['1. 住户变动', '5. 住(商)户搬迁', '9. 其他']));
    expect(prompt.card?.buttons?.map((b) => b.command)).toEqual(['报送 无变化', '报送']);
    expect(prompt.mentions).toEqual(expect.arrayContaining(['wgy-yg1', 'wgy-yg1b']));
    expect(await botMessages(app, 'community-01001', '【信息报送】')).toHaveLength(0);
    expect(await app.chat.ask('dm-admin', 'admin', '日程')).toContain('信息报送：每周二、五 09:00——');
  });

  it('takes 无变化 from the button, one line per change, a guided dialog, and a same-day correction', async () => {
    const [prompt] = await botMessages(app, 'grid-01001001', '【信息报送】');
    const pressed = await app.chat.press('grid-01001001', 'wgy-yg1', prompt, '报送 无变化');
    expect(pressed[0].text).toContain('已报送（阳光一网格，2026-11-24）：无变化');

    const lines = await app.chat.ask('grid-01002001', 'wgy-hp1', '报送 住户变动：3号楼新迁入一户，电话13812345678\n安全隐患 楼道堆放杂物');
    expect(lines).toContain('已报送（和平一网格，2026-11-24）：住户变动：3号楼新迁入一户，电话138****5678；安全隐患：楼道堆放杂物');
    expect(await app.chat.ask('grid-01002001', 'wgy-hp1', '报送 天气 晴')).toContain('看不懂「天气 晴」');

    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '报送')).toContain('请回复有变化的类别编号');
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '6,8')).toContain('请写「市容环境」的变化情况');
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '垃圾桶破损')).toContain('请写「矛盾纠纷」的变化情况');
    const corrected = await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '邻里噪音纠纷已调解');
    expect(corrected).toContain('已更正本期报送（和平一网格，2026-11-24）：市容环境：垃圾桶破损；矛盾纠纷：邻里噪音纠纷已调解');
  });

  it('sends 特殊信息 flagged to the grid head and the community at once', async () => {
    const reply = await app.chat.ask('grid-01002002', 'wgy-hp2', '特殊信息 5号楼独居老人两天未出门，家属电话13900001111');
    expect(reply).toContain('特殊信息已立即报送网格长和和平社区');
    const [head] = await botMessages(app, 'dm-wz-hp2', '⚠【特殊信息】');
    expect(head.text).toContain('家属电话13900001111');
    const [community] = await botMessages(app, 'community-01002', '⚠【特殊信息】');
    expect(community.text).toContain('和平二网格 卫网格员');
    expect(community.text).toContain('139****1111');
    expect(await botMessages(app, 'community-01001', '⚠【特殊信息】')).toHaveLength(0);
  });

  it('reminds only who has not reported and is not on approved leave, once', async () => {
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', '请假 今天 带孩子看病')).toContain('等待网格长审批');
    const [card] = await botMessages(app, 'dm-wz-yg2', '【请假审批】');
    const approved = await app.chat.press('dm-wz-yg2', 'wz-yg2', card, card.card!.buttons![0].command);
    expect(approved[0].text).toContain('陈网格员 2026-11-24 请假，期间由吴网格长顶岗（AB岗）');

    await everySecond(app, '报送提醒');
    const before = await firingsOf(app, 'inforeport-fire');
    await awaitFirings(app, 'inforeport-fire', before + 3);
    await backToDefault(app, '报送提醒');
    await timersIdle(app);
    const yg1 = await botMessages(app, 'grid-01001001', '【报送提醒】');
    expect(yg1).toHaveLength(1);
    expect(yg1[0].text).toContain('蒋网格员');
    expect(yg1[0].text).not.toContain('冯网格员');
    expect(yg1[0].mentions).toEqual(['wgy-yg1b']);
    expect(await botMessages(app, 'grid-01001002', '【报送提醒】')).toHaveLength(0); // on leave
    expect(await botMessages(app, 'grid-01002001', '【报送提醒】')).toHaveLength(0); // reported
    expect(await botMessages(app, 'grid-01002002', '【报送提醒】')).toHaveLength(1);
  });

  it('runs the summary now (立即执行): each grid head their grid, each community one digest of its grids', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '立即执行 报送汇总')).toContain('已立即执行「报送汇总」');
    expect(await app.chat.ask('dm-admin', 'admin', '立即执行 报送汇总')).toContain('已立即执行');
    await eventually(async () => (await botMessages(app, 'dm-wz-hp2', '【报送汇总】')).length > 0, 'the last grid head summary');
    await timersIdle(app);
    const [yg1] = await botMessages(app, 'dm-wz-yg1', '【报送汇总】阳光一网格 2026-11-24');
    expect(yg1.text).toContain('已报送：1/2');
    expect(yg1.text).toContain('✓ 冯网格员：无变化');
    expect(yg1.text).toContain('✗ 未报送：蒋网格员');
    const [yg2] = await botMessages(app, 'dm-wz-yg2', '【报送汇总】');
    expect(yg2.text).toContain('请假：陈网格员');
    // Approved leave is neither required nor counted, as in 考核: 陈网格员 is the grid's only gridworker.
    expect(yg2.text).toContain('已报送：0/0');
    const [hp1] = await botMessages(app, 'dm-wz-hp1', '【报送汇总】');
    expect(hp1.text).toContain('有变化：1');
    expect(hp1.text).toContain('✓ 褚网格员：市容环境：垃圾桶破损；矛盾纠纷：邻里噪音纠纷已调解');
    for (const head of ['dm-wz-yg1', 'dm-wz-yg2', 'dm-wz-hp1', 'dm-wz-hp2']) expect({ head, n: (await botMessages(app, head, '【报送汇总】')).length }).toEqual({ head, n: 1 });
    const [yangguang, ...more] = await botMessages(app, 'community-01001', '【报送汇总】');
    expect(more).toHaveLength(0);
    expect(yangguang.text.split('\n')[0]).toBe('【报送汇总】阳光社区 2026-11-24（各网格）');
    expect(yangguang.text).toContain('已报送：1/2');
    expect(yangguang.text).toContain('阳光一网格：已报送 1/2');
    expect(yangguang.text).toContain('阳光二网格：已报送 0/0');
    expect(yangguang.text).toContain('请假：陈网格员');
    expect(await botMessages(app, 'community-01002', '【报送汇总】')).toHaveLength(1);
    expect(await botMessages(app, 'grid-01001001', '【报送汇总】')).toHaveLength(0);
  });

  it('changes a schedule to a time and keeps it in 日程', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '修改日程 报送提醒 周二,周五 15:30')).toContain('已修改日程「报送提醒」：每周二、五 15:30');
    expect(await app.chat.ask('dm-admin', 'admin', '日程')).toContain('报送提醒：每周二、五 15:30（默认 每周二、五 15:00）');
    const scheduler = await eventually(async () => {
      const s = await app.runtime.queues.get('schedules').getJobScheduler('inforeport-reminder');
      return s?.pattern === '0 30 15 * * 2,5' ? s : null;
    }, 'the job scheduler to be re-upserted');
    expect(scheduler.tz).toBe(app.runtime.config.TIMEZONE);
    expect(await app.runtime.queues.get(TIMERS_QUEUE).getJobSchedulersCount()).toBe(0);
  });
});

describe('info report on National Day', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock: clockAt('2026-10-02T09:00:00') });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('moves the Friday 10-02 prompt to 09:00 on the next working day, 10-08, one prompt per grid for that period', async () => {
    await app.chat.ask('dm-admin', 'admin', '立即执行 信息报送');
    // The moved fan-out is due at 09:00 Beijing time on 10-08 (this test's clock is in the past, so it runs at once).
    const moved = await eventually(async () => {
      const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'job', payload: Like('%inforeport-prompt-2026-10-08"%') } });
      return rows.length ? rows : null;
    }, 'the moved fan-out');
    expect(moved).toHaveLength(1);
    const payload = JSON.parse(moved[0].payload) as { name: string; runAt: string; data: unknown };
    expect(payload).toMatchObject({ name: 'inforeport-fanout', runAt: '2026-10-08T01:00:00.000Z', data: { step: 'prompt', period: '2026-10-08' } });
    await eventually(async () => (await botMessages(app, 'grid-01002002', '【信息报送】')).length > 0, 'the moved prompt');
    await timersIdle(app);
    for (const group of GRID_GROUPS) expect((await botMessages(app, group, '【信息报送】')).map((m) => m.text.split('\n')[0])).toEqual(['【信息报送】2026-10-08']);
  });

  it('skips the holiday report when the deployment says so', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '报送节假日 跳过')).toContain('信息报送遇法定节假日跳过');
    const before = await firingsOf(app, 'inforeport-fire');
    await app.chat.ask('dm-admin', 'admin', '立即执行 报送提醒');
    await awaitFirings(app, 'inforeport-fire', before + 1);
    await timersIdle(app);
    expect(await app.runtime.queues.get(TIMERS_QUEUE).getJob('inforeport-reminder-2026-10-08')).toBeUndefined();
    for (const group of GRID_GROUPS) expect(await botMessages(app, group, '【报送提醒】')).toHaveLength(0);
  });
});
