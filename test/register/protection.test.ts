/**
 * Residents' data is protected: stored sealed (no ID number, phone or special-group tag in the
 * database file or tables), every read and change is in the access log that only an auditor reads,
 * and a gridworker of another grid, a department not shared with and a stranger get nothing.
 */
import ExcelJS from 'exceljs';
import { seedDemo } from '../../src/adapters/db/demo';
import { RegisterAccessSchema, ResidentSchema } from '../../src/adapters/db/schemas/register';
import { allKinds } from '../support/databases';
import { startTestApp, type TestApp } from '../support/app';
import { idNumber, sqliteBytes, tableText } from './support';

const ID = idNumber('1945-01-01', 123);
const PHONE = '13812345678';

describe.each(allKinds())('residents’ data on %s', (kind) => {
  let app: TestApp;
  const ask = (user: string, text: string, conversation = `dm-${user}`) => app.chat.ask(conversation, user, text);

  beforeAll(async () => {
    app = await startTestApp({ db: kind });
    await seedDemo(app.runtime.uow);
    await app.chat.enrol('audit', '钱审计', '审计员', 'X01');
    expect(await ask('wgy-yg1', '建户 3幢2单元301')).toContain('已建档：H1 3幢2单元301（阳光一网格）');
    expect(await ask('wgy-yg1', `登记 H1 张秀英 户主 ${ID} ${PHONE} 独居老人`)).toContain('已登记 R1 张秀英（户主）到 H1');
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('stores no ID number, phone or special-group tag in the clear, even after the bot showed them', async () => {
    expect(await ask('wgy-yg1', '查人 R1')).toContain(ID);
    const text = await tableText(app);
    expect(text).toContain('张秀英');
    for (const secret of [ID, PHONE, '独居老人']) expect(text).not.toContain(secret);
    if (kind === 'sqlite') {
      const bytes = sqliteBytes(app);
      expect(bytes.includes(Buffer.from('张秀英'))).toBe(true);
      for (const secret of [ID, PHONE, '独居老人']) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    const [row] = await app.runtime.dataSource.getRepository(ResidentSchema).find();
    expect(row.idSealed).toMatch(/^g1\.[0-9a-f]{8}\./);
    expect(row.idMac).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers look-ups 1:1: in the grid group the bot only says it replied privately', async () => {
    const inGroup = await ask('wgy-yg1', '查户 独居老人', 'grid-01001001');
    expect(inGroup).toContain('已私聊回复您');
    expect(inGroup).not.toContain('张秀英');
    const dm = await app.chat.messages('dm-wgy-yg1');
    const card = dm[dm.length - 1].text;
    expect(card).toContain('户档 H1');
    expect(card).toContain('张秀英');
    expect(card).toContain('330***********' + ID.slice(-4));
    expect(card).not.toContain(ID);
    expect(await ask('wgy-yg1', `查户 ${ID}`)).toContain('户档 H1');
    expect(await ask('wgy-yg1', '查户 张秀英')).toContain('户档 H1');
    expect(await ask('wgy-yg1', '查户 3幢')).toContain('户档 H1');
  });

  it('takes personal data only 1:1', async () => {
    expect(await ask('wgy-yg1', `登记 H1 张三 子女 ${idNumber('1990-02-03', 5)}`, 'grid-01001001')).toContain('私聊');
    expect(await app.runtime.dataSource.getRepository(ResidentSchema).count()).toBe(1);
    // A refusal in a group never repeats an ID number in the clear.
    const refused = await ask('wgy-hp1', `查人 ${ID}`, 'grid-01002001');
    expect(refused).toContain('没有找到');
    expect(refused).not.toContain(ID);
  });

  it('gives a gridworker of another grid, a department not shared with, an auditor and a stranger nothing', async () => {
    for (const user of ['wgy-hp1', 'chengguan', 'audit']) {
      for (const words of ['独居老人', 'H1', ID, '张秀英', '3幢2单元301']) expect(await ask(user, `查户 ${words}`)).toContain('没有找到');
      expect(await ask(user, '户档 H1')).toContain('没有找到「H1」，或您无权查看');
      expect(await ask(user, '查人 R1')).toContain('没有找到');
      expect(await ask(user, `查人 ${ID}`)).toContain('没有找到');
    }
    expect(await ask('wgy-hp1', '走访 H1 路过')).toContain('没有找到');
    expect(await ask('audit', '走访 H1 路过')).toContain('没有权限');
    expect(await ask('stranger', '查户 独居老人')).toContain('还未绑定身份');
    expect(await ask('stranger', '户档 H1')).toContain('还未绑定身份');
    // Nothing was read, so nothing of theirs is in the access log.
    const ids = await app.runtime.uow.read(async (repos) => Promise.all(['wgy-hp1', 'chengguan', 'audit'].map(async (u) => (await repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: u }))!.id)));
    expect(await app.runtime.dataSource.getRepository(RegisterAccessSchema).count({ where: ids.map((memberId) => ({ memberId })) })).toBe(0);
  });

  it('lets a department read what a community shared with it, and nothing else', async () => {
    expect(await ask('sj-hp', '共享住户 城管中队 01001')).toContain('没有权限');
    expect(await ask('sj-yg', '共享住户 冯网格员 01001')).toContain('只能共享给职能部门');
    expect(await ask('sj-yg', '共享住户 城管中队 01001')).toContain('已将「阳光社区」的住户信息共享给 城管中队');
    expect(await ask('chengguan', '户档 H1')).toContain('张秀英');
    expect(await ask('chengguan', '走访 H1 检查')).toContain('没有权限');
    expect(await ask('sj-yg', '取消共享 城管中队 01001')).toContain('已取消');
    expect(await ask('chengguan', '户档 H1')).toContain('没有找到');
  });

  it('logs every read and change with who, when, which record and which conversation; only the auditor reads it', async () => {
    const log = await ask('audit', '访问日志 7');
    expect(log).toContain('住户信息访问日志');
    expect(log).toMatch(/冯网格员\(#\d+\) 修改 R1 sandbox:dm-wgy-yg1 变动:登记/);
    expect(log).toMatch(/冯网格员\(#\d+\) 查看 R1 sandbox:dm-wgy-yg1 查人/);
    expect(log).toMatch(/冯网格员\(#\d+\) 查看 H1 sandbox:grid-01001001 查户/);
    expect(log).toMatch(/城管中队\(#\d+\) 查看 H1 sandbox:dm-chengguan 户档/);
    expect(log).toMatch(/孙书记\(#\d+\) 共享 /);
    expect(log).not.toMatch(/褚网格员/);
    expect(await ask('admin', '访问日志')).toContain('没有权限');
    expect(await ask('wgy-yg1', '访问日志')).toContain('没有权限');
    expect(await ask('audit', '访问日志 7 冯网格员')).not.toContain('城管中队');

    const link = /http\S+\/files\/[0-9a-f]{32}\/\S+/.exec(await ask('audit', '导出访问日志 30'))![0];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(link)).arrayBuffer());
    const rows: string[][] = [];
    wb.getWorksheet('访问日志')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
    expect(rows[0]).toEqual(['时间', '成员', '成员编号', '操作', '记录', '会话', '说明']);
    expect(rows.some((r) => r[1] === '冯网格员' && r[3] === '查看' && r[4] === 'R1' && r[5] === 'sandbox:dm-wgy-yg1')).toBe(true);
    expect((await fetch(link)).status).toBe(410);
    expect(await ask('admin', '导出访问日志')).toContain('没有权限');
    expect(await ask('wgy-yg1', '导出访问日志')).toContain('没有权限');
  });

  it('corrects and removes a record on request, leaving a trace in the log but no data', async () => {
    const other = idNumber('1950-06-07', 42);
    expect(await ask('wgy-yg1', `更正 R1 身份证号 ${other}`)).toContain('已更正 R1 的身份证号');
    expect(await ask('wgy-yg1', `查人 ${other}`)).toContain('张秀英');
    expect(await ask('wgy-yg1', `查人 ${ID}`)).toContain('没有找到');
    expect(await ask('wgy-yg1', '删除人员 R1')).toContain('已依申请删除 R1 的信息');
    expect(await app.runtime.dataSource.getRepository(ResidentSchema).count()).toBe(0);
    const text = await tableText(app);
    expect(text).not.toContain('张秀英');
    expect(await ask('wgy-yg1', '户档 H1')).not.toContain('张秀英');
    expect(await ask('audit', '访问日志')).toMatch(/冯网格员\(#\d+\) 删除 R1 sandbox:dm-wgy-yg1 依申请删除/);
  });
});
