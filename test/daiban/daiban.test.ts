/**
 * 代办 / 帮办 under a moved clock, on MariaDB + Redis, through the sandbox: the county sets a catalogue
 * item; a gridworker records a request for a household of the register, takes it on (受理: the time
 * limit in working days), ticks the checklist item by item (递交 refused while a material is missing),
 * stores document photos (sealed, each read logged), hands it in, hears the time-limit reminder once —
 * across a restart — and closes it (办结); another request is 退回 with its reason; the ledger counts
 * both. Refusals say what is wrong and change nothing.
 */
import ExcelJS from 'exceljs';
import { Like } from 'typeorm';
import { seedDemo } from '../../src/adapters/db/demo';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { DaibanPhotoSchema, DaibanSchema } from '../../src/adapters/db/schemas/daiban';
import { RegisterAccessSchema } from '../../src/adapters/db/schemas/register';
import { DAIBAN_REMINDER_TIMER } from '../../src/bot/daiban';
import { timerContext } from '../../src/bot/timers';
import { startTestApp, type TestApp } from '../support/app';
import { movedClock, TimerJobPayload } from '../support/moved-clock';

const { clock, moveTo } = movedClock();

type JobPayload = TimerJobPayload;

let app: TestApp;
const gw = (text: string) => app.chat.ask('dm-wgy-yg1', 'wgy-yg1', text);
const botSaid = async (conversation: string, needle: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.includes(needle));

async function jobsOf(number: string): Promise<JobPayload[]> {
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'job', payload: Like(`%${number}%`) }, order: { id: 'ASC' } });
  return rows.map((r) => JSON.parse(r.payload) as JobPayload);
}

/** Fires a scheduled job at its time, as the timer worker does (the same once-only key). */
async function fire(job: JobPayload): Promise<boolean> {
  clock.at = new Date(job.runAt);
  const handler = app.runtime.bot.timers.get(job.name)!;
  const ran = await app.runtime.uow.runOnce(`timer|${job.name}|${job.jobId}`, (tx) => handler.run(timerContext(tx, job.jobId), job.data));
  await app.chat.outboxDrained();
  return ran.ran;
}

beforeAll(async () => {
  moveTo('2027-03-01T09:00:00'); // a Monday
  app = await startTestApp({ clock });
  await seedDemo(app.runtime.uow);
  expect(await gw('建户 3幢2单元301')).toContain('已建档：H1');
}, 60_000);
afterAll(async () => {
  await app.stop();
});

let number = '';

it('shows the default catalogue, and lets only the county change it', async () => {
  const catalogue = await gw('代办目录');
  for (const item of ['低保申请', '残疾人证办理', '医保参保登记', '社保卡办理', '居民身份证办理', '临时救助申请', '流动人口居住登记']) expect(catalogue).toContain(item);
  expect(catalogue).toContain('· 低保申请：材料 身份证、户口簿、家庭收入证明');
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '设置代办事项 临时救助申请 身份证 窗口 3')).toContain('没有权限');
  expect(await app.chat.ask('dm-xian', 'xian', '设置代办事项 临时救助申请 身份证、户口簿、困难情况说明 街道救助窗口 0')).toContain('办理时限须为1–250个工作日的整数');
  expect(await app.chat.ask('dm-xian', 'xian', '设置代办事项 临时救助申请 身份证、户口簿、困难情况说明 街道救助窗口 3')).toBe('已设置代办事项「临时救助申请」：材料 身份证、户口簿、困难情况说明；街道救助窗口；3个工作日。');
  const after = await gw('代办目录');
  expect(after).toContain('· 临时救助申请：材料 身份证、户口簿、困难情况说明；街道救助窗口；3个工作日');
  expect(after).toContain('低保申请');
});

