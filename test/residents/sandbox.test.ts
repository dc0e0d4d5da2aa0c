/**
 * Residents' voice in the sandbox, end to end (issue 16): a grid head binds a residents' group; a
 * resident with no binding @-mentions the bot with a problem and gets a number; chatter is never
 * answered; the grid head gets the event as a member's report; a second resident cannot see or rate
 * it; on 结案 the resident is told in the group (@-mentioned, personal data masked) and rates it with
 * a button; 不满意 reopens it; the identity is sealed, each opening logged, and purged after retention.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { ChatResidentSchema, ResidentAccessSchema } from '../../src/adapters/db/schemas/residents';
import { startTestApp, type TestApp } from '../support/app';
import { botMessages } from '../attendance/support';

const EVENT = /SJ\d{8}-\d{4}/;
const TASK = /T\d{8}-\d{4}/;
const GROUP = 'residents-yg1';
const grab = (re: RegExp, text: string): string => {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${re} in: ${text}`);
  return m[0];
};

describe("residents' group in the sandbox", () => {
  let app: TestApp;
  let number = '';
  const lastBot = async (conversation: string): Promise<SandboxMessage> => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').slice(-1)[0];
  const botCount = async (conversation: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').length;

  async function closeByHead(): Promise<void> {
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 明天17:00`);
    const task = grab(TASK, (await lastBot('dm-wgy-yg1')).text);
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已更换灯泡，联系物业13812345678`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `核查 ${number} 通过`);
    await app.chat.outboxDrained();
  }

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it("a grid head binds the residents' group; a workers' group cannot be one; a gridworker may not bind", async () => {
    expect(await app.chat.ask('grid-01001001', 'wz-yg1', '绑定居民群 01001001')).toContain('工作群');
    expect(await app.chat.ask(GROUP, 'wgy-yg1', '绑定居民群 01001001')).not.toContain('已绑定');
    expect(await app.chat.ask(GROUP, 'wz-yg1', '绑定居民群 01001')).toContain('居民群只能绑定到网格');
    expect(await app.chat.ask(GROUP, 'wz-yg1', '绑定居民群 01001001')).toContain('本群已绑定为 阳光一网格（01001001）的居民群');
  });

  it('chatter that does not address the bot is never answered', async () => {
    const before = await botCount(GROUP);
    const id = await app.chat.post(GROUP, 'res-a', '今天天气不错，楼道灯坏了好几天了', { mentioned: false });
    await app.chat.settled(id);
    expect(await botCount(GROUP)).toBe(before);
  });

  it('a resident @-mentions the bot with a problem and a location: a number, routed to the grid head', async () => {
    const replies = await app.chat.say(GROUP, 'res-a', '3号楼楼道灯坏了，电话13812345678', [{ kind: 'location', latitude: 30.1, longitude: 120.2, label: '幸福路12号3号楼' }]);
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain('已收到您反映的问题，编号 SJ');
    expect((await botMessages(app, GROUP, '已收到您反映的问题'))[0].mentions).toEqual(['res-a']);
    number = grab(EVENT, replies[0].text);
    const card = await lastBot('dm-wz-yg1');
    expect(card.text).toContain(`新事件待受理`);
    expect(card.text).toContain(number);
    expect(card.text).toContain('上报人：居民');
    expect(card.text).toContain('地点：幸福路12号3号楼');
    expect(card.text).toContain('3号楼楼道灯坏了，电话13812345678');
    expect((card.card?.buttons ?? []).map((b) => b.command)).toContain(`受理 ${number}`);
  });

  it('a resident sees only their own reports; a member in the group is a resident there', async () => {
    expect(await app.chat.ask(GROUP, 'res-a', `查询 ${number}`)).toContain(`事件 ${number}：待受理`);
    expect(await app.chat.ask(GROUP, 'res-a', '查询')).toContain(number);
    const other = await app.chat.ask(GROUP, 'res-b', `查询 ${number}`);
    expect(other).toContain(`没有找到您反映的事件 ${number}`);
    expect(other).not.toContain('楼道灯');
    expect(await app.chat.ask(GROUP, 'res-b', '查询')).toContain('您还没有在本群反映过问题');
    // The grid head, in the residents' group, is a resident too: no member commands, no other reports.
    expect(await app.chat.ask(GROUP, 'wz-yg1', `查询 ${number}`)).toContain('没有找到您反映的事件');
    expect(await app.chat.ask(GROUP, 'res-b', `满意 ${number}`)).toContain(`没有找到您反映的事件 ${number}`);
  });

  it('on 结案 the resident is told in the group, @-mentioned, masked, with rating buttons; 不满意 reopens', async () => {
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `受理 ${number}`);
    const before = await botCount(GROUP);
    await closeByHead();
    const notices = (await app.chat.messages(GROUP)).filter((m) => m.from === 'bot').slice(before);
    expect(notices).toHaveLength(1);
    const notice = notices[0];
    expect(notice.text).toContain(`您反映的问题 ${number} 已处理完毕：已更换灯泡`);
    expect(notice.text).toContain('138****5678');
    expect(notice.text).not.toContain('13812345678');
    expect((await botMessages(app, GROUP, '您反映的问题'))[0].mentions).toEqual(['res-a']);
    expect((notice.card?.buttons ?? []).map((b) => b.command)).toEqual([`满意 ${number}`, `基本满意 ${number}`, `不满意 ${number}`]);

    // 不满意 without a reason asks for one and changes nothing; with one, it reopens at the grid.
    expect((await app.chat.press(GROUP, 'res-a', notice, `不满意 ${number}`)).map((m) => m.text).join()).toContain('请写明不满意的原因');
    expect(await app.chat.ask(GROUP, 'res-a', `查询 ${number}`)).toContain('已结案');
    expect(await app.chat.ask(GROUP, 'res-a', `不满意 ${number} 灯还是一闪一闪的`)).toContain(`问题 ${number} 已重新交由 阳光一网格 办理`);
    expect((await lastBot('dm-wz-yg1')).text).toContain(`事件 ${number} 评价不满意，已重新打开：灯还是一闪一闪的`);

    await closeByHead();
    const again = await lastBot(GROUP);
    expect(again.text).toContain(`您反映的问题 ${number} 已处理完毕`);
    const rated = await app.chat.press(GROUP, 'res-a', again, `满意 ${number}`);
    expect(rated[0].text).toContain(`感谢您的评价！问题 ${number}：满意`);
    const shown = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`);
    expect(shown).toContain('居民 评价 不满意：灯还是一闪一闪的');
    expect(shown).toContain('居民 评价 满意');
    expect(shown).toContain('已评价归档');
  });

  it('a quote-reply to the bot is addressed to it; 回访 only after 结案 and only by the grid or the unit that closed it', async () => {
    const ack = (await botMessages(app, GROUP, '已收到您反映的问题'))[0];
    const id = await app.chat.post(GROUP, 'res-a', `查询 ${number}`, { mentioned: false, quote: ack.id });
    await app.chat.settled(id);
    expect((await lastBot(GROUP)).text).toContain(`事件 ${number}：已评价归档`);

    expect(await app.chat.ask('dm-wz-hp1', 'wz-hp1', `回访 ${number} 电话 满意`)).toContain('不能记录回访');
    const open = grab(EVENT, await app.chat.ask(GROUP, 'res-b', '小区门口井盖松动'));
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `回访 ${open} 电话 满意`)).toContain(`事件 ${open} 尚未结案`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `回访 ${number} 短信 满意`)).toContain('电话、上门');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `回访 ${number} 上门 基本满意 灯已正常`)).toContain(`已记录事件 ${number} 的回访：上门，基本满意（灯已正常）`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`)).toContain('回访：上门 基本满意：灯已正常');
  });

  it("the resident's identity is sealed, every opening logged, and forgotten after the retention", async () => {
    const ds = app.runtime.dataSource;
    const rows = await ds.getRepository(ChatResidentSchema).find();
    expect(rows.length).toBeGreaterThanOrEqual(3); // res-a, res-b, the grid head as a resident
    for (const r of rows) expect(r.identitySealed).not.toMatch(/res-|wz-yg1|sandbox/);
    const opened = await ds.getRepository(ResidentAccessSchema).find({ where: { purpose: 'close_notice' } });
    expect(opened.map((o) => o.eventNumber)).toEqual([number, number]);

    // Retention 0 days: everyone idle with nothing open is forgotten (res-b's report is still open:
    // kept); the event keeps its origin.
    const result = await app.runtime.uow.runOnce('test:purge', async (tx) => {
      await tx.repos.settings.put('residents.retentionDays', 0, tx.now);
      return app.runtime.areas.residents.purge(tx);
    });
    expect(result).toEqual({ ran: true, result: rows.length - 1 });
    const after = await ds.getRepository(ChatResidentSchema).find();
    expect(after.filter((r) => r.identitySealed === null && r.identityMac === null && r.purgedAt !== null)).toHaveLength(rows.length - 1);
    expect(await app.chat.ask(GROUP, 'res-b', '查询')).toContain('井盖');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${number}`)).toContain('上报人：居民');
  });

  it("the grid head unbinds the residents' group", async () => {
    expect(await app.chat.ask(GROUP, 'wz-yg1', '解绑居民群')).toContain('已解除本群的居民群绑定');
    expect(await app.chat.ask(GROUP, 'wz-yg1', '解绑居民群')).toContain('本群不是居民群');
  });
});
