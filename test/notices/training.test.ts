/**
 * 培训 under a moved clock, on MariaDB + Redis: a grid head records a training for the grid; a
 * gridworker sees the year's hours; in October the shortfall is announced to the gridworker and
 * to the head of the grid (not in September); with a weight in the settings the hours count in
 * 考核; the 培训台账 downloads through the one file-link mechanism.
 */
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { RULES_SETTING } from '../../src/bot/assessment/service';
import { TRAINING_SHORTFALL_TIMER } from '../../src/bot/training';
import { timerContext } from '../../src/bot/timers';
import { startTestApp, type TestApp } from '../support/app';
import { movedClock } from '../support/moved-clock';

const { clock, moveTo } = movedClock();

let app: TestApp;
const botSaid = async (conversation: string, needle: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.includes(needle));

async function fireShortfall(id: string): Promise<void> {
  const handler = app.runtime.bot.timers.get(TRAINING_SHORTFALL_TIMER)!;
  await app.runtime.uow.runOnce(`timer|${TRAINING_SHORTFALL_TIMER}|${id}`, (tx) => handler.run(timerContext(tx, id), {}));
  await app.chat.outboxDrained();
}

beforeAll(async () => {
  moveTo('2027-09-20T10:00:00');
  app = await startTestApp({ clock });
  await seedDemo(app.runtime.uow);
});
afterAll(async () => {
  await app.stop();
});

it('records a training for a grid and shows a gridworker the year’s hours', async () => {
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '培训 消防安全培训 2027-09-15 8 阳光一网格')).toBe('已登记培训「消防安全培训」（2027-09-15，8学时），共 2 人。');
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '培训 入户走访技巧 9月18日 4.5 冯网格员')).toContain('共 1 人');
  const hours = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '学时');
  expect(hours).toContain('冯网格员 2027年培训学时：12.5 / 40');
  expect(hours).toContain('还差 27.5 学时');
  expect(hours).toContain('· 2027-09-18 入户走访技巧 4.5学时');
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '培训 消防安全培训 2027-09-15 8 和平一网格')).toContain('不在您管辖的单位');
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '培训 消防安全培训 2027-09-30 8 阳光一网格')).toContain('还没到');
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '培训 消防安全培训 2027-09-15 100 阳光一网格')).toContain('学时写成数字');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '学时 陈网格员')).toBe('您不能查看 陈网格员 的培训学时。');
});

it('says nothing in September and warns the short in October, each gridworker and the head of their grid', async () => {
  await fireShortfall('2027-09-20');
  expect(await botSaid('dm-wgy-yg1', '培训学时提醒')).toHaveLength(0);
  moveTo('2027-10-01T09:00:00');
  await fireShortfall('2027-10-01');
  const [mine] = await botSaid('dm-wgy-yg1', '【培训学时提醒】');
  expect(mine.text).toBe('【培训学时提醒】您2027年的培训学时为 12.5，要求不少于 40 学时，还差 27.5 学时，请在年底前参加培训。');
  const [head] = await botSaid('dm-wz-yg1', '【培训学时提醒】');
  expect(head.text).toContain('· 冯网格员：12.5 学时，差 27.5 学时');
  expect(head.text).not.toContain('陈网格员');
  expect((await botSaid('dm-wz-yg2', '【培训学时提醒】'))[0].text).toContain('· 陈网格员：0 学时，差 40 学时');
});

it('counts the hours in 考核 once the settings give them a weight', async () => {
  const card = async () => app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '考核 2027Q3');
  expect(await card()).not.toContain('培训学时');
  await app.runtime.uow.runOnce(`test-rules-${crypto.randomUUID()}`, (tx) => tx.repos.settings.put(RULES_SETTING, { weights: { patrolDays: 10, trainingHours: 10 } }, tx.now));
  const short = await card();
  // 12.5 of 40 hours by the end of the quarter: 3.1 of 10 points.
  expect(short).toContain('培训学时：3.1/10 分（本年培训 12.5 学时 / 应培训 40 学时，31.3%）');
  const total = (text: string) => Number(/总分[：:]\s*([\d.]+)/.exec(text)?.[1]);
  moveTo('2027-09-30T16:00:00');
  await app.chat.ask('dm-wz-yg1', 'wz-yg1', '培训 网格化管理条例解读 2027-09-30 27.5 冯网格员');
  const met = await card();
  expect(met).toContain('培训学时：10/10 分（本年培训 40 学时 / 应培训 40 学时，100%）');
  expect(total(met) - total(short)).toBeCloseTo(6.9, 1);
});

it('exports the 培训台账 for a unit', async () => {
  const [message] = await app.chat.say('dm-sj-yg', 'sj-yg', '导出 培训台账 阳光社区 2027');
  expect(message.text).toContain('培训台账（阳光社区 · 2027年）已生成，共 4 行');
  const res = await fetch(message.file!.url);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.getWorksheet('培训台账')!;
  expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['培训日期', '培训名称', '学时', '网格员', '单位']);
  const rows = [];
  for (let r = 2; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
  expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
    ['2027-09-15', '消防安全培训', 8, '周网格长'],
    ['2027-09-15', '消防安全培训', 8, '冯网格员'],
    ['2027-09-18', '入户走访技巧', 4.5, '冯网格员'],
    ['2027-09-30', '网格化管理条例解读', 27.5, '冯网格员'],
  ]);
});
