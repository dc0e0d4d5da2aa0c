/**
 * 代办 around its edges: a request made on the residents' side reaches the grid's gridworker, and the
 * hook the residents' side will use hears every step to 办结; the county keeps the catalogue with an
 * .xlsx (a bad row refuses the whole file and changes nothing).
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import type { DaibanStepName } from '../../src/bot/daiban';
import { startTestApp, type TestApp } from '../support/app';

let app: TestApp;
const gw = (text: string) => app.chat.ask('dm-wgy-yg1', 'wgy-yg1', text);

beforeAll(async () => {
  app = await startTestApp();
  await seedDemo(app.runtime.uow);
  expect(await gw('建户 5幢1单元102')).toContain('已建档：H1');
}, 60_000);
afterAll(async () => {
  await app.stop();
});

it('tells the residents’ side of each step of a request a resident made there, and nothing of the gridworker’s own', async () => {
  const heard: { number: string; step: DaibanStepName; state: string }[] = [];
  app.runtime.areas.daiban.observe({
    async stepped(_tx, d, step) {
      heard.push({ number: d.number, step, state: d.state });
    },
  });
  const made = await app.runtime.uow.runOnce('resident-request-1', (tx) => app.runtime.areas.daiban.requestFromResident(tx, { householdId: 1, item: '残疾人证', note: '' }));
  expect(made.ran).toBe(true);
  const number = made.ran ? made.result.number : '';
  await app.chat.outboxDrained();
  const told = (await app.chat.messages('dm-wgy-yg1')).filter((m) => m.from === 'bot' && m.text.includes('居民申请代办'));
  expect(told.map((m) => m.text)).toEqual([`居民申请代办 ${number}（残疾人证办理，H1），请受理：回复「代办受理 ${number}」。`]);

  await gw(`代办受理 ${number}`);
  await gw(`代办勾选 ${number} 1 2`);
  await gw(`代办勾选 ${number} 3 4`);
  await gw(`代办递交 ${number} 县残联`);
  await gw(`代办办结 ${number}`);
  expect(heard.map((h) => h.step)).toEqual(['registered', 'accepted', 'complete', 'submitted', 'done']);
  expect(heard.every((h) => h.number === number)).toBe(true);
  expect(await gw(`代办详情 ${number}`)).toContain('来源：居民申请');

  // A request the gridworker recorded is not the residents' side's business.
  const own = /DB\d{8}-\d{4}/.exec(await gw('代办 H1 社保卡'))![0];
  await gw(`代办受理 ${own}`);
  expect(heard.filter((h) => h.number === own)).toEqual([]);
});

it('imports the catalogue from .xlsx: all rows or none, errors by row', async () => {
  const reply = await app.chat.ask('dm-xian', 'xian', '导入代办事项');
  const url = /http\S+\/files\/xlsx\/daiban\/[0-9a-f]{32}/.exec(reply)?.[0] ?? '';
  expect(url).not.toBe('');
  expect(await gw('导入代办事项')).toContain('没有权限');
  const template = /模板：(\S+)/.exec(reply)![1];
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await (await fetch(template)).arrayBuffer());
  expect((book.getWorksheet('代办事项')!.getRow(2).values as unknown[]).slice(1)).toEqual(['低保申请', '身份证、户口簿、家庭收入证明、家庭财产申报表、低保申请书', '乡镇（街道）社会救助经办窗口', 30]);

  const workbook = async (rows: (string | number)[][]) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('代办事项');
    ws.addRow(['事项名称', '所需材料', '办理部门', '办理时限（工作日）']);
    for (const r of rows) ws.addRow(r);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  };
  const post = async (rows: (string | number)[][]) => fetch(url, { method: 'POST', body: await workbook(rows), headers: { 'content-type': 'application/octet-stream' } });

  const bad = await post([
    ['高龄津贴申请', '身份证、户口簿、银行卡', '乡镇民政办', 15],
    ['独生子女奖励', '身份证', '', 10],
    ['高龄津贴申请', '身份证', '乡镇民政办', 15],
  ]);
  expect(bad.status).toBe(422);
  expect(((await bad.json()) as { errors: string[] }).errors).toEqual(['导入失败，共 2 处问题，目录未作任何修改：', '第 3 行：办理部门须为1–64个字', '第 4 行：事项「高龄津贴申请」重复']);
  expect(await gw('代办目录')).not.toContain('高龄津贴申请');

  const good = await post([['高龄津贴申请', '身份证、户口簿、银行卡', '乡镇民政办', 15], ['低保申请', '身份证、户口簿', '街道救助窗口', 20]]);
  expect(good.status).toBe(200);
  const catalogue = await gw('代办目录');
  expect(catalogue).toContain('· 高龄津贴申请：材料 身份证、户口簿、银行卡；乡镇民政办；15个工作日');
  expect(catalogue).toContain('· 低保申请：材料 身份证、户口簿；街道救助窗口；20个工作日');
  expect(catalogue).toContain('· 社保卡办理');
  expect((await post([['再来', '身份证', '窗口', 5]])).status).toBe(410);
});
