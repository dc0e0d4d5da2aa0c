/**
 * The exactly-once stories on a Redis Cluster of three masters (spawned by this test on free
 * ports): a message the platform delivers three times is answered once; two processes side by
 * side, one of them killed with SIGKILL mid-work, lose no accepted message, answer each once and
 * send each reminder rung once; a fan-out interrupted half-way neither drops nor repeats a grid.
 * The queues sit on hash-tagged prefixes spread over the masters.
 */
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { In } from 'typeorm';
import { seedDemo } from '../src/adapters/db/demo';
import { REMINDER_SETTING, type ReminderSetting } from '../src/bot/tasks';
import { timerContext } from '../src/bot/timers';
import { CalendarSource } from '../src/bot/calendar/source';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work';
import { OutboxSchema } from '../src/adapters/db/schemas/core';
import { TaskHistorySchema, TaskSchema } from '../src/adapters/db/schemas/tasks';
import { INBOUND_QUEUE, TIMERS_QUEUE } from '../src/jobs/queues';
import { timerKey } from '../src/jobs/timer-worker';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { eventually, startTestApp, type TestApp } from './support/app';
import { startBotProcess } from './support/process';
import { startRedisCluster, type RedisDeployment } from './support/redis-servers';
import { GRID_GROUPS, botMessages, clockAt, timersIdle } from './attendance/support';

const S = 1 / 3600;
/** Five rungs a second apart (the ladder of test/tasks/reminders.test.ts). */
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
const RUNG_MESSAGES = [
  ['ack', 'dm-wgy-yg1', '【待签收提醒】'],
  ['before', 'dm-wgy-yg1', '【到期提醒】'],
  ['due', 'dm-wgy-yg1', '【逾期】'],
  ['due', 'dm-wz-yg1', '【逾期通报】'],
  ['urge', 'community-01001', '【催办】'],
  ['supervise', 'town-01', '【督办】'],
] as const;

async function dispatchDueIn(app: TestApp, ms: number): Promise<string> {
  const outcome = await app.runtime.uow.runOnce(`test-dispatch-${crypto.randomUUID()}`, async (tx) => {
    const assignee = await tx.repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'wgy-yg1' });
    const dispatcher = await tx.repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'sj-yg' });
    const grid = await tx.repos.org.unitByCode('01001001');
    const [view] = await app.runtime.areas.tasks.dispatch(tx, {
      title: '排查燃气隐患',
      assignee: { kind: 'member', memberId: assignee!.id },
      dispatcherMemberId: dispatcher!.id,
      scopeUnitId: grid!.id,
      deadline: new Date(Date.now() + ms),
      priority: 'normal',
      source: { kind: 'adhoc', ref: '' },
    });
    return view.number;
  });
  if (!outcome.ran) throw new Error('dispatch did not run');
  return outcome.result;
}

async function rungCounts(app: TestApp, number: string): Promise<string[]> {
  const out: string[] = [];
  for (const [rung, conversation, prefix] of RUNG_MESSAGES) {
    const n = (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.startsWith(prefix) && m.text.includes(number)).length;
    out.push(`${rung}@${conversation}:${n}`);
  }
  return out;
}

