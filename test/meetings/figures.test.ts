/**
 * The agendas' 信息报送 and 巡查 figures, from what the gridworkers filed through the chat.
 * Monthly, October 2026 (National Day 1–7 October, Saturday 10 a make-up working day): the
 * holiday report days shift to Thursday 8, so 8 report days and 18 working days are due per
 * gridworker. Weekly, 16–22 November 2026 (report days Tuesday 17 and Friday 20, working days
 * Monday to Friday): a report on a report day counts, one filed a day late does not; a day with
 * two patrols counts once, a weekend patrol not at all; an approved leave day is not expected.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';

describe('agenda figures from info reports and patrols', () => {
  let app: TestApp;
  // Local 09:00 of a day; the clock only moves forward and stays before the real date.
  const clock = { at: new Date('2026-10-04T01:00:00Z'), now: () => clock.at };
  const on = (day: string) => {
    clock.at = new Date(`${day}T01:00:00Z`);
  };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  const yg1 = (text: string) => app.chat.ask('grid-01001001', 'wgy-yg1', text);
  const yg2 = (text: string) => app.chat.ask('grid-01001002', 'wgy-yg2', text);

  it('monthly: the community rates count the shifted report day and the make-up working day', async () => {
    on('2026-10-04'); // Sunday of the National Day holiday: not a working day
    await yg1('巡查 节日期间巡查幸福路');
    on('2026-10-08'); // Thursday: the first working day after the holiday takes its report days
    expect(await yg1('报送 无变化')).toContain('2026-10-08');
    on('2026-10-09'); // Friday: a report day
    await yg1('报送 无变化');
    on('2026-10-10'); // Saturday, a make-up working day (调休上班)
    await yg1('巡查 调休日巡查幸福路');

    // Monday 2 November 08:00, an hour before the monthly meeting on the month's first working day.
    clock.at = new Date('2026-11-02T00:00:00Z');
    const [agenda] = await app.chat.say('town-01', 'zhen', '月例会 议程');
    expect(agenda.card?.title).toBe('月例会议程 · 幸福街道 · 11月2日 09:00');
    expect(agenda.card?.fields).toEqual(
      expect.arrayContaining([
        // Four gridworkers × 8 report days; 4 × 18 working days.
        { label: '信息报送率', value: '6.3%（2/32）' },
        { label: '巡查覆盖率', value: '1.4%（1/72）' },
      ]),
    );
    expect(agenda.text).toMatch(/阳光社区：上报 0.*；信息报送 12\.5%（2\/16）；巡查覆盖 2\.8%（1\/36）/);
    expect(agenda.text).toMatch(/和平社区：上报 0.*；信息报送 0%（0\/16）；巡查覆盖 0%（0\/36）/);
  });

  it('weekly: counts reports on report days and patrol days per gridworker, leave excused', async () => {
    on('2026-11-16');
    expect(await yg1('巡查 幸福路沿街巡查，无异常')).toContain('阳光一网格');
    await yg2('巡查 5号楼至8号楼巡查，无异常');
    const asked = await yg2('请假 11月20日 家中有事');
    const leave = /L\d+/.exec(asked)?.[0];
    expect(leave).toBeDefined();
    expect(await app.chat.ask('grid-01001002', 'wz-yg2', `准假 ${leave}`)).toContain(`已批准 ${leave}`);

    on('2026-11-17'); // Tuesday: a report day
    expect(await yg1('报送 无变化')).toContain('2026-11-17');
    await yg2('报送 无变化');
    await yg1('巡查 上午巡查幸福路');
    await yg1('巡查 下午复查幸福路');
    await yg2('巡查 巡查小区消防通道');

    on('2026-11-18');
    await yg1('巡查 巡查农贸市场周边');
    await yg2('巡查 巡查5号楼');
    await yg1('上报 环境卫生 幸福路12号垃圾堆放三天');

    on('2026-11-19');
    await yg2('巡查 巡查8号楼');

    // Friday 20: a report day; 冯网格员 neither reports nor patrols, 陈网格员 is on leave.
    on('2026-11-21'); // Saturday: a late report and a weekend patrol count for nothing
    await yg1('报送 无变化');
    await yg1('巡查 周末巡查幸福路');

    // Monday 23 November 07:30, an hour before the weekly meeting.
    clock.at = new Date('2026-11-22T23:30:00Z');
    const [agenda] = await app.chat.say('community-01001', 'sj-yg', '周例会 议程');
    expect(agenda.card?.title).toBe('周例会议程 · 阳光社区 · 11月23日 08:30');
    expect(agenda.card?.fields).toEqual(
      expect.arrayContaining([
        // 冯网格员 1 of 2 report days, 陈网格员 1 of 1 (Friday on leave).
        { label: '信息报送率', value: '66.7%（2/3）' },
        // 冯网格员 Mon–Wed of 5 working days, 陈网格员 Mon–Thu of 4 (Friday on leave).
        { label: '巡查覆盖率', value: '77.8%（7/9）' },
      ]),
    );
    expect(agenda.text).toContain('01001001 阳光一网格：上报 1，解决 0，在办 1；信息报送 50%（1/2）；巡查 60%（3/5）');
    expect(agenda.text).toContain('01001002 阳光二网格：上报 0，解决 0，在办 0；信息报送 100%（1/1）；巡查 100%（4/4）');

    // The other community filed nothing: its figures are zero of what was due, not unknown.
    const [other] = await app.chat.say('community-01002', 'sj-hp', '周例会 议程');
    expect(other.card?.fields).toEqual(
      expect.arrayContaining([
        { label: '信息报送率', value: '0%（0/4）' },
        { label: '巡查覆盖率', value: '0%（0/10）' },
      ]),
    );
    expect(other.text).toContain('01002001 和平一网格：上报 0，解决 0，在办 0；信息报送 0%（0/2）；巡查 0%（0/5）');
  });
});
