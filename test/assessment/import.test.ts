/**
 * First set-up from Excel: an admin sends 导入, opens the upload link and posts the filled template.
 * A template with errors is refused row by row and changes nothing; a clean one creates the units,
 * the members with their roles and invite codes, and the admin hears of it in the chat.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { MemberRoleSchema, MemberSchema, OrgUnitSchema } from '../../src/adapters/db/schemas/core';
import { startTestApp, type TestApp } from '../support/app';

type Rows = (string | null)[][];

async function template(units: Rows, members: Rows, sheetNames = ['单位', '成员']): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const u = wb.addWorksheet(sheetNames[0]);
  u.addRow(['编码', '名称', '层级', '上级编码']);
  for (const r of units) u.addRow(r);
  const m = wb.addWorksheet(sheetNames[1]);
  m.addRow(['姓名', '手机', '角色', '单位编码']);
  for (const r of members) m.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('organisation import from an .xlsx template', () => {
  let app: TestApp;
  const counts = async () => ({
    units: await app.runtime.dataSource.getRepository(OrgUnitSchema).count(),
    members: await app.runtime.dataSource.getRepository(MemberSchema).count(),
    roles: await app.runtime.dataSource.getRepository(MemberRoleSchema).count(),
  });

  async function uploadLink(): Promise<string> {
    const reply = await app.chat.ask('dm-admin', 'admin', '导入');
    expect(reply).toContain('上传填好的组织模板');
    return /http\S+\/files\/xlsx\/import\/[0-9a-f]{32}/.exec(reply)![0];
  }

  const post = (url: string, body: Buffer) => fetch(url, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('offers the empty template for download', async () => {
    const reply = await app.chat.ask('dm-admin', 'admin', '导入');
    const url = /http\S+\/files\/xlsx\/template\/\S+/.exec(reply)![0];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(url)).arrayBuffer());
    expect((wb.getWorksheet('单位')!.getRow(1).values as unknown[]).slice(1)).toEqual(['编码', '名称', '层级', '上级编码']);
    expect((wb.getWorksheet('成员')!.getRow(1).values as unknown[]).slice(1)).toEqual(['姓名', '手机', '角色', '单位编码']);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '导入')).toContain('没有权限');
  });

  it('reports every bad row of a template with errors and changes nothing', async () => {
    const before = await counts();
    const url = await uploadLink();
    const bytes = await template(
      [
        ['02', '安宁街道', '镇', 'X01'],
        ['02001', '安宁社区', '社区', '02'],
        ['02001', '重复社区', '社区', '02'],
        ['02001001', '', '网格', '02001'],
        ['02009001', '孤儿网格', '网格', '02009'],
        ['01001', '阳光社区', '社区', '01'],
        ['02001002', '层级错', '社区', '02001'],
      ],
      [
        ['蒋网格员', '13800000001', '网格员', '02001001'],
        ['沈网格长', '1380000', '网格长', '02001001'],
        ['韩某', '', '队长', '02001001'],
        ['杨某', '', '网格员', '99999'],
        ['秦某', '', '网格员', '02001'],
      ],
    );
    const res = await post(url, bytes);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { ok: boolean; errors: string[] };
    expect(body.ok).toBe(false);
    expect(body.errors[0]).toContain('共 9 处错误，未做任何修改');
    expect(body.errors.slice(1)).toEqual([
      '单位 第 4 行：编码「02001」在模板中重复（第 3 行）',
      '单位 第 5 行：缺少名称',
      '单位 第 6 行：上级编码「02009」不存在',
      '单位 第 7 行：编码「01001」已存在（阳光社区）',
      '单位 第 8 行：社区(村)的上级应为镇(街道)，「02001」是社区(村)',
      '成员 第 3 行：手机号「1380000」应为 11 位数字',
      expect.stringContaining('成员 第 4 行：角色「队长」应为：'),
      '成员 第 5 行：单位编码「99999」不存在',
      '成员 第 6 行：「网格员」不能设在社区(村)「02001」：这个角色只在网格一级工作',
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file that is not a workbook, or lacks a sheet', async () => {
    const url = await uploadLink();
    const junk = await post(url, Buffer.from('not a spreadsheet'));
    expect(junk.status).toBe(422);
    expect(((await junk.json()) as { errors: string[] }).errors[0]).toContain('无法读取该文件');
    const missing = await post(url, await template([], [], ['单位', 'Sheet2']));
    expect(((await missing.json()) as { errors: string[] }).errors).toContain('缺少工作表「成员」。');
  });

  it('creates the organisation from a clean template, once', async () => {
    const before = await counts();
    const url = await uploadLink();
    expect((await fetch(url)).status).toBe(200);
    const bytes = await template(
      [
        ['02', '安宁街道', '街道', 'X01'],
        ['02001', '安宁社区', '社区', '02'],
        ['02001001', '安宁一网格', '网格', '02001'],
      ],
      [
        ['蒋网格员', '13800000001', '网格员', '02001001'],
        ['沈书记', '13800000002', '社区书记', '02001'],
        ['沈书记', '13800000002', '网格长', '02001001'],
      ],
    );
    const res = await post(url, bytes);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; units: number; members: number; roles: number };
    expect(body).toMatchObject({ ok: true, units: 3, members: 2, roles: 3 });
    expect(await counts()).toEqual({ units: before.units + 3, members: before.members + 2, roles: before.roles + 3 });

    const grid = await app.runtime.uow.read((repos) => repos.org.unitByCode('02001001'));
    expect(grid).toMatchObject({ name: '安宁一网格', level: 'grid' });
    const town = await app.runtime.uow.read((repos) => repos.org.unitByCode('02'));
    expect(grid!.path.startsWith(town!.path)).toBe(true);
    const heads = await app.runtime.uow.read((repos) => repos.org.membersWithRole(grid!.id, 'grid_head'));
    expect(heads.map((m) => m.name)).toEqual(['沈书记']);

    const dm = (await app.chat.messages('dm-admin')).map((m) => m.text).join('\n');
    expect(dm).toContain('导入完成：新建单位 3 个，成员 2 人，角色 3 个。');
    const code = /蒋网格员（安宁一网格）：([A-Z0-9]{8})/.exec(dm)![1];
    // The new gridworker binds with the invite code from the import.
    expect(await app.chat.ask('dm-jiang', 'jiang', `绑定 ${code}`)).toContain('蒋网格员');

    const replay = await post(url, bytes);
    expect(replay.status).toBe(410);
    expect(await counts()).toEqual({ units: before.units + 3, members: before.members + 2, roles: before.roles + 3 });
  });
});
