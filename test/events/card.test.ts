/**
 * What a user sees on an event card as the event moves: the deadline written the one way tasks
 * write it, 改派 instead of 派遣 once dispatched, and a 处置结果 that belongs to the current round of
 * work — gone after 核查不通过 and re-dispatch, the new one after the next 办结.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { startTestApp, type TestApp } from '../support/app';

const sh = (local: string) => new Date(`${local}+08:00`);

describe('the event card', () => {
  let app: TestApp;
  let current = sh('2026-11-23T09:00:00');
  const clock = { now: () => current };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  async function card(number: string): Promise<SandboxMessage> {
    const [shown] = await app.chat.say('dm-wz-yg1', 'wz-yg1', `事件 ${number}`);
    return shown;
  }
  const field = (m: SandboxMessage, label: string) => m.card?.fields?.find((f) => f.label === label)?.value;
  const labels = (m: SandboxMessage) => (m.card?.buttons ?? []).map((b) => b.label);

  it('writes the deadline as tasks do, offers 改派 once dispatched, and drops a result sent back', async () => {
    const number = /SJ\d{8}-\d{4}/.exec(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天'))![0];
    await app.chat.ask('dm-wz-yg1', 'wz-yg1', `受理 ${number}`);
    expect(labels(await card(number))).toContain('派遣');
    const dispatched = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 12月8日 请清运`);
    expect(dispatched).toContain('12月8日 17:30（周二）');
    const task = /T\d{8}-\d{4}/.exec(dispatched)![0];
    const afterDispatch = await card(number);
    expect(field(afterDispatch, '处置人')).toContain('12月8日 17:30（周二）');
    expect(labels(afterDispatch)).toContain('改派');
    expect(labels(afterDispatch)).not.toContain('派遣');

    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已清运`);
    expect(field(await card(number), '处置结果')).toBe('已清运');
    await app.chat.ask('dm-wz-yg1', 'wz-yg1', `核查 ${number} 不通过 现场仍有垃圾`);
    expect(field(await card(number), '处置结果')).toBeUndefined();
    current = sh('2026-11-24T09:00:00');
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 12月9日 请彻底清运`)).toContain('12月9日 17:30（周三）');
    const redispatched = await card(number);
    expect(field(redispatched, '处置结果')).toBeUndefined();
    expect(field(redispatched, '处置人')).toContain('12月9日 17:30（周三）');
  });
});
