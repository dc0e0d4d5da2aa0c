/**
 * The TaskService seam other areas dispatch through: an event's task reaches the assignee, the
 * event area hears 签收/办结/退回 in the acting transaction, verification reopens or closes it, and
 * a reopened task gets a fresh reminder plan.
 */
import crypto from 'node:crypto';
import { seedDemo } from '../../src/adapters/db/demo';
import type { TaskView } from '../../src/bot/tasks/contract';
import type { Tx } from '../../src/bot/ports';
import type { BotRepos } from '../../src/bot/modules';
import { TaskSchema } from '../../src/adapters/db/schemas/tasks';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { startTestApp, type TestApp } from '../support/app';

describe('the task service for events', () => {
  let app: TestApp;
  const heard: string[] = [];
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
    app.runtime.areas.tasks.addListener({
      sourceKind: 'event',
      onAccepted: async (_tx: Tx, task: TaskView) => void heard.push(`accepted ${task.source.ref} ${task.status}`),
      onSubmitted: async (_tx, task, _actor, result) => void heard.push(`submitted ${task.source.ref} ${task.status} ${result.text} ${result.photoUrls.length}`),
      onReturned: async (_tx, task, _actor, reason) => void heard.push(`returned ${task.source.ref} ${reason}`),
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  const run = async <T>(work: (tx: Tx<BotRepos>) => Promise<T>): Promise<T> => {
    const outcome = await app.runtime.uow.runOnce(`test-${crypto.randomUUID()}`, work);
    if (!outcome.ran) throw new Error('did not run');
    await app.chat.outboxDrained();
    return outcome.result;
  };
  const memberId = async (user: string) => run(async (tx) => (await tx.repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: user }))!.id);

  it('dispatches, lets the source hear the work, and reopens or closes after verification', async () => {
    const worker = await memberId('wgy-yg1');
    const head = await memberId('wz-yg1');
    const grid = await run(async (tx) => (await tx.repos.org.unitByCode('01001001'))!.id);
    const [view] = await run((tx) =>
      app.runtime.areas.tasks.dispatch(tx, {
        title: '清运垃圾',
        assignee: { kind: 'member', memberId: worker },
        dispatcherMemberId: head,
        scopeUnitId: grid,
        deadline: new Date(Date.now() + 3 * 86_400_000),
        priority: 'urgent',
        source: { kind: 'event', ref: 'SJ20261124-0001' },
      }),
    );
    expect(view.status).toBe('dispatched');
    const card = (await app.chat.messages('dm-wgy-yg1')).at(-1)!;
    expect(card.text).toContain(`您有新任务 ${view.number}`);
    expect(card.card?.fields).toEqual(expect.arrayContaining([{ label: '来源', value: '事件 SJ20261124-0001' }]));

    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${view.number}`);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${view.number} 已清运`)).toContain('等待核查');
    expect(heard).toEqual([`accepted SJ20261124-0001 accepted`, `submitted SJ20261124-0001 submitted 已清运 0`]);

    const queue = app.runtime.queues.get(TIMERS_QUEUE);
    const pendingIds = async () => (await queue.getJobs(['delayed'])).map((j) => j.id).filter((id) => id?.includes(view.number));
    expect(await pendingIds()).toEqual([]); // 办结 silenced the ladder

    await run((tx) => app.runtime.areas.tasks.reopen(tx, view.id, head, '现场仍有垃圾'));
    expect((await app.chat.messages('dm-wgy-yg1')).at(-1)!.text).toContain('核查未通过：现场仍有垃圾');
    const rearmed = await pendingIds();
    expect(rearmed.length).toBeGreaterThan(0);
    expect(rearmed.every((id) => id?.endsWith('.v2'))).toBe(true);

    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${view.number} 已彻底清运`);
    await run((tx) => app.runtime.areas.tasks.close(tx, view.id, head));
    expect((await app.runtime.dataSource.getRepository(TaskSchema).findOneByOrFail({ id: view.id })).state).toBe('done');
    expect((await app.chat.messages('dm-wgy-yg1')).at(-1)!.text).toContain('核查通过');
    expect(await run((tx) => app.runtime.areas.tasks.bySource(tx, { kind: 'event', ref: 'SJ20261124-0001' }))).toEqual([expect.objectContaining({ id: view.id, status: 'done' })]);
  });

  it('tells the source when the assignee hands a task back, and a withdrawal ends it', async () => {
    const worker = await memberId('wgy-yg2');
    const head = await memberId('wz-yg2');
    const grid = await run(async (tx) => (await tx.repos.org.unitByCode('01001002'))!.id);
    const [view] = await run((tx) =>
      app.runtime.areas.tasks.dispatch(tx, { title: '修补路面', assignee: { kind: 'member', memberId: worker }, dispatcherMemberId: head, scopeUnitId: grid, deadline: new Date(Date.now() + 86_400_000), priority: 'normal', source: { kind: 'event', ref: 'SJ20261124-0002' } }),
    );
    await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `退回 ${view.number} 需要专业施工队`);
    expect(heard.at(-1)).toBe('returned SJ20261124-0002 需要专业施工队');
    await run((tx) => app.runtime.areas.tasks.withdraw(tx, view.id, head, '改派城管'));
    expect((await app.runtime.dataSource.getRepository(TaskSchema).findOneByOrFail({ id: view.id })).state).toBe('withdrawn');
  });
});