describe('on a Redis Cluster of three masters', () => {
  let cluster: RedisDeployment;
  let db: TestDatabase;
  const env = () => ({ REDIS_URL: cluster.url });
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    await cluster?.stop();
  });

  it('keeps each queue in one slot and spreads the queues over the masters', async () => {
    const queues = [INBOUND_QUEUE, TIMERS_QUEUE, 'outbox-sandbox', 'schedules'];
    // A prefix whose four queue tags do not all hash to one master's slots: with one tag per queue
    // most prefixes are such (a random one lands all four on one master 1 time in 27); a tag shared
    // by every queue would make none so, and the checks below would fail.
    const cli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(cluster.ports[0]), ...args], { encoding: 'utf8' }).stdout.trim();
    // redis-cli --cluster create gives three masters slots 0–5460, 5461–10922 and 10923–16383.
    const third = (tag: string) => [5460, 10922, 16383].findIndex((last) => Number(cli('cluster', 'keyslot', tag)) <= last);
    let queuePrefix = '';
    for (let i = 0; i < 20 && !queuePrefix; i++) {
      const candidate = `gbc${crypto.randomBytes(4).toString('hex')}`;
      if (new Set(queues.map((q) => third(`${candidate}:${q}`))).size > 1) queuePrefix = candidate;
    }
    const app = await startTestApp({ database: db, queuePrefix, env: env() });
    try {
      await app.chat.ask('dm-admin', 'admin', '帮助');
      const owners = new Set<number>();
      for (const queue of queues) {
        const tag = `${app.queuePrefix}:${queue}`;
        expect(app.runtime.connections.queuePrefix(queue)).toBe(`{${tag}}`);
        const slot = Number(spawnSync('redis-cli', ['-p', String(cluster.ports[0]), 'cluster', 'keyslot', tag], { encoding: 'utf8' }).stdout.trim());
        const port = cluster.ports.find((p) => spawnSync('redis-cli', ['-p', String(p), 'cluster', 'countkeysinslot', String(slot)], { encoding: 'utf8' }).stdout.trim() !== '0');
        expect({ queue, stored: port !== undefined }).toEqual({ queue, stored: true });
        owners.add(port!);
      }
      expect(owners.size).toBeGreaterThan(1);
      expect(app.runtime.connections.keyPrefix).toBe(`{${app.queuePrefix}}`);
    } finally {
      await app.stop();
    }
  });

  it('answers a message the platform delivers three times only once', async () => {
    const app = await startTestApp({ database: db, env: env() });
    try {
      for (let i = 0; i < 3; i++) await app.chat.post('dm-admin', 'admin', '我是谁', { id: 'redelivered-1' });
      await app.chat.settled('redelivered-1');
      await app.chat.ask('dm-admin', 'admin', '帮助');
      const answers = (await app.chat.messages('dm-admin')).filter((m) => m.from === 'bot' && m.text.startsWith('系统管理员（#'));
      expect(answers).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it('with two processes, one killed by SIGKILL mid-work, answers every accepted message once and sends each reminder rung once', async () => {
    const database = await createTestDatabase();
    const queuePrefix = `gbc${crypto.randomBytes(4).toString('hex')}`;
    const lock = { JOB_LOCK_MS: '2000' };
    const two = await startTestApp({ database, queuePrefix, env: { ...env(), ...lock } });
    const one = await startBotProcess({ DATABASE_URL: database.url, REDIS_URL: cluster.url, QUEUE_PREFIX: queuePrefix, BOOTSTRAP_ADMINS: 'sandbox:admin', SANDBOX_ENABLED: 'true', ...lock });
    try {
      await seedDemo(two.runtime.uow);
      await two.runtime.uow.runOnce(`test-ladder-${crypto.randomUUID()}`, (tx) => tx.repos.settings.put(REMINDER_SETTING, FAST_LADDER, tx.now));
      const number = await dispatchDueIn(two, 4000);
      const count = 30;
      for (let i = 0; i < count; i++) {
        const res = await fetch(`${one.url}/sandbox/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text: '我是谁', id: `k${i}` }),
        });
        expect(res.status).toBe(202);
      }
      one.child.kill('SIGKILL');
      await one.exited;

      const answers = async () => (await two.chat.messages('dm-admin')).filter((m) => m.from === 'bot' && m.text.startsWith('系统管理员（#')).length;
      await eventually(async () => (await answers()) >= count, `${count} answers`, 60_000);
      await eventually(async () => (await rungCounts(two, number)).every((c) => !c.endsWith(':0')), 'every rung', 60_000);
      await timersIdle(two);
      // A late duplicate gets every chance to show up before counting.
      await two.chat.ask('dm-admin', 'admin', '帮助');
      expect(await answers()).toBe(count);
      expect(await rungCounts(two, number)).toEqual(RUNG_MESSAGES.map(([rung, conversation]) => `${rung}@${conversation}:1`));
      const task = await two.runtime.dataSource.getRepository(TaskSchema).findOneByOrFail({ number });
      const fired = (await two.runtime.dataSource.getRepository(TaskHistorySchema).find({ where: { taskId: task.id }, order: { id: 'ASC' } })).filter((r) => r.action.startsWith('rung.'));
      expect(fired.map((r) => r.note)).toEqual(['ack', 'before', 'due', 'urge', 'supervise']);
    } finally {
      if (one.child.exitCode === null && one.child.signalCode === null) one.child.kill('SIGKILL');
      await two.stop();
      await database.drop();
    }
    // A child process under tsx starts slowly on a busy machine.
  }, 180_000);

  it('neither drops nor repeats a grid when a process dies during a fan-out', async () => {
    const database = await createTestDatabase();
    const queuePrefix = `gbc${crypto.randomBytes(4).toString('hex')}`;
    const clock = clockAt('2026-11-20T09:00:00');
    const period = '2026-11-20';
    const fanoutJobId = `inforeport-prompt-${period}`;
    const key = timerKey({ name: 'inforeport-fanout', id: fanoutJobId });
    const first = await startTestApp({ database, queuePrefix, clock, env: env() });
    await seedDemo(first.runtime.uow);
    // The fan-out committed, two of its four grid jobs reached the queue, then the process died.
    const dying = new TypeOrmUnitOfWork(first.runtime.dataSource, clock, database.url, new CalendarSource(first.runtime.config.TIMEZONE));
    const fanout = first.runtime.bot.timers.get('inforeport-fanout')!;
    expect((await dying.runOnce(key, (tx) => fanout.run(timerContext(tx, fanoutJobId), { step: 'prompt', period }))).ran).toBe(true);
    const outbox = first.runtime.dataSource.getRepository(OutboxSchema);
    const rows = await outbox.find({ where: { sourceKey: key } });
    expect(rows).toHaveLength(4);
    const handed = rows.slice(0, 2);
    for (const row of handed) {
      const job = JSON.parse(row.payload) as { name: string; jobId: string; data: Record<string, unknown> };
      await first.runtime.queues.get(TIMERS_QUEUE).add(job.name, job.data, { jobId: job.jobId });
    }
    await outbox.update({ id: In(handed.map((r) => r.id)) }, { dispatchedAt: new Date() });
    await first.stop();

    const second = await startTestApp({ database, queuePrefix, clock, env: env() });
    try {
      const timers = second.runtime.queues.get(TIMERS_QUEUE);
      await timers.add('inforeport-fanout', { step: 'prompt', period }, { jobId: fanoutJobId });
      await eventually(async () => {
        for (const group of GRID_GROUPS) if (!(await botMessages(second, group, `【信息报送】${period}`)).length) return false;
        return true;
      }, 'a prompt in every grid group');
      await timersIdle(second);
      for (const group of GRID_GROUPS) expect({ group, prompts: (await botMessages(second, group, `【信息报送】${period}`)).length }).toEqual({ group, prompts: 1 });
    } finally {
      await second.stop();
      await database.drop();
    }
  });
});
