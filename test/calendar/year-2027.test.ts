/**
 * The next year, by chat: on 1 December 2026 the admins are reminded that 2027's arrangement is
 * missing, the statutory days hold meanwhile (元旦, 春节 computed from the lunar calendar), an
 * admin enters the State Council notice as written, and a county adds a day off after the Spring
 * Festival. Deadlines, reminder rungs, the info report day, the monthly agenda and the month's
 * figures all follow at once, under a clock moved into 2027.
 */
import { Like } from 'typeorm';
import { seedDemo } from '../../src/adapters/db/demo';
import { timerContext } from '../../src/bot/timers';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { ARRANGEMENT_CHECK_TIMER } from '../../src/bot/calendar';
import { AGENDA_TIMER } from '../../src/bot/meetings/agenda-timer';
import { startTestApp, type TestApp } from '../support/app';
import { movedClock } from '../support/moved-clock';

const NOTICE_2027 = [
  '一、元旦：1月1日（周五）至3日（周日）放假，共3天。',
  '二、春节：2月5日（农历腊月二十九、周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。',
  '三、清明节：4月3日（周六）至5日（周一）放假，共3天。',
  '四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。',
  '五、端午节：6月9日（周三）放假，共1天。',
  '六、中秋节：9月15日（周三）放假，共1天。',
  '七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。',
].join('\n');

const { clock, moveTo } = movedClock();

