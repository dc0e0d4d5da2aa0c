/**
 * Exactly once per grid and period, whatever the processes do: two bot processes side by side
 * (both upsert the schedulers, both run timers) send each prompt, reminder and summary once; and a
 * process that dies in the middle of a fan-out — the fan-out committed, half of its grid jobs
 * handed to the queue — leaves the rest to the next process without dropping or repeating a grid.
 */
import crypto from 'node:crypto';
import { In } from 'typeorm';
import { seedDemo } from '../../src/adapters/db/demo';
import { timerContext } from '../../src/bot/timers';
import { CalendarSource } from '../../src/bot/calendar/source';
import { TypeOrmUnitOfWork } from '../../src/adapters/db/unit-of-work';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { timerKey } from '../../src/jobs/timer-worker';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually, startTestApp } from '../support/app';
import { GRID_GROUPS, awaitFirings, backToDefault, botMessages, clockAt, everySecond, firingsOf, timersIdle } from './support';

const HEADS = ['dm-wz-yg1', 'dm-wz-yg2', 'dm-wz-hp1', 'dm-wz-hp2'];

describe('the info report exactly once', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mysql');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('sends each prompt, reminder and summary once per grid with two processes side by side', async () => {
    const queuePrefix = `gbta${crypto.randomBytes(4).toString('hex')}`;
    const clock = clockAt('2026-11-24T09:00:00');
    const one = await startTestApp({ database: db, queuePrefix, clock });
    const two = await startTestApp({ database: db, queuePrefix, clock });
    try {
      await seedDemo(one.runtime.uow);
      for (const id of ['inforeport-prompt', 'inforeport-reminder', 'inforeport-summary']) expect((await one.runtime.queues.get('schedules').getJobScheduler(id))?.tz).toBe(one.runtime.config.TIMEZONE);
      for (const name of ['信息报送', '报送提醒', '报送汇总']) await everySecond(one, name);
      const before = await firingsOf(one, 'inforeport-fire');
      await awaitFirings(two, 'inforeport-fire', before + 9);
      await eventually(async () => (await botMessages(two, 'dm-wz-hp2', '【报送汇总】')).length > 0, 'a summary');
      for (const name of ['信息报送', '报送提醒', '报送汇总']) await backToDefault(two, name);
      await timersIdle(one);
      await timersIdle(two);
      for (const group of GRID_GROUPS) {
        expect({ group, prompts: (await botMessages(one, group, '【信息报送】')).length }).toEqual({ group, prompts: 1 });
        expect({ group, reminders: (await botMessages(two, group, '【报送提醒】')).length }).toEqual({ group, reminders: 1 });
      }
      for (const head of HEADS) expect({ head, summaries: (await botMessages(one, head, '【报送汇总】')).length }).toEqual({ head, summaries: 1 });
      for (const community of ['community-01001', 'community-01002']) expect((await botMessages(two, community, '【报送汇总】')).length).toBe(1);
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it('neither drops nor repeats a grid when the process dies during the fan-out', async () => {
    const queuePrefix = `gbta${crypto.randomBytes(4).toString('hex')}`;
    const clock = clockAt('2026-11-20T09:00:00');
    const period = '2026-11-20';
    const fanoutJobId = `inforeport-prompt-${period}`;
    const key = timerKey({ name: 'inforeport-fanout', id: fanoutJobId });

    const first = await startTestApp({ database: db, queuePrefix, clock });
    await seedDemo(first.runtime.uow);
    // The first process ran the fan-out's transaction, handed two of the four grid jobs to the
    // queue, and died before the rest (a unit of work without a dispatcher stands for that).
    const dying = new TypeOrmUnitOfWork(first.runtime.dataSource, clock, db.url, new CalendarSource(first.runtime.config.TIMEZONE));
    const fanout = first.runtime.bot.timers.get('inforeport-fanout')!;
    const ran = await dying.runOnce(key, (tx) => fanout.run(timerContext(tx, fanoutJobId), { step: 'prompt', period }));
    expect(ran.ran).toBe(true);
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

    const second = await startTestApp({ database: db, queuePrefix, clock });
    try {
      // BullMQ hands the unfinished fan-out job to the next process (as after a stall); twice, even.
      const timers = second.runtime.queues.get(TIMERS_QUEUE);
      await timers.add('inforeport-fanout', { step: 'prompt', period }, { jobId: fanoutJobId });
      await eventually(async () => {
        for (const group of GRID_GROUPS) if (!(await botMessages(second, group, `【信息报送】${period}`)).length) return false;
        return true;
      }, 'a prompt in every grid group');
      await timersIdle(second);
      await (await timers.getJob(fanoutJobId))?.remove();
      await timers.add('inforeport-fanout', { step: 'prompt', period }, { jobId: fanoutJobId });
      await eventually(async () => (await timers.getJob(fanoutJobId))?.isCompleted(), 'the repeated fan-out to finish');
      await timersIdle(second);
      for (const group of GRID_GROUPS) expect({ group, prompts: (await botMessages(second, group, `【信息报送】${period}`)).length }).toEqual({ group, prompts: 1 });
    } finally {
      await second.stop();
    }
  });
});
