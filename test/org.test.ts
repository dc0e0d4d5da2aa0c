/**
 * The organisation through the bot: the tree, members and roles, invite codes, group binding —
 * and authority that follows the tree.
 */
import { seedDemo } from '../src/adapters/db/demo';
import { startTestApp, type TestApp } from './support/app';
import { allKinds } from './support/databases';

describe.each(allKinds())('organisation on %s', (db) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ db });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('shows the whole tree to an admin and only their branch to a grid head', async () => {
    const all = await app.chat.ask('dm-admin', 'admin', '组织');
    for (const name of ['示范县', '幸福街道', '阳光社区', '和平社区', '阳光一网格', '和平二网格']) expect(all).toContain(name);
    const head = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '组织');
    expect(head).toContain('阳光一网格');
    expect(head).not.toContain('阳光二网格');
    expect(head).not.toContain('和平社区');
  });

  it('adds a member who binds themselves with the invite code, once, and only 1:1', async () => {
    const added = await app.chat.ask('dm-admin', 'admin', '添加成员 蒋网格员 网格员 01001001 13812345678');
    const code = /绑定 ([A-Z0-9]{8})/.exec(added)![1];
    expect(await app.chat.ask('grid-01001001', 'new-worker', `绑定 ${code}`)).toContain('请私聊机器人');
    expect(await app.chat.ask('dm-new-worker', 'new-worker', '绑定 WRONGCOD')).toContain('邀请码无效');
    const bound = await app.chat.ask('dm-new-worker', 'new-worker', `绑定 ${code.toLowerCase()}`);
    expect(bound).toContain('绑定成功！蒋网格员');
    expect(bound).toContain('网格员（阳光一网格）');
    expect(await app.chat.ask('dm-someone-else', 'someone-else', `绑定 ${code}`)).toContain('邀请码无效');
    expect(await app.chat.ask('dm-new-worker', 'new-worker', '我是谁')).toContain('蒋网格员');
  });

  it('lets a community admin act on its own grids and never on a neighbour', async () => {
    await app.chat.ask('dm-admin', 'admin', '授权 孙书记 管理员 01001');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '新建单位 01001003 阳光三网格 01001')).toContain('已创建网格「阳光三网格」');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '新建单位 01002003 和平三网格 01002')).toBe('您没有权限对「和平社区」执行「新建单位」。');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '改名 01002001 别人的网格')).toBe('您没有权限对「和平一网格」执行「改名」。');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '添加成员 路人甲 网格员 01002001')).toBe('您没有权限对「和平一网格」执行「添加成员」。');
    // A county-level unit needs a global admin.
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '新建单位 X02 另一个县')).toBe('您没有权限执行「新建单位」。');
    expect(await app.chat.ask('dm-admin', 'admin', '组织 01002')).not.toContain('和平三网格');
  });

  it('lists members of the own unit only, without phone numbers', async () => {
    const own = await app.chat.ask('dm-sj-hp', 'sj-hp', '成员 01002');
    expect(own).toContain('褚网格员');
    expect(own).not.toContain('139');
    expect(await app.chat.ask('dm-sj-hp', 'sj-hp', '成员 01001')).toBe('您没有权限对「阳光社区」执行「成员」。');
    expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '成员 01002001')).toBe('您没有权限执行「成员」。');
  });

  it('binds a group to a unit when its leader asks in that group, and refuses a gridworker', async () => {
    expect(await app.chat.ask('dm-wz-hp2', 'wz-hp2', '绑定群 01002002')).toBe('「绑定群」请在网格群里发送。');
    expect(await app.chat.ask('new-group-1', 'wgy-hp2', '绑定群 01002002')).toBe('您没有权限执行「绑定群」。');
    expect(await app.chat.ask('new-group-1', 'wz-hp1', '绑定群 01002002')).toBe('您没有权限对「和平二网格」执行「绑定群」。');
    expect(await app.chat.ask('new-group-1', 'wz-hp2', '绑定群 01002002')).toContain('本群已绑定到网格「和平二网格」');
  });

  it('grants and revokes roles, and each change answers what happened', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '授权 卫网格员 网格长 01002002')).toBe('已授予 卫网格员 网格长（和平二网格）。');
    expect(await app.chat.ask('dm-admin', 'admin', '授权 卫网格员 网格长 01002002')).toBe('卫网格员 已是 和平二网格 的网格长。');
    expect(await app.chat.ask('dm-admin', 'admin', '撤销授权 卫网格员 网格长 01002002')).toBe('已取消 卫网格员 在 和平二网格 的网格长。');
    expect(await app.chat.ask('dm-admin', 'admin', '授权 卫网格员 队长 01002002')).toContain('应为以下之一：网格员、网格长');
  });
});

describe('WeCom group robots', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('binds a webhook to a unit without echoing the secret key, 1:1 only', async () => {
    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5abc';
    expect(await app.chat.ask('community-01001', 'admin', `绑定机器人 01001 ${url}`)).toContain('请私聊机器人发送');
    const reply = await app.chat.ask('dm-admin', 'admin', `绑定机器人 01001 ${url}`);
    expect(reply).toBe('已为「阳光社区」绑定企业微信群机器人（key 尾号 5abc）。该单位的通知也会经它发送到群里。');
    const bound = await app.runtime.uow.read((r) => r.org.conversationsOf(3));
    expect(bound.map((c) => `${c.channel}|${c.conversationId}`)).toContain('wecom|webhook:693a91f6-7aaa-4bc4-97a0-0ec2sifa5abc');
    expect(await app.chat.ask('dm-admin', 'admin', '绑定机器人 01001 not-a-webhook')).toContain('请提供群机器人的 Webhook 地址');
  });
});
