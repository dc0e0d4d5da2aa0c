/**
 * 值班 under a moved clock, on MariaDB + Redis: a community secretary enters the night shift by
 * chat; 值班 shows today's roster; an urgent event reported at 22:30 reaches the person on duty as
 * well as the secretary (or, by setting, instead of her); the same report in office hours does
 * not; at the start of the night shift the person on duty gets the open urgent items; a roster
 * uploaded as .xlsx is taken all or nothing.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { DutyRosterSchema } from '../../src/adapters/db/schemas/duty';
import { DUTY_START_TIMER } from '../../src/bot/duty';
import { timerContext } from '../../src/bot/timers';
import { startTestApp, type TestApp } from '../support/app';
import { movedClock } from '../support/moved-clock';

const { clock, moveTo } = movedClock();

let app: TestApp;
const botSaid = async (conversation: string, needle: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.includes(needle));
const grab = (text: string) => /SJ\d{8}-\d{4}/.exec(text)![0];

beforeAll(async () => {
  moveTo('2027-03-01T10:00:00'); // a Monday
  app = await startTestApp({ clock });
  await seedDemo(app.runtime.uow);
});
afterAll(async () => {
  await app.stop();
});

it('enters the roster by chat and shows today’s duty', async () => {
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '排班 阳光社区 今天 夜班 吴网格长')).toContain('已排班：阳光社区');
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '排班 阳光社区 今天 白班 孙书记')).toContain('白班 由 孙书记 值班');
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '排班 阳光一网格 今天 夜班 周网格长')).toContain('值班表按社区、镇(街道)排');
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '排班 和平社区 今天 夜班 周网格长')).toContain('权限');
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '排班 阳光社区 2027-02-30 夜班 周网格长')).toContain('日期写成');
  const roster = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '值班');
  expect(roster).toContain('· 阳光社区：白班 孙书记（当前），夜班 吴网格长');
});

it('in office hours an urgent event reaches the secretary, not the person on duty', async () => {
  const filed = await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 安全隐患 紧急 幸福路3号燃气表漏气');
  const number = grab(filed);
  expect(await botSaid('dm-sj-yg', `上报事件 ${number}`)).toHaveLength(1);
  expect(await botSaid('dm-wz-yg2', number)).toHaveLength(0);
});

it('at the start of the night shift the person on duty gets the open urgent items', async () => {
  moveTo('2027-03-01T20:00:00');
  const handler = app.runtime.bot.timers.get(DUTY_START_TIMER)!;
  await app.runtime.uow.runOnce('timer|duty.start|2027-03-01-night', (tx) => handler.run(timerContext(tx, 'night'), {}));
  await app.chat.outboxDrained();
  const [list] = await botSaid('dm-wz-yg2', '【值班交接 · 阳光社区】');
  expect(list.text).toContain('夜班开始');
  expect(list.text).toContain('幸福路3号燃气表漏气');
  expect(await botSaid('dm-sj-yg', '值班交接')).toHaveLength(0);
});

it('an urgent event at 22:30 reaches the person on duty as well as the secretary', async () => {
  moveTo('2027-03-01T22:30:00');
  const number = grab(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 矛盾纠纷 紧急 幸福路5号两户邻居打架'));
  const [onDuty] = await botSaid('dm-wz-yg2', number);
  expect(onDuty.text).toContain('【值班】非工作时间的紧急事项，请值班人跟进。');
  expect(onDuty.text).toContain(`阳光一网格上报事件 ${number}`);
  expect(await botSaid('dm-sj-yg', `上报事件 ${number}`)).toHaveLength(1);
});

it('by setting, after hours only the person on duty; with nobody on duty the secretary still hears', async () => {
  expect(await app.chat.ask('dm-admin', 'admin', '值班设置 只通知值班人')).toContain('只发给值班人');
  moveTo('2027-03-01T23:00:00');
  const number = grab(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 紧急 幸福路7号化粪池外溢'));
  expect(await botSaid('dm-wz-yg2', number)).toHaveLength(1);
  expect(await botSaid('dm-sj-yg', number)).toHaveLength(0);
  // Tuesday night: nobody entered.
  moveTo('2027-03-02T23:00:00');
  const unrostered = grab(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 安全隐患|房屋安全 紧急 幸福路9号墙体开裂'));
  expect(await botSaid('dm-sj-yg', unrostered)).toHaveLength(1);
  expect(await botSaid('dm-wz-yg2', unrostered)).toHaveLength(0);
});

async function rosterBook(rows: (string | Date)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('值班表');
  ws.addRow(['单位', '日期', '班次', '值班人']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

it('takes a roster from an .xlsx upload, all or nothing, and refuses units outside the uploader’s authority', async () => {
  moveTo('2027-03-05T10:00:00');
  const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '导入值班表');
  const url = /http\S+\/files\/xlsx\/import\/[0-9a-f]{32}/.exec(reply)![0];
  const template = /http\S+\/files\/xlsx\/template\/\S+/.exec(reply)![0];
  const tpl = new ExcelJS.Workbook();
  await tpl.xlsx.load(await (await fetch(template)).arrayBuffer());
  expect((tpl.getWorksheet('值班表')!.getRow(1).values as unknown[]).slice(1)).toEqual(['单位', '日期', '班次', '值班人']);
  const rowsBefore = await app.runtime.dataSource.getRepository(DutyRosterSchema).count();

  const bad = await fetch(url, { method: 'POST', body: new Uint8Array(await rosterBook([['阳光社区', '2027-03-06', '白班', '周网格长'], ['和平社区', '2027-03-06', '夜班', '周网格长'], ['阳光社区', '2027-03-06', '中班', '周网格长']])) });
  expect(bad.status).toBe(422);
  const errors = ((await bad.json()) as { errors: string[] }).errors.join('\n');
  expect(errors).toContain('值班表 第 3 行：「和平社区」不在您的管辖范围内');
  expect(errors).toContain('值班表 第 4 行：班次「中班」应为 白班、夜班 或 全天');
  expect(await app.runtime.dataSource.getRepository(DutyRosterSchema).count()).toBe(rowsBefore);

  const good = await fetch(url, { method: 'POST', body: new Uint8Array(await rosterBook([['01001', new Date(Date.UTC(2027, 2, 6)), '全天', '周网格长'], ['阳光社区', '2027-03-07', '夜班', '吴网格长']])) });
  expect(good.status).toBe(200);
  expect(((await good.json()) as { message: string }).message).toBe('已导入值班表，共 3 班。');
  moveTo('2027-03-06T09:00:00');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '值班')).toContain('· 阳光社区：白班 周网格长（当前），夜班 周网格长');
  // The link is used up.
  expect((await fetch(url, { method: 'POST', body: new Uint8Array(await rosterBook([['阳光社区', '2027-03-08', '夜班', '吴网格长']])) })).status).toBe(410);
});
