/**
 * The register in chat, as a gridworker keeps it: a household file (一户一档) with residents and
 * tags, changes with their history, visits with photos and location that enter the 民情日志,
 * places, the tag vocabulary the county sets, and the info report's 住户变动 taken over with one
 * confirmation. Bad input gets a clear answer and changes nothing.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { HouseholdChangeSchema, ResidentSchema } from '../../src/adapters/db/schemas/register';
import { startTestApp, type TestApp } from '../support/app';
import { idNumber } from './support';

describe('the register in chat', () => {
  let app: TestApp;
  const gw = (text: string) => app.chat.ask('dm-wgy-yg1', 'wgy-yg1', text);

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('builds a household file and refuses bad input with a clear answer and an example', async () => {
    expect(await gw('建户 3幢2单元301')).toContain('已建档：H1');
    expect(await gw('建户 ３幢２单元３０１')).toContain('该地址已有档案：H1');
    expect(await gw('建户 3')).toContain('地址看不懂');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '建户 8幢101')).toContain('请指明网格编码');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '建户 8幢101 01002001')).toContain('没有权限');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '建户 8幢101 01001002')).toContain('已建档：H2 8幢101（阳光二网格）');
    const before = await app.runtime.dataSource.getRepository(ResidentSchema).count();
    expect(await gw('登记 H1 张秀英 户主 330102194501011230')).toMatch(/身份证号不正确[\s\S]*示例：登记 H1 张三 户主/);
    expect(await gw('登记 H1 张秀英 户主 138')).toContain('身份证号、手机、标签');
    expect(await gw('登记 H1 张秀英 户主 独居')).toContain('「独居」不在标签目录中');
    expect(await gw('登记 H9 张秀英 户主')).toContain('没有找到「H9」');
    expect(await app.runtime.dataSource.getRepository(ResidentSchema).count()).toBe(before);
    expect(await gw(`登记 H1 张秀英 户主 ${idNumber('1945-01-01', 1)} 13812345678 独居老人、低保户`)).toContain('已登记 R1');
    expect(await gw(`登记 3幢2单元301 李建国 配偶 ${idNumber('1944-05-06', 3)}`)).toContain('已登记 R2');
    expect(await gw(`登记 H2 重复 户主 ${idNumber('1945-01-01', 1)}`)).toContain('没有找到「H2」');
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `登记 H2 重复 户主 ${idNumber('1945-01-01', 1)}`)).toContain('该身份证号已在登记册中');
  });

  it('records changes and shows them in the household’s history', async () => {
    expect(await gw('变动 H1 新生 李小宝')).toContain('已记录 H1 的变动：新生 R3');
    expect(await gw('变动 H1 死亡 李建国')).toContain('已记录 H1 的变动：死亡 R2');
    expect(await gw('变动 H1 死亡 李建国')).toContain('李建国 当前不在户内');
    expect(await gw('变动 H1 迁出')).toContain('请写明是哪一位');
    // Overlong words are cut to what the register keeps, never a database error.
    expect(await gw(`变动 H2 迁入 ${'长'.repeat(80)}`)).toContain('没有找到「H2」');
    const long = await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `变动 H2 迁入 ${'长'.repeat(80)}`);
    expect(long).toContain('已记录 H2 的变动：迁入');
    expect(await gw('变动 H1 出租 租给外来务工人员')).toContain('房屋出租');
    expect(await gw('变动 H1 结婚 李小宝')).toMatch(/变动类型[\s\S]*示例：变动 H1 新生 张小宝/);
    const file = await gw('户档 H1');
    expect(file).toContain('出租：是');
    expect(file).toMatch(/R2 李建国 配偶 .*（已故）/);
    expect(file).toMatch(/R3 李小宝 子女/);
    expect(file).toMatch(/房屋出租 租给外来务工人员[\s\S]*死亡 李建国[\s\S]*新生 李小宝/);
    expect(await app.runtime.dataSource.getRepository(HouseholdChangeSchema).count()).toBe(6);
  });

  it('records a visit with photos and location against the household, into the 民情日志', async () => {
    const [reply] = await app.chat.say('dm-wgy-yg1', 'wgy-yg1', '走访 H1 老人身体良好，提醒冬季用电安全', [
      { kind: 'image', url: 'https://example.test/visit-1.jpg' },
      { kind: 'location', latitude: 30.27, longitude: 120.15, label: '3幢' },
    ]);
    expect(reply.text).toContain('已记录对 H1 的走访（1 张照片），已计入民情日志');
    expect(await gw('户档 H1')).toMatch(/走访记录：\n.*老人身体良好，提醒冬季用电安全（1 张照片）/);
    expect(await gw('户档 H1')).not.toContain('最近走访：未走访');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '民情日志')).toContain('走访 H1：老人身体良好');
  });

  it('registers places and finds them by name or tag', async () => {
    expect(await gw('登记场所 幸福小吃店 店铺 幸福路12号 九小场所')).toContain('已登记场所 P1 幸福小吃店（店铺）');
    expect(await gw('登记场所 幸福小吃店 店铺 幸福路12号')).toContain('该网格已有场所「幸福小吃店」：P1');
    expect(await gw('登记场所 别家 店铺 幸福路13号 独居老人')).toContain('不在标签目录中');
    expect(await gw('查户 九小场所')).toContain('P1 幸福小吃店（店铺）幸福路12号 [九小场所]');
    expect(await gw('走访 P1 消防通道畅通')).toContain('已记录对 P1 的走访');
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '查户 幸福小吃店')).toContain('没有找到');
  });

  it('lists several households for a broad look-up and one file for a narrow one', async () => {
    await gw('建户 3幢2单元302');
    await gw(`登记 H3 王桂兰 户主 ${idNumber('1938-02-02', 7)} 独居老人`);
    const list = await gw('查户 独居老人');
    expect(list).toContain('找到 2 户');
    expect(list).toContain('H1 3幢2单元301（出租）');
    expect(list).toContain('H3 3幢2单元302');
    expect(await gw('查户 王桂兰')).toContain('户档 H3');
  });

  it('keeps the tag vocabulary the county sets', async () => {
    expect(await gw('标签')).toMatch(/独居老人（住户）每7天走访[\s\S]*九小场所（场所）每30天走访/);
    expect(await gw('设置标签 独居老人 住户 3')).toContain('没有权限');
    expect(await app.chat.ask('dm-xian', 'xian', '设置标签 独居老人 住户 3')).toContain('已设置标签「独居老人」（住户）：每3天走访');
    expect(await app.chat.ask('dm-xian', 'xian', '设置标签 困境儿童 住户 14')).toContain('已设置标签「困境儿童」');
    expect(await app.chat.ask('dm-xian', 'xian', '设置标签 困境儿童 住户 400')).toContain('走访周期应为 1 到 366 天');
    const tags = await gw('标签');
    expect(tags).toContain('独居老人（住户）每3天走访');
    expect(tags).toContain('困境儿童（住户）每14天走访');
    expect(tags).toContain('低保户（住户）每30天走访');
    expect(await gw('更正 R5 标签 困境儿童')).toContain('已更正 R5 的标签');
  });

  it('takes the info report’s 住户变动 over into the register with one confirmation', async () => {
    const report = await gw('报送 住户变动 3幢2单元302 新迁入 赵大海。3幢2单元301 退租。5幢9单元999 钱某迁入');
    expect(report).toContain('发送「转登记」可一键转入住户档案');
    const proposal = await gw('转登记');
    expect(proposal).toContain('1. H3 3幢2单元302 迁入 赵大海');
    expect(proposal).toContain('2. H1 3幢2单元301 退租');
    expect(proposal).toContain('未能识别：5幢9单元999 钱某迁入（找不到该地址的户档）');
    const before = await app.runtime.dataSource.getRepository(ResidentSchema).count();
    const done = await gw('确认');
    expect(done).toContain('已记录 H3 的变动：迁入 R');
    expect(done).toContain('已记录 H1 的变动：退租');
    expect(await app.runtime.dataSource.getRepository(ResidentSchema).count()).toBe(before + 1);
    expect(await gw('户档 H1')).toContain('出租：否');
    expect(await gw('户档 H3')).toContain('迁入 赵大海 由信息报送转登记');
    expect(await gw('确认')).not.toContain('已记录');
  });

  it('links events and tasks to a household, and the household file shows them as they stand', async () => {
    const reported = await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 安全隐患 3幢2单元301 电线老化');
    const event = /SJ\d{8}-\d{4}/.exec(reported)![0];
    expect(await gw(`关联 ${event} H1`)).toContain(`已把 ${event} 关联到 H1`);
    expect(await gw(`关联 ${event} H1`)).toContain('已关联到 H1');
    expect(await gw('户档 H1')).toMatch(new RegExp(`关联事件和任务：\\n${event} 3幢2单元301 电线老化（待受理）`));
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `关联 ${event} H1`)).toContain('没有找到');
    expect(await gw('关联 SJ20990101-0001 H1')).toContain('没有找到「SJ20990101-0001」');
    const dispatched = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 3个工作日 帮3幢2单元302王桂兰代办高龄补贴');
    const task = /T\d{8}-\d{4}/.exec(dispatched)![0];
    expect(await gw(`关联 ${task} H3`)).toContain(`已把 ${task} 关联到 H3`);
    expect(await gw('户档 H3')).toMatch(new RegExp(`${task} 帮3幢2单元302王桂兰代办高龄补贴.*（`));
  });
});
