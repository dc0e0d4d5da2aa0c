/**
 * The reminder ladder on real MariaDB + Redis with deadlines seconds away (a deployment's
 * `tasks.reminders` setting makes the rungs seconds apart): each rung fires once, within a second
 * of its time, to the right people; an extension moves the later rungs; completion silences them;
 * a restart between rungs and two processes side by side still send each reminder once.
 */
import crypto from 'node:crypto';
import { seedDemo } from '../../src/adapters/db/demo';
import { REMINDER_SETTING, type ReminderSetting } from '../../src/bot/tasks';
import { TaskHistorySchema, TaskSchema } from '../../src/adapters/db/schemas/tasks';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually, startTestApp, type TestApp } from '../support/app';

const S = 1 / 3600; // one second, in hours
/** The default ladder's shape, compressed: ack at D-2s, remind D-1s, due D, 催办 D+1s, 督办 D+2s. */
const FAST_LADDER: ReminderSetting = {
  normal: {
    deferInQuietHours: false,
    rungs: [
      { key: 'ack', anchor: { from: 'deadline', hours: -2 * S }, audience: 'assignee', kind: 'remind', silencedBy: 'acknowledgement' },
      { key: 'before', anchor: { from: 'deadline', hours: -1 * S }, audience: 'assignee', kind: 'remind', silencedBy: 'completion' },
      { key: 'due', anchor: { from: 'deadline', hours: 0 }, audience: 'assignee+gridHead', kind: 'overdue', silencedBy: 'completion' },
      { key: 'urge', anchor: { from: 'deadline', hours: 1 * S }, audience: 'community', kind: 'urge', silencedBy: 'completion' },
      { key: 'supervise', anchor: { from: 'deadline', hours: 2 * S }, audience: 'levelAbove', kind: 'supervise', silencedBy: 'completion' },
    ],
  },
};

/** Where each rung's message lands in the demo org, and how it starts. */
const EXPECTED = {
  ack: { conversation: 'dm-wgy-yg1', prefix: '【待签收提醒】', offset: -2000 },
  before: { conversation: 'dm-wgy-yg1', prefix: '【到期提醒】', offset: -1000 },
  dueAssignee: { conversation: 'dm-wgy-yg1', prefix: '【逾期】', offset: 0 },
  dueGridHead: { conversation: 'dm-wz-yg1', prefix: '【逾期通报】', offset: 0 },
  dueDispatcher: { conversation: 'dm-sj-yg', prefix: '【逾期通报】', offset: 0 },
  urge: { conversation: 'community-01001', prefix: '【催办】', offset: 1000 },
  supervise: { conversation: 'town-01', prefix: '【督办】', offset: 2000 },
} as const;
type Rung = keyof typeof EXPECTED;
const ALL_RUNGS = Object.keys(EXPECTED) as Rung[];

async function useFastLadder(app: TestApp): Promise<void> {
  await app.runtime.uow.runOnce(`test-ladder-${crypto.randomUUID()}`, (tx) => tx.repos.settings.put(REMINDER_SETTING, FAST_LADDER, tx.now));
}

/** 孙书记 (community) dispatches to 冯网格员 (grid 01001001) through the TaskService, due in `ms`. */
async function dispatchDueIn(app: TestApp, ms: number): Promise<{ number: string; deadline: Date }> {
  const deadline = new Date(Date.now() + ms);
  const outcome = await app.runtime.uow.runOnce(`test-dispatch-${crypto.randomUUID()}`, async (tx) => {
    const assignee = await tx.repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'wgy-yg1' });
    const dispatcher = await tx.repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'sj-yg' });
    const grid = await tx.repos.org.unitByCode('01001001');
    const [view] = await app.runtime.areas.tasks.dispatch(tx, {
      title: '排查燃气隐患',
      assignee: { kind: 'member', memberId: assignee!.id },
      dispatcherMemberId: dispatcher!.id,
      scopeUnitId: grid!.id,
      deadline,
      priority: 'normal',
      source: { kind: 'adhoc', ref: '' },
    });
    return view.number;
  });
  if (!outcome.ran) throw new Error('dispatch did not run');
  return { number: outcome.result, deadline };
}

