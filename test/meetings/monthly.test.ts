/**
 * The monthly town meeting (月例会) on seeded data: communities file next month's plan by command,
 * the agenda shows each community's month, lists the missing plans and the hard cases (escalated to
 * the town, or open for more than 30 days), and charts events by category.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { startTestApp, type TestApp } from '../support/app';
import { dataUrlPng, decodeChart } from './chart-support';

const EVENT = /SJ\d{8}-\d{4}/;
const grab = (text: string) => {
  const m = EVENT.exec(text);
  if (!m) throw new Error(`no event number in: ${text}`);
  return m[0];
};

describe('monthly meeting', () => {
  let app: TestApp;
  const clock = { at: new Date('2026-10-20T02:00:00Z'), now: () => clock.at };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('lists each community, the plans and the missing ones, and the hard cases, with a category chart', async () => {
    // October: a matter nobody solves (open for more than 30 days by December).
    const old = grab(await app.chat.ask('grid-01002001', 'wgy-hp1', '上报 矛盾纠纷 宅基地边界纠纷'));
    // November: three reports; one goes up to the town.
    clock.at = new Date('2026-11-10T02:00:00Z');
    const escalated = grab(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 安全隐患 幸福路井盖缺失'));
    await app.chat.ask('grid-01001002', 'wgy-yg2', '上报 安全隐患 3号楼外墙脱落');
    await app.chat.ask('grid-01002002', 'wgy-hp2', '已处置 环境卫生 楼道垃圾已清理');
    await app.chat.ask('dm-wz-yg1', 'wz-yg1', `上报上级 ${escalated} 需社区协调`);
    await app.chat.ask('dm-sj-yg', 'sj-yg', `上报上级 ${escalated} 需镇里协调市政`);

    // 阳光社区 files December's plan after the November meeting; 和平社区 does not.
    clock.at = new Date('2026-11-25T02:00:00Z');
    expect(await app.chat.ask('community-01001', 'sj-yg', '月度计划 开展冬季消防安全检查')).toBe('已收到阳光社区 2026-12 月度计划，将列入月例会议程。');
    expect(await app.chat.ask('community-01001', 'sj-yg', '月度计划 开展冬季消防安全检查，走访独居老人')).toContain('已更新');
    expect(await app.chat.ask('community-01001', 'wgy-yg1', '月度计划 随便写写')).toContain('没有权限');

    // Tuesday 1 December is the first working day: the town asks for the agenda before the meeting.
    clock.at = new Date('2026-12-01T00:30:00Z');
    const [agenda] = (await app.chat.say('town-01', 'zhen', '月例会 议程')) as SandboxMessage[];
    expect(agenda.card?.title).toBe('月例会议程 · 幸福街道 · 12月1日 09:00');
    expect(agenda.card?.fields).toEqual(
      expect.arrayContaining([
        { label: '事件', value: '上报 3 · 解决 1 · 在办 2' },
        { label: '未交计划', value: '和平社区' },
        { label: '重大疑难', value: '2' },
      ]),
    );
    expect(agenda.text).toContain('阳光社区：上报 2（安全隐患2），解决 0，在办 2，上报镇/县 1');
    expect(agenda.text).toContain('和平社区：上报 1（环境卫生1），解决 1，在办 0，上报镇/县 0');
    expect(agenda.text).toContain('阳光社区：开展冬季消防安全检查，走访独居老人（孙书记）');
    expect(agenda.text).toContain('未提交计划：和平社区');
    expect(agenda.text).toContain(`${old} 矛盾纠纷：宅基地边界纠纷（超过30天未办结）`);
    expect(agenda.text).toContain(`${escalated} 安全隐患：幸福路井盖缺失（已上报镇/县）下一步：督促尽快受理`);
    expect(agenda.text.indexOf(old)).toBeLessThan(agenda.text.indexOf(`${escalated} 安全隐患`));

    const chart = await decodeChart(dataUrlPng(agenda.card!.imageUrl!));
    expect(chart.metadata.bars).toEqual([
      { label: '安全隐患', value: 2 },
      { label: '环境卫生', value: 1 },
    ]);
    expect(Math.abs(chart.barHeights[0] - 2 * chart.barHeights[1])).toBeLessThanOrEqual(1);

    // Asked again once the meeting has started, the agenda is still December's: same plans, same gaps.
    clock.at = new Date('2026-12-01T02:30:00Z');
    const [during] = (await app.chat.say('town-01', 'zhen', '月例会 议程')) as SandboxMessage[];
    expect(during.text).toContain('阳光社区：开展冬季消防安全检查，走访独居老人（孙书记）');
    expect(during.text).toContain('未提交计划：和平社区');
    expect(during.text).not.toContain('未提交计划：阳光社区');

    // A community secretary may not open the town's agenda.
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '月例会 议程 01')).toContain('没有权限');
  });
});