it('records a request for a household of the register, refusing what it cannot take', async () => {
  expect(await gw('代办 H9 救助')).toContain('没有找到「H9」');
  expect(await gw('代办 H1 结婚登记')).toBe('代办目录中没有「结婚登记」，发送「代办目录」查看可办事项。');
  expect(await gw('代办 H1 申请')).toContain('「申请」对应多个事项');
  expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '代办 H1 救助')).toContain('没有找到「H1」');
  expect(await app.runtime.dataSource.getRepository(DaibanSchema).count()).toBe(0);

  const reply = await gw('代办 H1 救助 户主腿脚不便，委托网格员代办');
  number = /DB20270301-\d{4}/.exec(reply)?.[0] ?? '';
  expect(reply).toContain(`已登记代办 ${number}（临时救助申请）`);
  expect(reply).toContain('住户：H1 3幢2单元301');
  expect(reply).toContain('状态：已登记');
  expect(reply).toContain('☐ 1. 身份证');
  expect(reply).toContain('☐ 3. 困难情况说明');
  // Nothing can be ticked or handed in before 受理.
  expect(await gw(`代办勾选 ${number} 1`)).toBe('这件代办当前为「已登记」，此操作需在「已受理或材料齐全」时进行。');
  // Asked in the grid's group, the household's request goes to the gridworker 1:1.
  expect(await app.chat.ask('grid-01001001', 'wgy-yg1', `代办详情 ${number}`)).toBe('涉及住户信息，已私聊发给您。');
});

it('受理 starts the time limit in working days; the checklist is ticked item by item and 递交 waits for the last', async () => {
  moveTo('2027-03-01T10:00:00');
  expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `代办受理 ${number}`)).toContain(`找不到代办或住户 ${number}`);
  const accepted = await gw(`代办受理 ${number}`);
  expect(accepted).toContain(`已受理代办 ${number}，办理时限 3月4日 10:00（周四）（3个工作日）`);
  expect(await gw(`代办受理 ${number}`)).toContain('当前为「已受理」');
  expect(await gw(`代办勾选 ${number} 1 3`)).toContain(`代办 ${number} 材料已收 2/3 项`);
  expect(await gw(`代办勾选 ${number} 7`)).toBe('材料清单只有 3 项，没有第 7 项。');
  expect(await gw(`代办勾选 ${number} 一`)).toContain('请写清单上的材料序号');
  expect(await gw(`代办递交 ${number}`)).toBe('材料还不齐，缺：户口簿。收齐并勾选后再递交。');
  const complete = await gw(`代办勾选 ${number} 2`);
  expect(complete).toContain(`代办 ${number} 材料齐全，可以递交`);
  expect(complete).toContain('☑ 2. 户口簿');
  expect(complete).toContain('状态：材料齐全');
});

it('stores document photos sealed, and logs every look at them', async () => {
  expect(await gw(`代办材料 ${number}`)).toContain('还没有材料照片');
  const [stored] = await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `代办材料 ${number}`, [{ kind: 'image', url: 'https://media.example/idcard-front-0001.jpg' }, { kind: 'image', url: 'https://media.example/hukou-0001.jpg' }]);
  expect(stored.text).toBe(`已加密保存代办 ${number} 的材料照片 2 张（共 2 张）。`);
  const rows = await app.runtime.dataSource.getRepository(DaibanPhotoSchema).find();
  expect(rows).toHaveLength(2);
  for (const r of rows) expect(r.refSealed).not.toContain('media.example');
  const before = await app.runtime.dataSource.getRepository(RegisterAccessSchema).count({ where: { action: 'read', detail: `代办材料照片 ${number}` } });
  const shown = await gw(`代办材料 ${number}`);
  expect(shown).toContain('https://media.example/idcard-front-0001.jpg');
  expect(shown).toContain('本次查看已记入访问日志');
  expect(await app.runtime.dataSource.getRepository(RegisterAccessSchema).count({ where: { action: 'read', detail: `代办材料照片 ${number}` } })).toBe(before + 1);
});

it('递交 names the office and the day; 办结 is refused until then', async () => {
  expect(await gw(`代办办结 ${number}`)).toContain('此操作需在「已递交」时进行');
  expect(await gw(`代办递交 ${number} 阳光街道救助窗口 12月31日`)).toBe('递交日期不能晚于今天。');
  const submitted = await gw(`代办递交 ${number} 阳光街道救助窗口 今天`);
  expect(submitted).toContain(`代办 ${number} 已于3月1日递交阳光街道救助窗口`);
  expect(submitted).toContain('状态：已递交');
});

