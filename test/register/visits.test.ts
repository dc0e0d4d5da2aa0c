/**
 * Visits on cadence: a household whose tag asks for a weekly visit and was not visited reminds its
 * gridworker 1:1 on a working morning (never in the group), shows on the weekly agenda as
 * 未按期走访, and counts in 考核 as 走访覆盖率 once the county gives the indicator points.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { RULES_SETTING } from '../../src/bot/assessment/service';
import { RegisterAccessSchema } from '../../src/adapters/db/schemas/register';
import { startTestApp, type TestApp } from '../support/app';
import { timersIdle } from '../attendance/support';
import { idNumber } from './support';

describe('visits on cadence', () => {
  let app: TestApp;
  // Before the real date: the outbox turns a timer's runAt into a delay against the real clock.
  const clock = { at: new Date('2026-11-16T02:00:00Z'), now: () => clock.at };
  const gw = (text: string) => app.chat.ask('dm-wgy-yg1', 'wgy-yg1', text);

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
    // Monday 16 November: three households, two with tags that ask for visits.
    await gw('建户 1幢101');
    expect(await gw(`登记 H1 孙阿婆 户主 ${idNumber('1936-03-03', 21)} 独居老人`)).toContain('已登记 R1');
    await gw('建户 1幢102');
    expect(await gw(`登记 H2 钱大伯 户主 ${idNumber('1950-04-04', 22)} 低保户`)).toContain('已登记 R2');
    await gw('建户 1幢103');
    await gw('登记 H3 李四 户主');
    expect(await gw('走访 H2 家中一切正常')).toContain('已记录对 H2 的走访');
    // A key unit the county wants seen weekly.
    expect(await app.chat.ask('dm-xian', 'xian', '设置标签 重点单位 场所 7')).toContain('每7天走访');
    expect(await gw('登记场所 平安网吧 网吧 1幢底商 重点单位')).toContain('已登记场所 P1');
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('reminds the gridworker 1:1 of the household past its cadence, and nobody else', async () => {
    // Tuesday 24 November 10:00: 孙阿婆 (weekly) was due on the 23rd; 钱大伯 (monthly) is not due.
    clock.at = new Date('2026-11-24T02:00:00Z');
    const groupBefore = (await app.chat.messages('grid-01001001')).length;
    expect(await app.chat.ask('dm-admin', 'admin', '立即执行 走访提醒')).toContain('走访提醒');
    await timersIdle(app);
    const dm = (await app.chat.messages('dm-wgy-yg1')).filter((m) => m.from === 'bot');
    const reminder = dm[dm.length - 1].text;
    expect(reminder).toContain('阳光一网格：1 户、1 个场所未按期走访');
    expect(reminder).toContain('H1 1幢101（独居老人）应于 11月23日');
    expect(reminder).toContain('P1 平安网吧（重点单位）应于 11月23日');
    expect(reminder).not.toContain('H2');
    expect(await app.chat.messages('grid-01001001')).toHaveLength(groupBefore);
    for (const other of ['dm-wgy-yg2', 'dm-wgy-hp1']) expect((await app.chat.messages(other)).some((m) => m.text.includes('未按期走访'))).toBe(false);
    // What the reminder disclosed is in the access log as the gridworker's read.
    const worker = await app.runtime.uow.read((repos) => repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'wgy-yg1' }));
    expect(await app.runtime.dataSource.getRepository(RegisterAccessSchema).count({ where: { memberId: worker!.id, action: 'read', detail: '走访提醒' } })).toBe(2);
  });

  it('shows 未按期走访 per grid on the weekly agenda, as a count only', async () => {
    // Monday 30 November 08:00: the meeting reviews 23–29 November, when 孙阿婆's visit fell due.
    clock.at = new Date('2026-11-30T00:00:00Z');
    const agenda = await app.chat.ask('community-01001', 'sj-yg', '周例会 议程');
    expect(agenda).toMatch(/01001001 阳光一网格：.*；未按期走访 1 户/);
    expect(agenda).not.toMatch(/01001002 阳光二网格：.*未按期走访/);
    expect(agenda).not.toContain('孙阿婆');
    expect(agenda).not.toContain('独居老人');
  });

  it('counts 走访覆盖率 in 考核 with the weight the county set, and a visit mends it', async () => {
    let card = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '考核 01001001');
    // Without points the indicator does not show on the card.
    expect(card).not.toContain('走访覆盖率');
    await app.runtime.uow.runOnce('test-visit-weight', (tx) => tx.repos.settings.put(RULES_SETTING, { weights: { visitCoverage: 10, satisfaction: 0 } }, tx.now));
    card = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '考核 01001001');
    expect(card).toMatch(/走访覆盖率：5\/10 分（按期走访 1 户 \/ 应走访 2 户，50%）/);
    expect(await gw('走访 H1 身体好，已送米面')).toContain('已记录对 H1 的走访');
    card = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '考核 01001001');
    expect(card).toMatch(/走访覆盖率：10\/10 分（按期走访 2 户 \/ 应走访 2 户，100%）/);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '考核')).toMatch(/走访覆盖率：10\/10 分/);

    // The 考核 ledger scores the same way as the card.
    const link = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(await app.chat.ask('dm-sj-yg', 'sj-yg', '导出 考核 2026-11 01001'))![0];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(link)).arrayBuffer());
    const sheet = wb.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const column = header.indexOf('走访覆盖率') + 1;
    expect(column).toBeGreaterThan(0);
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => n > 1 && rows.push((row.values as unknown[]).slice(1)));
    expect(rows.find((r) => r[1] === '01001001')![column - 1]).toBe(10);
  });
});
