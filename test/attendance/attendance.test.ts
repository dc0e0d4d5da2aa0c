/**
 * Attendance through the sandbox on MariaDB + Redis: check-ins against a grid boundary set by an
 * admin, patrols into the 民情日志 that the grid head reads and comments on, leave with AB岗
 * cover, and the daily patrol rule with a per-second reminder and the end-of-day list.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, eventually, type TestApp } from '../support/app';
import { awaitFirings, backToDefault, botMessages, clockAt, everySecond, firingsOf, timersIdle } from './support';

/** A square around 幸福路 (lon 120.10–120.20, lat 30.20–30.30). */
const BOUNDARY = JSON.stringify({ type: 'Polygon', coordinates: [[[120.1, 30.2], [120.2, 30.2], [120.2, 30.3], [120.1, 30.3], [120.1, 30.2]]] });

describe('attendance and patrols on a working Tuesday', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock: clockAt('2026-11-24T08:30:00') });
    await seedDemo(app.runtime.uow);
    await app.chat.enrol('wgy-yg1b', '蒋网格员', '网格员', '01001001');
  });
  afterAll(async () => {
    await app.stop();
  });

  it('records check-ins inside and outside the boundary and tells the grid head about the outside one', async () => {
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '设置边界 01001001 ' + BOUNDARY)).toBe('您没有权限执行「设置边界」。');
    expect(await app.chat.ask('dm-admin', 'admin', '设置边界 01001001 {"type":"Point","coordinates":[1,2]}')).toContain('Polygon 或 MultiPolygon');
    expect(await app.chat.ask('dm-admin', 'admin', '设置边界 01001001 ' + BOUNDARY)).toContain('已设置阳光一网格的边界（1个多边形）');

    const inside = await app.chat.say('grid-01001001', 'wgy-yg1', '签到', [{ kind: 'location', latitude: 30.25, longitude: 120.15, label: '幸福路12号' }]);
    expect(inside[0].text).toBe('冯网格员已签到（阳光一网格，08:30）。位置：幸福路12号（网格内）');
    const outside = await app.chat.ask('dm-wgy-yg1b', 'wgy-yg1b', '签到 30.40,120.15');
    expect(outside).toContain('不在网格范围内，已告知网格长');
    const [alert] = await botMessages(app, 'dm-wz-yg1', '【网格外签到】');
    expect(alert.text).toContain('蒋网格员在08:30于网格外签到（阳光一网格）：30.40,120.15');
    expect(await botMessages(app, 'dm-wz-yg1', '【网格外签到】')).toHaveLength(1);

    // A bare location right after 签退 completes it.
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '签退')).toContain('未附位置');
    const located = await app.chat.say('dm-wgy-yg1', 'wgy-yg1', '', [{ kind: 'location', latitude: 30.21, longitude: 120.11, label: '阳光小区东门' }]);
    expect(located[0].text).toBe('已补充签退位置。位置：阳光小区东门（网格内）');

    const list = await app.chat.ask('grid-01001001', 'wz-yg1', '考勤');
    expect(list).toContain('冯网格员 签到 08:30 位置：幸福路12号（网格内）');
    expect(list).toContain('蒋网格员 签到 08:30 ⚠ 位置：30.40,120.15（不在网格范围内');
    expect(list).toContain('冯网格员 签退 08:30 位置：阳光小区东门（网格内）');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '考勤')).toBe('您没有权限执行「考勤」。');
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', '考勤 01001001')).toContain('您没有权限');
  });

  it('logs patrols with photos into the 民情日志, which the grid head reads and comments on', async () => {
    const logged = await app.chat.say('grid-01001001', 'wgy-yg1', '巡查 3号楼楼道堆放杂物，住户电话13812345678', [{ kind: 'image', url: 'https://example.test/p1.jpg' }]);
    const id = /P\d+/.exec(logged[0].text)![0];
    expect(logged[0].text).toContain(`已记录巡查 ${id}（阳光一网格，照片1张）`);
    const more = await app.chat.say('dm-wgy-yg1', 'wgy-yg1', '', [{ kind: 'image', url: 'https://example.test/p2.jpg' }]);
    expect(more[0].text).toBe(`已为巡查 ${id} 补充照片1张。`);

    const inGroup = await app.chat.ask('grid-01001001', 'wz-yg1', '民情日志');
    expect(inGroup).toContain(`${id} 11-24 08:30 冯网格员：3号楼楼道堆放杂物，住户电话138****5678（照片2张）`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '民情日志 01001001')).toContain('住户电话13812345678');
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', `点评 ${id} 好`)).toContain('您没有权限');

    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `点评 ${id} 处理及时，继续跟进`)).toContain(`已点评 ${id}`);
    const [notice] = await botMessages(app, 'dm-wgy-yg1', '周网格长点评了您的民情日志');
    expect(notice.text).toContain('处理及时，继续跟进');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '民情日志')).toContain('点评：处理及时，继续跟进');
  });

  it('sends leave to the grid head, refuses an overlap, and names the AB岗 cover on approval', async () => {
    expect(await app.chat.ask('dm-wz-hp1', 'wz-hp1', '设置AB岗 褚网格员 郑网格长')).toContain('由郑网格长顶岗');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '设置AB岗 褚网格员 周网格长')).toContain('您没有权限');
    await app.chat.enrol('wgy-hp1b', '韩网格员', '网格员', '01002001');
    expect(await app.chat.ask('dm-wz-hp1', 'wz-hp1', '设置AB岗 褚网格员 韩网格员')).toContain('褚网格员请假时由韩网格员顶岗（AB岗）');

    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '请假 11月20日 有事')).toContain('已经过去');
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '请假 11月26日至11月27日 家中有事')).toContain('等待网格长审批');
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '请假 11月27日 复诊')).toContain('重叠');
    const [card] = await botMessages(app, 'dm-wz-hp1', '【请假审批】');
    expect(card.card?.fields).toEqual(expect.arrayContaining([{ label: '日期', value: '2026-11-26 至 2026-11-27' }, { label: '事由', value: '家中有事' }]));
    expect(card.card?.buttons?.map((b) => b.label)).toEqual(['准假', '驳回']);
    const approved = await app.chat.press('dm-wz-hp1', 'wz-hp1', card, card.card!.buttons![0].command);
    expect(approved[0].text).toContain('褚网格员 2026-11-26 至 2026-11-27 请假，期间由韩网格员顶岗（AB岗）');
    expect((await botMessages(app, 'dm-wgy-hp1b', '褚网格员于'))[0].text).toContain('由您顶岗');
    expect((await botMessages(app, 'dm-wgy-hp1', '您的请假'))[0].text).toContain('已批准');
    expect(await app.chat.ask('dm-wz-hp1', 'wz-hp1', card.card!.buttons![1].command)).toContain('已批准');

    expect(await app.chat.ask('dm-wgy-hp2', 'wgy-hp2', '请假 明天 培训')).toContain('等待网格长审批');
    const [second] = await botMessages(app, 'dm-wz-hp2', '【请假审批】');
    await app.chat.press('dm-wz-hp2', 'wz-hp2', second, second.card!.buttons![1].command);
    expect((await botMessages(app, 'dm-wgy-hp2', '您的请假'))[0].text).toContain('未获批准');
  });

  it('reminds, once per day, each gridworker without a patrol and not on leave, and lists the day to the grid head', async () => {
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', '请假 今天 体检')).toContain('等待网格长审批');
    const [card] = await botMessages(app, 'dm-wz-yg2', '【请假审批】');
    await app.chat.press('dm-wz-yg2', 'wz-yg2', card, card.card!.buttons![0].command);

    await everySecond(app, '巡查提醒');
    const before = await firingsOf(app, 'patrol-fire');
    await awaitFirings(app, 'patrol-fire', before + 3);
    await backToDefault(app, '巡查提醒');
    await timersIdle(app);
    const yg1 = await botMessages(app, 'grid-01001001', '【巡查提醒】');
    expect(yg1).toHaveLength(1);
    expect(yg1[0].text).toContain('蒋网格员');
    expect(yg1[0].text).not.toContain('冯网格员');
    expect(yg1[0].mentions).toEqual(['wgy-yg1b']);
    expect(await botMessages(app, 'grid-01001002', '【巡查提醒】')).toHaveLength(0); // on leave today
    expect((await botMessages(app, 'grid-01002001', '【巡查提醒】'))[0].text).toContain('褚网格员、韩网格员');

    expect(await app.chat.ask('dm-admin', 'admin', '立即执行 巡查日报')).toContain('已立即执行');
    await eventually(async () => (await botMessages(app, 'dm-wz-hp2', '【巡查日报】')).length > 0, 'the last patrol list');
    await timersIdle(app);
    const [daily] = await botMessages(app, 'dm-wz-yg1', '【巡查日报】阳光一网格 2026-11-24');
    expect(daily.text).toContain('已巡查：冯网格员');
    expect(daily.text).toContain('未巡查：蒋网格员');
    expect((await botMessages(app, 'dm-wz-yg2', '【巡查日报】'))[0].text).toContain('请假：陈网格员');
    for (const head of ['dm-wz-yg1', 'dm-wz-yg2', 'dm-wz-hp1', 'dm-wz-hp2']) expect({ head, n: (await botMessages(app, head, '【巡查日报】')).length }).toEqual({ head, n: 1 });
    expect(await botMessages(app, 'grid-01001001', '【巡查日报】')).toHaveLength(0);
  });
});
