/**
 * Benchmark (not a test): schedules 100,000 pending reminder rungs through the real dispatch path
 * (task rows, history, outbox, BullMQ delayed jobs on MariaDB + Redis) and measures scheduling
 * throughput; then dispatches a subset of urgent tasks whose rungs fall due within seconds, while
 * the 100,000 wait in the same queue, and measures firing lateness (p50/p99) of those rungs.
 * Writes bench/results/reminders.md.
 *
 *   npm run bench:reminders            (REMINDERS=100000 FIRING_TASKS=500 to change the sizes)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { startRuntime, type Runtime } from '../src/runtime';
import { seedDemo } from '../src/adapters/db/demo';
import { REMINDER_SETTING, type ReminderSetting } from '../src/bot/tasks';
import { TIMERS_QUEUE } from '../src/jobs/queues';
import { createTestDatabase } from '../test/support/databases';

const TARGET_REMINDERS = Number(process.env.REMINDERS ?? 100_000);
const FIRING_TASKS = Number(process.env.FIRING_TASKS ?? 500);
const TASKS_PER_TX = 50;
const PARALLEL_TX = 4;
const S = 1 / 3600;

/** 紧急 tasks get a ladder seconds apart (the subset that fires); 普通 keeps the default ladder (pending for days). */
const LADDER: ReminderSetting = {
  urgent: {
    deferInQuietHours: false,
    rungs: [
      { key: 'before3', anchor: { from: 'deadline', hours: -3 * S }, audience: 'assignee', kind: 'remind', silencedBy: 'completion' },
      { key: 'before1', anchor: { from: 'deadline', hours: -1 * S }, audience: 'assignee', kind: 'remind', silencedBy: 'completion' },
      { key: 'due', anchor: { from: 'deadline', hours: 0 }, audience: 'assignee', kind: 'overdue', silencedBy: 'completion' },
      { key: 'late2', anchor: { from: 'deadline', hours: 2 * S }, audience: 'assignee', kind: 'urge', silencedBy: 'completion' },
    ],
  },
};

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Setup {
  assigneeId: number;
  dispatcherId: number;
  gridId: number;
}

/** A gridworker with no chat binding: dispatches and reminders do all their work but send no chat message. */
async function setUp(runtime: Runtime): Promise<Setup> {
  await seedDemo(runtime.uow);
  const outcome = await runtime.uow.runOnce('bench-setup', async (tx) => {
    await tx.repos.settings.put(REMINDER_SETTING, LADDER, tx.now);
    const grid = (await tx.repos.org.unitByCode('01001001'))!;
    const worker = await tx.repos.org.createMember({ name: '压测网格员', phone: null, now: tx.now });
    await tx.repos.org.grantRole(worker.id, 'gridworker', grid.id, tx.now);
    const dispatcher = (await tx.repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'sj-yg' }))!;
    return { assigneeId: worker.id, dispatcherId: dispatcher.id, gridId: grid.id };
  });
  if (!outcome.ran) throw new Error('setup did not run');
  return outcome.result;
}

/** Dispatches `count` tasks, TASKS_PER_TX per transaction, PARALLEL_TX transactions at a time; returns rungs scheduled. */
async function dispatchMany(runtime: Runtime, setup: Setup, count: number, deadlineOf: (i: number) => Date, priority: 'normal' | 'urgent', label: string): Promise<number> {
  let next = 0;
  let rungs = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      if (start >= count) return;
      const end = Math.min(count, start + TASKS_PER_TX);
      next = end;
      const outcome = await runtime.uow.runOnce(`bench-${label}-${start}`, async (tx) => {
        let scheduled = 0;
        for (let i = start; i < end; i++) {
          const [view] = await runtime.areas.tasks.dispatch(tx, {
            title: `压测任务 ${i}`,
            assignee: { kind: 'member', memberId: setup.assigneeId },
            dispatcherMemberId: setup.dispatcherId,
            scopeUnitId: setup.gridId,
            deadline: deadlineOf(i),
            priority,
            source: { kind: 'adhoc', ref: '' },
          });
          scheduled += (await tx.repos.tasks.byId(view.id))!.scheduledRungs.length;
        }
        return scheduled;
      });
      if (outcome.ran) rungs += outcome.result;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_TX }, worker));
  return rungs;
}