async function rungMessages(app: TestApp, number: string): Promise<Map<Rung, SandboxMessage[]>> {
  const found = new Map<Rung, SandboxMessage[]>();
  for (const rung of ALL_RUNGS) {
    const { conversation, prefix } = EXPECTED[rung];
    const messages = (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.startsWith(prefix) && m.text.includes(number));
    found.set(rung, messages);
  }
  return found;
}

async function awaitRungs(app: TestApp, number: string, rungs: readonly Rung[], timeoutMs = 20_000): Promise<Map<Rung, SandboxMessage[]>> {
  return eventually(async () => {
    const found = await rungMessages(app, number);
    return rungs.every((r) => (found.get(r)?.length ?? 0) > 0) ? found : null;
  }, `rungs ${rungs.join(', ')} of ${number}`, timeoutMs);
}

/** Resolves once no reminder job is left to run and every message is out. */
async function timersIdle(app: TestApp): Promise<void> {
  const queue = app.runtime.queues.get(TIMERS_QUEUE);
  await eventually(async () => {
    const counts = await queue.getJobCounts('delayed', 'waiting', 'active', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, 'timers queue to be idle');
  await app.chat.outboxDrained();
}

async function firedRungKeys(app: TestApp, number: string): Promise<string[]> {
  const task = await app.runtime.dataSource.getRepository(TaskSchema).findOneByOrFail({ number });
  const rows = await app.runtime.dataSource.getRepository(TaskHistorySchema).find({ where: { taskId: task.id }, order: { id: 'ASC' } });
  return rows.filter((r) => r.action.startsWith('rung.')).map((r) => r.note ?? '');
}

function expectOnceOnTime(found: Map<Rung, SandboxMessage[]>, rungs: readonly Rung[], deadline: Date): void {
  for (const rung of rungs) {
    const messages = found.get(rung) ?? [];
    expect({ rung, count: messages.length }).toEqual({ rung, count: 1 });
    const lateness = new Date(messages[0].at).getTime() - (deadline.getTime() + EXPECTED[rung].offset);
    expect({ rung, onTime: lateness > -50 && lateness < 1000 }).toEqual({ rung, onTime: true });
  }
}

describe('the reminder ladder', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
    await useFastLadder(app);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('fires each rung once, within a second of its time, to the assignee, the grid head, the community and the town', async () => {
    const { number, deadline } = await dispatchDueIn(app, 3500);
    const found = await awaitRungs(app, number, ALL_RUNGS);
    await timersIdle(app);
    expectOnceOnTime(await rungMessages(app, number), ALL_RUNGS, deadline);
    expect(found.get('urge')![0].text).toContain('已逾期 1 个工作日');
    expect(await firedRungKeys(app, number)).toEqual(['ack', 'before', 'due', 'urge', 'supervise']);
  });

  it('moves the later rungs when the dispatcher approves an extension', async () => {
    const { number, deadline } = await dispatchDueIn(app, 4500);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${number}`);
    const later = new Date(deadline.getTime() + 3000);
    await app.runtime.uow.runOnce(`test-extension-${number}`, async (tx) => {
      const service = app.runtime.areas.tasks;
      const task = (await tx.repos.tasks.byNumber(number, true))!;
      const outcome = await service.act(tx, task, { type: 'request_extension', deadline: later, reason: '住户外出' }, service.actorFor(task, task.assigneeId, false));
      expect(outcome.ok).toBe(true);
    });
    await app.chat.outboxDrained();
    const request = (await app.chat.messages('dm-sj-yg')).filter((m) => m.text.includes('申请将任务') && m.text.includes(number));
    const approved = await app.chat.press('dm-sj-yg', 'sj-yg', request[0], `同意延期 ${number}`);
    expect(approved[0].text).toContain('已同意延期');

    const later4 = ['before', 'dueAssignee', 'dueGridHead', 'dueDispatcher', 'urge', 'supervise'] as const;
    await awaitRungs(app, number, later4);
    await timersIdle(app);
    const found = await rungMessages(app, number);
    expectOnceOnTime(found, later4, later);
    expect(found.get('ack')).toHaveLength(0); // signed before its time
    expect(await firedRungKeys(app, number)).toEqual(['before', 'due', 'urge', 'supervise']);
  });

  it('sends nothing more once the task is closed, even for a rung whose cancellation was lost', async () => {
    const { number } = await dispatchDueIn(app, 3000);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${number}`);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${number} 已排查，无隐患`)).toContain('已办结');
    await timersIdle(app); // the rungs were cancelled
    await app.chat.outboxDrained();
    // What the ladder sent before the close (nothing on a quiet machine; the 签收 reminder when the
    // machine is so slow that 签收 came after its time) is the baseline: nothing may follow it.
    const before = await rungMessages(app, number);
    const firedBefore = await firedRungKeys(app, number);
    // A rung of the closed task still in the queue (a cancel that did not reach Redis) fires and is refused.
    const queue = app.runtime.queues.get(TIMERS_QUEUE);
    const stale = await queue.add(
      'task.reminder',
      { number, deadlineVersion: 1, rung: { key: 'due', fireAt: new Date().toISOString(), audience: 'assignee+gridHead', kind: 'overdue', silencedBy: 'completion' } },
      { jobId: `reminder.${number}.due.v1`, delay: 200 },
    );
    await eventually(async () => (await stale.getState()) === 'completed', 'the stale rung to run');
    await app.chat.outboxDrained();
    const found = await rungMessages(app, number);
    for (const rung of ALL_RUNGS) expect({ rung, count: found.get(rung)?.length }).toEqual({ rung, count: before.get(rung)?.length });
    expect(found.get('dueAssignee')).toHaveLength(0); // the stale rung itself sent nothing
    expect(await firedRungKeys(app, number)).toEqual(firedBefore);
  });
});

describe('reminders across processes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mysql');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('fires the rest once after the process is stopped and a new one started between rungs', async () => {
    const queuePrefix = `gbtr${crypto.randomBytes(4).toString('hex')}`;
    const first = await startTestApp({ database: db, queuePrefix });
    await seedDemo(first.runtime.uow);
    await useFastLadder(first);
    const { number } = await dispatchDueIn(first, 4000);
    await awaitRungs(first, number, ['ack']);
    await first.stop();

    const second = await startTestApp({ database: db, queuePrefix });
    try {
      await awaitRungs(second, number, ALL_RUNGS);
      await timersIdle(second);
      const found = await rungMessages(second, number);
      for (const rung of ALL_RUNGS) expect({ rung, count: found.get(rung)?.length }).toEqual({ rung, count: 1 });
      expect(await firedRungKeys(second, number)).toEqual(['ack', 'before', 'due', 'urge', 'supervise']);
    } finally {
      await second.stop();
    }
  });

  it('sends each reminder once with two processes side by side', async () => {
    const queuePrefix = `gbtr${crypto.randomBytes(4).toString('hex')}`;
    const one = await startTestApp({ database: db, queuePrefix });
    const two = await startTestApp({ database: db, queuePrefix });
    try {
      await useFastLadder(one);
      const { number, deadline } = await dispatchDueIn(one, 3500);
      await awaitRungs(two, number, ALL_RUNGS);
      await timersIdle(one);
      await timersIdle(two);
      expectOnceOnTime(await rungMessages(one, number), ALL_RUNGS, deadline);
      expect(await firedRungKeys(two, number)).toEqual(['ack', 'before', 'due', 'urge', 'supervise']);
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
