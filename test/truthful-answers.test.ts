/**
 * Answers that tell the truth and reveal nothing: typed words that are Object.prototype's keys,
 * a number one may not see, blank messages, the role words people say, 签收 before 办结.
 */
import { seedDemo } from '../src/adapters/db/demo';
import { startTestApp, type TestApp } from './support/app';

const INTERNALS = /\[object Object\]|undefined|function|native code|NaN/;

describe('truthful answers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it.each(['报送 __proto__ 内容', '报送 constructor 内容', '报送 toString\n住户变动 x', '上报 __proto__ 描述', '派单 冯网格员 明天 constructor 标题', '修改日程 报送提醒 周__proto__ 09:00', '添加成员 张三 constructor 01001001', '帮助 __proto__', 'toString', 'constructor', '__proto__'])(
    '%s is not a key into anything',
    async (text) => {
      const answer = await app.chat.ask('dm-admin', 'admin', text);
      expect(answer).not.toMatch(INTERNALS);
      expect(answer.length).toBeGreaterThan(0);
      const worker = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', text);
      expect(worker).not.toMatch(INTERNALS);
    },
  );

  it('answers a number one may not see exactly like a number that does not exist', async () => {
    const reported = await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放');
    const number = /SJ\d{8}-\d{4}/.exec(reported)![0];
    const real = await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `事件 ${number}`);
    const madeUp = await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `事件 ${number.slice(0, -4)}9999`);
    expect(real.replace(number, 'N')).toBe(madeUp.replace(`${number.slice(0, -4)}9999`, 'N'));
  });

  it('answers a blank message, whatever the blank, the same short way', async () => {
    const answers = [];
    for (const blank of [' ', '\u3000', '\u200b', '\u3000\u200b ']) answers.push(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', blank));
    expect(answers[0]).toContain('帮助');
    expect(new Set(answers).size).toBe(1);
  });

  it('takes the role words people say and refuses a role where it cannot work, with the reason', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '添加成员 张镇 镇中心 01')).toContain('已添加成员 张镇');
    expect(await app.chat.ask('dm-admin', 'admin', '添加成员 李镇 镇（街道）中心 01')).toContain('已添加成员 李镇');
    expect(await app.chat.ask('dm-admin', 'admin', '添加成员 赵网 分网格长 01001001')).toContain('网格长');
    const refused = await app.chat.ask('dm-admin', 'admin', '添加成员 王镇 网格员 01');
    expect(refused).toContain('「网格员」不能设在');
    expect(refused).toContain('只在网格一级工作');
    expect(await app.chat.ask('dm-admin', 'admin', '帮助 添加成员')).toContain('镇中心');
  });

  it('tells the assignee to sign for a task before reporting it done', async () => {
    const dispatched = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 3个工作日 入户走访登记');
    const task = /T\d{8}-\d{4}/.exec(dispatched)![0];
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已走访`)).toContain(`请先发送「签收 ${task}」`);
  });

  it('leaves a withdrawn task out of 任务进度', async () => {
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '派单 01001 3个工作日 人口普查入户');
    const first = /T\d{8}-\d{4}/.exec(reply)![0];
    const inbox = (await app.chat.messages('dm-wgy-yg2')).filter((m) => m.from === 'bot' && m.text.includes('人口普查入户')).pop()!;
    const second = /T\d{8}-\d{4}/.exec(inbox.text)![0];
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', `撤回 ${second} 二网格另行安排`)).toContain('已撤回');
    const [progress] = await app.chat.say('dm-sj-yg', 'sj-yg', `任务进度 ${first}`);
    expect(progress!.card!.fields).toEqual(expect.arrayContaining([{ label: '已办结', value: '0/1' }]));
    expect(progress!.card!.lines?.join('\n')).not.toContain('阳光二网格');
  });

  it('puts the photos of a 办结 on their own line in the dispatcher’s notice', async () => {
    const dispatched = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 3个工作日 清理楼道');
    const task = /T\d{8}-\d{4}/.exec(dispatched)![0];
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已清理完毕`, [{ kind: 'image', url: 'https://example.test/done.jpg' }]);
    const notice = (await app.chat.messages('dm-wz-yg1')).filter((m) => m.from === 'bot' && m.text.includes(task) && m.text.includes('附照片')).pop()!;
    expect(notice.text).toMatch(/已清理完毕[^\n]*\n附照片 1 张/);
  });
});