it('reminds on the time limit on the task ladder, once per rung, across a restart', async () => {
  const jobs = await jobsOf(number);
  expect(jobs.map((j) => j.name)).toEqual(Array(5).fill(DAIBAN_REMINDER_TIMER));
  expect(jobs.map((j) => new Date(j.runAt).toISOString())).toEqual(
    ['2027-03-03T10:00:00', '2027-03-04T08:00:00', '2027-03-04T10:00:00', '2027-03-05T10:00:00', '2027-03-09T10:00:00'].map((s) => new Date(`${s}+08:00`).toISOString()),
  );
  const [before24h, , due, overdue1] = jobs;
  expect(await fire(before24h)).toBe(true);
  const [reminder] = await botSaid('dm-wgy-yg1', '将到，请抓紧办理');
  expect(reminder.text).toContain(`代办 ${number}（临时救助申请）办理时限 3月4日 10:00（周四） 将到`);
  expect(reminder.card?.buttons?.map((b) => b.command)).toContain(`稍后提醒 ${number}`);

  // A restart: the same rung does not fire twice; the next rungs still do.
  const { database, queuePrefix } = app;
  await app.runtime.stop();
  app = await startTestApp({ database, queuePrefix, clock });
  expect(await fire(before24h)).toBe(false);
  expect(await botSaid('dm-wgy-yg1', '将到，请抓紧办理')).toHaveLength(1);
  expect(await fire(due)).toBe(true);
  expect(await botSaid('dm-wgy-yg1', '已到办理时限')).toHaveLength(1);
  expect(await botSaid('dm-wz-yg1', `代办 ${number}（临时救助申请）已到办理时限`)).toHaveLength(1);
  expect(await gw('我的代办')).toMatch(new RegExp(`${number} 临时救助申请 H1 已递交（已超时限）`));

  // 办结 silences the rest of the ladder.
  moveTo('2027-03-04T15:00:00');
  expect(await gw(`代办办结 ${number} 救助金已发放`)).toBe(`代办 ${number}（临时救助申请）已办结。`);
  expect(await fire(overdue1)).toBe(true);
  expect(await botSaid('dm-sj-yg', number)).toHaveLength(0);
  expect(await gw(`代办退回 ${number} 再退`)).toBe('这件代办已办结，不能再改动。');
  const detail = await gw(`代办详情 ${number}`);
  expect(detail).toMatch(/受理[\s\S]*勾选材料：身份证、困难情况说明[\s\S]*递交：阳光街道救助窗口 3月1日[\s\S]*时限提醒[\s\S]*办结：救助金已发放/);
});

let second = '';

it('退回 needs its reason, ends the request, and the ledger counts both', async () => {
  moveTo('2027-03-05T09:00:00');
  second = /DB20270305-\d{4}/.exec(await gw('代办 H1 医保'))?.[0] ?? '';
  expect(second).not.toBe('');
  expect(await gw(`代办退回 ${second}`)).toBe('退回需要写明原因，如「代办退回 <编号> 家庭收入超过标准」。');
  expect(await gw(`代办退回 ${second} 已在原单位参保，无需办理`)).toBe(`代办 ${second} 已退回，原因：已在原单位参保，无需办理`);
  expect(await gw(`代办受理 ${second}`)).toBe('这件代办已退回，不能再改动。');
  expect(await gw('我的代办')).toContain('（无）');

  expect(await gw('代办台账')).toContain('没有权限');
  const [message] = await app.chat.say('dm-wz-yg1', 'wz-yg1', '代办台账 本月');
  const url = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(message.text)![0];
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await (await fetch(url)).arrayBuffer());
  const ledger = wb.getWorksheet('代办台账')!;
  expect(ledger.rowCount).toBe(3);
  expect((ledger.getRow(2).values as unknown[]).slice(1, 9)).toEqual([number, '临时救助申请', '阳光一网格', 'H1', '冯网格员', '网格员登记', '办结', '3/3']);
  expect((ledger.getRow(3).values as unknown[]).slice(1, 8)).toEqual([second, '医保参保登记', '阳光一网格', 'H1', '冯网格员', '网格员登记', '退回']);
  const summary = wb.getWorksheet('汇总')!;
  const figures = Object.fromEntries([2, 3, 4, 5, 6, 7].map((r) => summary.getRow(r).values as unknown[]).map((v) => [v[1], v[2]]));
  expect(figures).toEqual({ 登记代办: 2, 办结: 1, 退回: 1, 到期: 1, 按时办结: 0, 超时限: 1 });
  expect((await fetch(url)).status).toBe(410);
});