describe('2027 by chat', () => {
  let app: TestApp;
  beforeAll(async () => {
    moveTo('2026-12-01T09:00:00');
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Runs a timer's handler in its own transaction, as the timer worker would at the clock's time. */
  async function fire(timer: string, id: string, data: Record<string, unknown> = {}) {
    const handler = app.runtime.bot.timers.get(timer)!;
    const ran = await app.runtime.uow.runOnce(`timer|${timer}|${id}`, (tx) => handler.run(timerContext(tx, id), data));
    expect(ran.ran).toBe(true);
    await app.chat.outboxDrained();
  }

  const reminders = async () => (await app.chat.messages('dm-admin')).filter((m) => m.from === 'bot' && m.text.includes('2027年的国务院放假安排尚未录入'));

  it('reminds the admins from 1 December, once a week, while 2027 is missing', async () => {
    await fire(ARRANGEMENT_CHECK_TIMER, 'dec-01');
    expect(await reminders()).toHaveLength(1);
    moveTo('2026-12-02T09:00:00');
    await fire(ARRANGEMENT_CHECK_TIMER, 'dec-02');
    expect(await reminders()).toHaveLength(1);
    moveTo('2026-12-08T09:00:00');
    await fire(ARRANGEMENT_CHECK_TIMER, 'dec-08');
    expect(await reminders()).toHaveLength(2);
  });

  it('knows the statutory days of 2027 before anyone enters them', async () => {
    const listing = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '放假安排 2027');
    expect(listing).toContain('尚未录入国务院通知');
    expect(listing).toContain('元旦：1月1日（周五）放假，共1天');
    // 除夕 and 正月初一至初三, from the lunar calendar.
    expect(listing).toContain('春节：2月5日（周五）至2月8日（周一）放假，共4天');
    expect(listing).toContain('中秋节：9月15日（周三）放假，共1天');
    moveTo('2026-12-31T10:00:00');
    const reply = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 1个工作日 元旦前清点消防器材');
    expect(reply).toContain('2027年1月4日 10:00（周一）');
  });

  it('refuses a notice with a wrong weekday and changes nothing', async () => {
    const wrong = await app.chat.ask('dm-admin', 'admin', '录入放假安排 2027\n元旦：1月1日（周四）至3日（周日）放假，共3天。');
    expect(wrong).toContain('「1月1日（周四）」的星期不对：那天是周五');
    expect(wrong).toContain('未作任何修改');
    expect(await app.chat.ask('dm-admin', 'admin', '录入放假安排 2027\n春节：2月5日至12日放假调休，共7天。')).toContain('春节写的是共7天，但日期范围是8天');
    expect(await app.chat.ask('dm-admin', 'admin', '放假安排 2027')).toContain('尚未录入国务院通知');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `录入放假安排 2027\n${NOTICE_2027}`)).toBe('您没有权限执行「录入放假安排」。');
  });

  it('takes the notice as written and lists it back; a second, long-running process sees it at once', async () => {
    // Another process on the same database, already running with 2027 computed from the statutory days.
    const two = await startTestApp({ database: app.database, queuePrefix: app.queuePrefix, clock, env: { GRIDBOT_ROLES: 'receiver' } });
    const sourceInTwo = () => two.runtime.uow.read(async (_repos, calendar) => [calendar.arrangementOf(2027).source, calendar.isWorkingDay('2027-02-09')]);
    try {
      expect(await sourceInTwo()).toEqual(['statutory', true]);
      const entered = await app.chat.ask('dm-admin', 'admin', `录入放假安排 2027\n${NOTICE_2027}`);
      expect(entered).toContain('已录入2027年放假安排');
      expect(await sourceInTwo()).toEqual(['entered', false]);
    } finally {
      await two.stop();
    }
    const entered = await app.chat.ask('dm-admin', 'admin', `录入放假安排 2027\n${NOTICE_2027}`);
    expect(entered).toContain('已录入2027年放假安排，共7个节日');
    expect(entered).toContain('春节：2月5日（周五）至2月12日（周五）放假，共8天；2月20日（周六）上班');
    const listing = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '放假安排 2027');
    expect(listing).toContain('管理员于2026-12-31录入');
    expect(listing).toContain('劳动节：5月1日（周六）至5月5日（周三）放假，共5天；4月25日（周日）、5月8日（周六）上班');
    moveTo('2027-01-05T09:00:00');
    await fire(ARRANGEMENT_CHECK_TIMER, 'jan-05');
    expect(await reminders()).toHaveLength(2);
  });

  it('adds the county’s own day off after the Spring Festival', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '增加休息日 2027-02-15 县里统一补休')).toContain('已将2027-02-15（周一）设为本县休息日（县里统一补休）');
    expect(await app.chat.ask('dm-admin', 'admin', '增加休息日 2027-02-30')).toContain('看不懂日期「2027-02-30」');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '放假安排 2027')).toContain('本县增加的休息日：2月15日（周一）');
  });

  it('counts deadlines and places reminder rungs past the festival and the county day', async () => {
    moveTo('2027-02-04T10:00:00');
    const reply = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 3个工作日 节后入户走访');
    // 5–12 Feb off, 13/14 weekend, 15 the county's day: 16, 17, 18.
    expect(reply).toContain('2月18日 10:00（周四）');
    const number = /T2027\d{4}-\d{4}/.exec(reply)![0];
    const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'job', payload: Like(`%${number}%`) } });
    const rungDays = rows.map((r) => (JSON.parse(r.payload) as { runAt: string }).runAt).map((at) => new Date(at).toLocaleDateString('sv-SE', { timeZone: app.runtime.config.TIMEZONE }));
    expect(rungDays.length).toBeGreaterThan(0);
    for (const day of rungDays) expect(['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-15']).not.toContain(day);
  });

  it('moves the Friday info report of New Year’s Day to the next working day', async () => {
    moveTo('2027-01-01T09:00:00');
    await fire('inforeport-fire', 'jan-01-prompt', { step: 'prompt' });
    const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { sourceKey: 'timer|inforeport-fire|jan-01-prompt', kind: 'job' } });
    expect(rows.map((r) => JSON.parse(r.payload) as { runAt: string; data: { period: string } }).map((p) => [p.data.period, p.runAt])).toEqual([['2027-01-04', new Date('2027-01-04T09:00:00+08:00').toISOString()]]);
  });

  it('moves the Spring Festival Tuesday report past the festival and the county day', async () => {
    moveTo('2027-02-09T09:00:00');
    await fire('inforeport-fire', 'feb-09-prompt', { step: 'prompt' });
    const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { sourceKey: 'timer|inforeport-fire|feb-09-prompt', kind: 'job' } });
    // 9–12 Feb off, the weekend, 15 Feb the county's day: Tuesday 16 Feb at the same time.
    expect(rows.map((r) => JSON.parse(r.payload) as { runAt: string; data: { period: string } }).map((p) => [p.data.period, p.runAt])).toEqual([['2027-02-16', new Date('2027-02-16T09:00:00+08:00').toISOString()]]);
  });

  it('holds January’s town meeting on the first working day, not on 1 January', async () => {
    moveTo('2027-01-01T08:00:00');
    const agenda = await app.chat.ask('dm-zhen', 'zhen', '月例会 议程');
    expect(agenda).toContain('1月4日');
  });

  it('counts February’s working days for the patrol figures from the entered arrangement and the county day', async () => {
    moveTo('2027-03-01T08:00:00');
    const stats = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '统计 2027-02 01001001');
    // 20 weekdays − 6 festival weekdays + 1 make-up Saturday − 1 county day = 14 (the statutory
    // fallback alone would give 18), for the grid's one gridworker.
    expect(stats).toContain('巡查率：0/14，0%');
  });

  it('holds no weekly meeting in the Spring Festival week, and moves the next one past the county day', async () => {
    const agendas = async () => (await app.chat.messages('community-01001')).filter((m) => m.from === 'bot' && m.text.includes('周例会议程'));
    const weekly = { kind: 'weekly', onlyOnAgendaDay: true };
    moveTo('2027-02-08T07:30:00'); // Monday of the festival week: 8–12 Feb off, then the weekend
    await fire(AGENDA_TIMER, 'weekly-2027-02-08', weekly);
    moveTo('2027-02-15T07:30:00'); // Monday 15: the county's day off
    await fire(AGENDA_TIMER, 'weekly-2027-02-15', weekly);
    expect(await agendas()).toHaveLength(0);
    moveTo('2027-02-16T07:30:00');
    await fire(AGENDA_TIMER, 'weekly-2027-02-16', weekly);
    const posted = await agendas();
    expect(posted).toHaveLength(1);
    expect(posted[0].card?.title).toBe('周例会议程 · 阳光社区 · 2月16日 08:30');
  });

  it('follows county days off at a month start: the town meeting and the Tuesday report move', async () => {
    moveTo('2027-02-26T10:00:00');
    await app.chat.ask('dm-admin', 'admin', '增加休息日 2027-03-01');
    await app.chat.ask('dm-admin', 'admin', '增加休息日 2027年3月2日 县庆');
    moveTo('2027-03-01T08:00:00');
    expect(await app.chat.ask('dm-zhen', 'zhen', '月例会 议程')).toContain('月例会议程 · 幸福街道 · 3月3日 09:00');
    moveTo('2027-03-02T09:00:00');
    await fire('inforeport-fire', 'mar-02-prompt', { step: 'prompt' });
    const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { sourceKey: 'timer|inforeport-fire|mar-02-prompt', kind: 'job' } });
    expect(rows.map((r) => (JSON.parse(r.payload) as { data: { period: string } }).data.period)).toEqual(['2027-03-03']);
    expect(await app.chat.ask('dm-admin', 'admin', '取消休息日 2027-03-02')).toContain('已取消本县休息日2027-03-02');
    expect(await app.chat.ask('dm-admin', 'admin', '取消休息日 2027-03-02')).toContain('不是本县增加的休息日');
  });
});