async function main(): Promise<void> {
  const database = await createTestDatabase('mysql');
  const prefix = `gbbench${crypto.randomBytes(4).toString('hex')}`;
  const config = loadConfig({ PORT: '0', DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix, SANDBOX_ENABLED: 'true' });
  const runtime = await startRuntime(config, { logger: silentLogger });
  const queue = runtime.queues.get(TIMERS_QUEUE);
  try {
    const setup = await setUp(runtime);

    // 1. Scheduling: 普通 tasks due in 10 days, each with the default ladder's rungs.
    const perTask = 6;
    const pendingTasks = Math.ceil(TARGET_REMINDERS / perTask);
    const farDeadline = new Date(Date.now() + 10 * 86_400_000);
    console.log(`scheduling ~${TARGET_REMINDERS} reminders (${pendingTasks} tasks)…`);
    const t0 = performance.now();
    const scheduled = await dispatchMany(runtime, setup, pendingTasks, () => farDeadline, 'normal', 'pending');
    const scheduleMs = performance.now() - t0;
    const delayed = await queue.getDelayedCount();
    console.log(`scheduled ${scheduled} rungs in ${(scheduleMs / 1000).toFixed(1)} s; ${delayed} delayed jobs in Redis`);

    // 2. Firing: 紧急 tasks due 15–35 s from now (rungs 3 s and 1 s before, at, and 2 s after), beside the pending ones.
    const firingStart = Date.now() + 15_000;
    const spreadMs = 20_000;
    const firingRungs = await dispatchMany(runtime, setup, FIRING_TASKS, (i) => new Date(firingStart + Math.floor((i * spreadMs) / FIRING_TASKS)), 'urgent', 'firing');
    console.log(`dispatched ${FIRING_TASKS} urgent tasks with ${firingRungs} rungs due in the next ~40 s; waiting for them to fire…`);
    await until(async () => (await queue.getCompletedCount()) >= firingRungs, 'the urgent rungs to fire', 120_000);
    const completed = await queue.getJobs(['completed'], 0, firingRungs + 100);
    const start: number[] = [];
    const finish: number[] = [];
    for (const job of completed) {
      const fireAt = Date.parse((job.data as { rung: { fireAt: string } }).rung.fireAt);
      if (job.processedOn) start.push(job.processedOn - fireAt);
      if (job.finishedOn) finish.push(job.finishedOn - fireAt);
    }
    start.sort((a, b) => a - b);
    finish.sort((a, b) => a - b);
    const stillDelayed = await queue.getDelayedCount();

    const mariadb = ((await runtime.dataSource.query('SELECT VERSION() AS v')) as { v: string }[])[0].v;
    const redisInfo = await runtime.connections.producer.info('server');
    const redis = /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? '?';
    const ms = (n: number) => `${Math.round(n)} ms`;
    const report = [
      '# Reminder scheduling and firing benchmark',
      '',
      `Run ${new Date().toISOString()} with \`npm run bench:reminders\` (bench/reminders.ts). Not a test: numbers depend on the machine.`,
      '',
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, MariaDB ${mariadb}, Redis ${redis}, all local.`,
      '',
      '## Scheduling',
      '',
      `The real dispatch path through \`TaskService.dispatch\`: per task one \`task\` row, one history row, the rungs planned by \`planReminders\` as outbox rows, all in one transaction of ${TASKS_PER_TX} tasks (${PARALLEL_TX} transactions in parallel), then each rung added to BullMQ as a delayed job with its deterministic id.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| tasks dispatched | ${pendingTasks} |`,
      `| reminder rungs scheduled (delayed jobs in Redis) | ${scheduled} (${delayed}) |`,
      `| wall time | ${(scheduleMs / 1000).toFixed(1)} s |`,
      `| throughput | ${Math.round(scheduled / (scheduleMs / 1000))} rungs/s (${Math.round(pendingTasks / (scheduleMs / 1000))} tasks/s) |`,
      '',
      '## Firing lateness',
      '',
      `${FIRING_TASKS} urgent tasks due over ${spreadMs / 1000} s, ${firingRungs} rungs in all, fired by one process's timer worker (concurrency 4) while the ${delayed} pending jobs stayed delayed in the same queue. Lateness = when BullMQ started / finished the job (the handler read the task, checked \`shouldFire\`, wrote history, committed) minus the rung's planned time.`,
      '',
      '| lateness | p50 | p99 | max |',
      '|---|---|---|---|',
      `| job started | ${ms(percentile(start, 50))} | ${ms(percentile(start, 99))} | ${ms(start[start.length - 1] ?? NaN)} |`,
      `| job finished (committed) | ${ms(percentile(finish, 50))} | ${ms(percentile(finish, 99))} | ${ms(finish[finish.length - 1] ?? NaN)} |`,
      '',
      `Rungs fired: ${completed.length}; still delayed afterwards: ${stillDelayed} (the pending ones, untouched).`,
      '',
    ].join('\n');
    const out = path.join(__dirname, 'results', 'reminders.md');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, report);
    console.log(report);
  } finally {
    // Leave nothing behind in Redis: the queues and the sandbox keys under this run's prefix.
    const redis = runtime.connections.producer;
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    await runtime.stop();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
