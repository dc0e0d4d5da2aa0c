/**
 * A grid's register from Excel and back: 导入住户 hands out an upload page; a file with errors is
 * refused row by row and changes nothing; a clean one creates households and residents; the same
 * file again updates instead of doubling; 导出住户 gives the register to those who may read it,
 * and every exported record is in the access log.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { HouseholdSchema, RegisterAccessSchema, ResidentSchema } from '../../src/adapters/db/schemas/register';
import { startTestApp, type TestApp } from '../support/app';
import { idNumber } from './support';

const HEADER = ['网格编码', '地址', '姓名', '与户主关系', '公民身份号码', '联系电话', '标签'];
type Row = (string | null)[];

async function workbook(rows: Row[], header = HEADER): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('住户');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function read(bytes: ArrayBuffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes);
  const out: string[][] = [];
  wb.getWorksheet('住户')!.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return out;
}

const ID1 = idNumber('1946-07-08', 11);
const ID2 = idNumber('1970-01-02', 12);
const ID3 = idNumber('1999-09-09', 13);

describe('the register from and to Excel', () => {
  let app: TestApp;
  const count = async () => ({
    households: await app.runtime.dataSource.getRepository(HouseholdSchema).count(),
    residents: await app.runtime.dataSource.getRepository(ResidentSchema).count(),
  });
  const post = (url: string, body: Buffer) => fetch(url, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });

  async function uploadLink(user = 'wgy-yg1'): Promise<string> {
    const reply = await app.chat.ask(`dm-${user}`, user, '导入住户');
    expect(reply).toContain('上传填好的住户模板');
    return /http\S+\/files\/xlsx\/residents\/[0-9a-f]{32}/.exec(reply)![0];
  }

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('hands out the upload link privately and offers the template', async () => {
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', '导入住户')).toContain('已私聊回复您');
    const dm = await app.chat.messages('dm-wgy-yg1');
    expect(dm[dm.length - 1].text).toContain('/files/xlsx/residents/');
    const url = /http\S+\/files\/xlsx\/residents-template\/\S+/.exec(dm[dm.length - 1].text)![0];
    expect((await read(await (await fetch(url)).arrayBuffer()))[0]).toEqual(HEADER);
    expect(await app.chat.ask('dm-stranger', 'stranger', '导入住户')).toContain('还未绑定身份');
  });

  it('refuses a file with errors row by row, without echoing personal data, and changes nothing', async () => {
    const before = await count();
    const url = await uploadLink();
    const res = await post(
      url,
      await workbook([
        ['01001001', '1幢1单元101', '周大', '户主', ID1, '13811112222', '独居老人'],
        ['99999999', '1幢1单元102', '吴二', '户主', null, null, null],
        ['01002001', '1幢1单元103', '郑三', '户主', null, null, null],
        ['01001', '1幢1单元104', '王四', '户主', null, null, null],
        ['01001001', '1', '冯五', '户主', null, null, null],
        ['01001001', '1幢1单元105', '', '户主', null, null, null],
        ['01001001', '1幢1单元106', '陈六', '户主', '330102199001011230', null, null],
        ['01001001', '1幢1单元107', '褚七', '户主', ID1, null, null],
        ['01001001', '1幢1单元108', '卫八', '户主', null, '12345', null],
        ['01001001', '1幢1单元109', '蒋九', '户主', null, null, '独居'],
      ]),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { ok: boolean; errors: string[] };
    expect(body.errors).toEqual([
      '住户导入未执行（共 9 处错误，未做任何修改）：',
      '第 3 行：网格编码「99999999」不存在',
      '第 4 行：您无权登记网格「01002001」的住户',
      '第 5 行：「01001」不是网格',
      '第 6 行：地址「1」看不懂',
      '第 7 行：缺少姓名',
      '第 8 行：公民身份号码不正确',
      '第 9 行：公民身份号码与第 2 行重复',
      '第 10 行：联系电话不正确',
      '第 11 行：标签「独居」不在标签目录中',
    ]);
    expect(JSON.stringify(body)).not.toContain('330102199001011230');
    expect(await count()).toEqual(before);
    expect((await post(url, Buffer.from('not a workbook'))).status).toBe(422);
    expect((await post(url, await workbook([['01001001', '1幢1单元101', '周大', '户主', null, null, null]], ['地址', '姓名']))).status).toBe(422);
    expect(await count()).toEqual(before);
  });

  it('imports a clean file once, and a second import updates instead of doubling', async () => {
    const rows: Row[] = [
      ['01001001', '1幢1单元101', '周大', '户主', ID1, '13811112222', '独居老人'],
      ['01001001', '1幢1单元102', '吴二', '户主', ID2, null, '低保户、残疾人'],
      ['01001001', '1幢1单元102', '吴小妹', '子女', null, null, '留守儿童'],
    ];
    const url = await uploadLink();
    const res = await post(url, await workbook(rows));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, households: 2, added: 3, updated: 0 });
    await app.chat.outboxDrained();
    expect((await app.chat.messages('dm-wgy-yg1')).map((m) => m.text)).toContain('住户导入完成：新建户 2 户，新增住户 3 人，更新 0 人。');
    expect((await post(url, await workbook(rows))).status).toBe(410);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '查户 留守儿童')).toContain('吴小妹');

    const again = await uploadLink();
    const changed: Row[] = [['01001001', '1幢1单元101', '周大', '户主', ID1, '13899998888', '独居老人'], ...rows.slice(1), ['01001001', '1幢1单元103', '郑新', '户主', ID3, null, null]];
    const res2 = await post(again, await workbook(changed));
    expect(await res2.json()).toMatchObject({ ok: true, households: 1, added: 1, updated: 3 });
    expect(await count()).toEqual({ households: 3, residents: 4 });
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `查人 ${ID1}`)).toContain('13899998888');
  });

  it('exports by authority through a one-time link, logging every record; the export imports again', async () => {
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '导出住户 01001');
    const url = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(reply)![0];
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const rows = await read(await res.arrayBuffer());
    expect(rows[0].slice(0, 7)).toEqual(HEADER);
    expect(rows.slice(1).map((r) => r[2]).sort()).toEqual(['吴二', '吴小妹', '周大', '郑新'].sort());
    expect(rows.find((r) => r[2] === '周大')![4]).toBe(ID1);
    expect((await fetch(url)).status).toBe(410);
    const sj = await app.runtime.uow.read((repos) => repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'sj-yg' }));
    expect(await app.runtime.dataSource.getRepository(RegisterAccessSchema).count({ where: { memberId: sj!.id, action: 'export', subject: 'resident' } })).toBe(4);

    expect(await app.chat.ask('dm-wz-hp1', 'wz-hp1', '导出住户 01001')).toContain('没有找到');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '导出住户 01001001')).toContain('没有权限');
    expect(await app.chat.ask('dm-chengguan', 'chengguan', '导出住户 01001')).toContain('没有权限');
    // An admin holds the whole tree, not one grid: a bare 导出住户 asks which unit.
    expect(await app.chat.ask('dm-admin', 'admin', '导出住户')).toContain('请指明网格编码');

    const reimport = await uploadLink();
    const res2 = await post(reimport, await workbook(rows.slice(1).map((r) => r.slice(0, 7).map((c) => c || null))));
    expect(await res2.json()).toMatchObject({ ok: true, households: 0, added: 0, updated: 4 });
    expect(await count()).toEqual({ households: 3, residents: 4 });
  });
});
