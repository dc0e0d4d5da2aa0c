/**
 * Residents' personal data in group chats, whatever feature produced the message: every group
 * message here comes out masked, the same data 1:1 stays complete, and a member who typed a
 * number in a group is told to use 1:1 next time. (The suite-wide guard in
 * test/support/privacy-guard.ts would also fail this file on any leak.)
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { findPersonalData } from '../../src/domain/privacy/personal-data';
import { maskForGroup } from '../../src/bot/group-privacy';
import { startTestApp, type TestApp } from '../support/app';

const GROUPS = ['grid-01001001', 'grid-01002001', 'community-01001', 'community-01002'];

describe('personal data in group chats', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('masks a reported phone number written with a country code and spaces, in the group reply and its list lines, and tells the reporter to use 1:1', async () => {
    const replies = await app.chat.say('grid-01001001', 'wgy-yg1', '上报 环境卫生 电话 +86 138 1234 5678 垃圾堆放');
    const text = replies.map((r) => r.text).join('\n');
    expect(text).toContain('138****5678');
    expect(text).toContain('下次请私聊机器人发送');
    const card = (await app.chat.messages('dm-wz-yg1')).filter((m) => m.from === 'bot').pop()!;
    expect(card.text).toContain('+86 138 1234 5678');

    const again = await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 电话１３８１２３４５６７８ 垃圾堆放');
    expect(again).toContain('138****5678');
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', '我的事件')).toContain('138****5678');
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '我的事件')).toContain('+86 138 1234 5678');
    expect(await app.chat.ask('grid-01001001', 'wz-yg1', '待办')).not.toMatch(/1234 ?5678/);
  });

  it('masks ID numbers in 特殊信息 and the 报送 summary for the group, complete for the grid head 1:1', async () => {
    const special = await app.chat.ask('grid-01002001', 'wgy-hp1', '特殊信息 5号楼独居老人两天未出门，身份证 110105 19491231 002X，家属 0571-87654321');
    expect(special).toContain('特殊信息已立即报送');
    const community = (await app.chat.messages('community-01002')).filter((m) => m.from === 'bot' && m.text.includes('特殊信息')).pop()!;
    expect(community.text).toContain('110***********002X');
    expect(community.text).toContain('0571****4321');
    const head = (await app.chat.messages('dm-wz-hp1')).filter((m) => m.from === 'bot' && m.text.includes('特殊信息')).pop()!;
    expect(head.text).toContain('110105 19491231 002X');

    const summary = await app.chat.ask('grid-01002001', 'wgy-hp1', '报送 住户变动：新迁入一户，户主身份证11010519491231002x');
    expect(summary).toContain('110***********002X');
  });

  it('masks patrol notes in 民情日志 and check-in places in 考勤 for the group', async () => {
    await app.chat.ask('grid-01001001', 'wgy-yg1', '巡查 3号楼住户反映漏水，电话 139-0000-1111');
    expect(await app.chat.ask('grid-01001001', 'wz-yg1', '民情日志')).toContain('139****1111');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '民情日志 01001001')).toContain('139-0000-1111');
    await app.chat.ask('grid-01001001', 'wgy-yg1', '签到 幸福路12号 王大爷家 13700001234');
    expect(await app.chat.ask('grid-01001001', 'wz-yg1', '考勤')).toContain('137****1234');
  });

  it('masks task titles and details in the group, and a card’s buttons still do what they say', async () => {
    const dispatched = await app.chat.ask('grid-01001001', 'wz-yg1', '派单 冯网格员 3个工作日 回访13612345678住户 银行卡6222021234567890128挂失');
    expect(dispatched).toContain('回访136****5678住户');
    const task = /T\d{8}-\d{4}/.exec(dispatched)![0];
    const tasks = await app.chat.say('grid-01001001', 'wgy-yg1', '任务');
    expect(tasks.map((m) => m.text).join('\n')).toContain('回访136****5678住户');
    const [detail] = await app.chat.say('grid-01001001', 'wgy-yg1', `任务 ${task}`);
    expect(JSON.stringify(detail)).not.toContain('13612345678');
    const sign = detail!.card!.buttons!.find((b) => b.command.startsWith('签收'))!;
    expect(sign.command).toBe(`签收 ${task}`);
    const pressed = await app.chat.press('grid-01001001', 'wgy-yg1', detail!, sign.command);
    expect(pressed.map((m) => m.text).join('\n')).toContain(`已签收`);
    const inbox = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '任务');
    expect(inbox).toContain('13612345678');
  });

  it('leaves nothing unmasked in any group, whichever feature wrote it', async () => {
    for (const group of GROUPS) {
      for (const m of (await app.chat.messages(group)).filter((x) => x.from === 'bot')) {
        expect({ group, leaks: findPersonalData(JSON.stringify([m.text, m.card ?? null])) }).toEqual({ group, leaks: [] });
      }
    }
  });
});

describe('the masking step for one message', () => {
  it('masks text, card fields, lines, labels and file names; keeps every button’s command', () => {
    const masked = maskForGroup({
      text: '联系 13812345678',
      card: {
        title: '王大爷 13812345678',
        fields: [{ label: '电话', value: '0571-87654321' }],
        lines: ['身份证 330102199001011234'],
        buttons: [
          { label: '回访 13812345678', command: '事件 SJ20261122-0007' },
          { label: '拨打', command: '回电 13812345678' },
        ],
      },
      file: { name: '13812345678.xlsx', url: 'http://x/files/abc', mimeType: 'application/octet-stream' },
    });
    expect(masked.text).toBe('联系 138****5678');
    expect(masked.card?.title).toBe('王大爷 138****5678');
    expect(masked.card?.fields?.[0]?.value).toBe('0571****4321');
    expect(masked.card?.lines).toEqual(['身份证 330***********1234']);
    // The label is masked; the command is untouched so pressing still works. A command that itself
    // carries a number cannot be shown in a group at all.
    expect(masked.card?.buttons).toEqual([{ label: '回访 138****5678', command: '事件 SJ20261122-0007' }]);
    expect(masked.file?.name).toBe('138****5678.xlsx');
  });
});
