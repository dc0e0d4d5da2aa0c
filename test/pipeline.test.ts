/**
 * The message pipeline end to end, on SQLite and on MariaDB: a message posted to the sandbox API
 * is queued, handled in one transaction, and answered through the outbox — once, however often
 * it is delivered.
 */
import { allKinds } from './support/databases';
import { startTestApp, type TestApp } from './support/app';

describe.each(allKinds())('message pipeline on %s', (db) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ db });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers a message sent through the sandbox API', async () => {
    const replies = await app.chat.say('dm-admin', 'admin', '帮助');
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain('新建单位');
    expect(replies[0].conversation).toBe('dm-admin');
  });

  it('answers a message the platform delivers three times only once', async () => {
    const id = 'platform-msg-42';
    for (let i = 0; i < 3; i++) await app.chat.post('dm-admin', 'admin', '我是谁', { id });
    await app.chat.settled(id);
    const before = await app.chat.messages('dm-admin');
    const answers = before.filter((m) => m.from === 'bot' && m.text.startsWith('系统管理员（#'));
    expect(answers).toHaveLength(1);
    // A fourth delivery later still changes nothing.
    await app.chat.post('dm-admin', 'admin', '我是谁', { id });
    await app.chat.outboxDrained();
    const after = await app.chat.messages('dm-admin');
    expect(after.filter((m) => m.from === 'bot')).toHaveLength(before.filter((m) => m.from === 'bot').length);
  });

  it('tells an unknown command what the sender may do', async () => {
    const text = await app.chat.ask('dm-admin', 'admin', '随便说说');
    expect(text).toContain('没有「随便说说」这个命令');
    expect(text).toContain('帮助');
  });

  it('explains wrong arguments with one correct example and creates nothing', async () => {
    const text = await app.chat.ask('dm-admin', 'admin', '新建单位 X?9 测试');
    expect(text).toContain('编码只能由');
    const missing = await app.chat.ask('dm-admin', 'admin', '添加成员 张三');
    expect(missing).toContain('缺少角色');
    expect(missing).toContain('示例：添加成员 王小明 网格员');
    expect(await app.chat.ask('dm-admin', 'admin', '组织')).toContain('还没有任何单位');
  });

  it('refuses an unbound sender and a member without the role, without revealing data', async () => {
    expect(await app.chat.ask('dm-stranger', 'stranger', '组织')).toContain('您还未绑定身份');
    expect(await app.chat.ask('dm-admin', 'admin', '新建单位 X01 示范县')).toContain('已创建县');
    await app.chat.enrol('worker1', '冯主任', '县中心', 'X01');
    const refused = await app.chat.ask('dm-worker1', 'worker1', '新建单位 01 幸福街道 X01');
    expect(refused).toBe('您没有权限执行「新建单位」。');
    expect(await app.chat.ask('dm-admin', 'admin', '组织')).not.toContain('幸福街道');
  });

  it('refuses a message that is not valid input with a 400 and queues nothing', async () => {
    const res = await fetch(`${app.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversation: 'dm-x', text: 'hi' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('user');
  });
});

describe('sandbox attachments', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('shows a photo or a location in the transcript and refuses a malformed one', async () => {
    await app.chat.say('dm-admin', 'admin', '', [{ kind: 'location', latitude: 30.27, longitude: 120.15, label: '幸福路12号' }]);
    const transcript = await app.chat.messages('dm-admin');
    expect(transcript[0].text).toBe('[位置] 幸福路12号');
    const res = await fetch(`${app.url}/sandbox/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text: '', attachments: [{ kind: 'location', latitude: 300, longitude: 0 }] }),
    });
    expect(res.status).toBe(400);
  });
});
