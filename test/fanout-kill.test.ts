/**
 * A process killed (SIGKILL) in the middle of a large fan-out: the Tue/Fri prompt to 200 grids.
 * The next process finishes it; every grid group gets its prompt exactly once, kill after kill.
 * The bot runs as real child processes; the test reads the sandbox conversations in Redis. Two
 * rounds die at an exact point of a delivery (a test-only crash point), one by an outside kill -9.
 */
import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openDatabase } from '../src/adapters/db/data-source';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work';
import { CalendarSource } from '../src/bot/calendar/source';
import { loadConfig } from '../src/config';
import { TIMERS_QUEUE } from '../src/jobs/queues';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { eventually } from './support/app';
import { startBotProcess, type BotProcess } from './support/process';
import { CRASH_AFTER_ENV } from '../src/adapters/sandbox/crash-point';

const GRIDS = 200;
const PERIODS = ['2026-11-03', '2026-11-06', '2026-11-10'];
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const groupOf = (i: number) => `fan-${String(i).padStart(3, '0')}`;

describe('a process killed in the middle of a 200-grid fan-out', () => {
  let db: TestDatabase;
  let redis: Redis;
  let timers: Queue;
  const prefix = `gbf${crypto.randomBytes(4).toString('hex')}`;
  let env: Record<string, string>;
  let bot: BotProcess | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    env = { DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix, JOB_LOCK_MS: '3000', SANDBOX_ENABLED: 'true' };
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    timers = new Queue(TIMERS_QUEUE, { connection: redis, prefix });
    bot = await startBotProcess(env);
    await seedGrids(db.url);
  });
  afterAll(async () => {
    bot?.child.kill('SIGKILL');
    await bot?.exited;
    await timers?.close();
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis?.disconnect();
    await db?.drop();
  });

  /** A county, a town, a community and 200 grids, each with a gridworker and a bound group. */
  async function seedGrids(url: string): Promise<void> {
    const { dataSource } = await openDatabase(url);
    try {
      const uow = new TypeOrmUnitOfWork(dataSource, { now: () => new Date() }, url, new CalendarSource(loadConfig({ DATABASE_URL: url }).TIMEZONE));
      await uow.runOnce('seed-fanout', async ({ repos, now }) => {
        const county = await repos.org.createUnit({ code: '9', name: '测试县', level: 'county', parent: null, now });
        const town = await repos.org.createUnit({ code: '91', name: '测试镇', level: 'town', parent: county, now });
        const community = await repos.org.createUnit({ code: '91001', name: '测试社区', level: 'community', parent: town, now });
        for (let i = 0; i < GRIDS; i++) {
          const grid = await repos.org.createUnit({ code: `91001${String(i).padStart(3, '0')}`, name: `测试${i}网格`, level: 'grid', parent: community, now });
          const worker = await repos.org.createMember({ name: `网格员${i}`, phone: null, now });
          await repos.org.grantRole(worker.id, 'gridworker', grid.id, now);
          await repos.org.bindConversation({ channel: 'sandbox', conversationId: groupOf(i), unitId: grid.id, title: null, now });
        }
      });
    } finally {
      await dataSource.destroy();
    }
  }

  /** Prompts of `period` each grid group shows, read from the sandbox store in Redis. */
  async function promptsPerGroup(period: string): Promise<number[]> {
    const pipeline = redis.pipeline();
    for (let i = 0; i < GRIDS; i++) pipeline.zrange(`${prefix}:sandbox:conv:${groupOf(i)}`, 0, -1);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, raw]) => (raw as string[]).filter((m) => (JSON.parse(m) as { text: string }).text.startsWith(`【信息报送】${period}`)).length);
  }

  /**
   * Where each round dies. The first two stop the process at an exact point: right after the
   * sandbox sender's n-th Redis reply (src/adapters/sandbox/crash-point.ts). A sender that claims a
   * delivery in one step and stores it in another (3 replies a message) dies between the two at 31
   * (after a claim) and 62 (after minting the id), and loses that grid's prompt; one that does both
   * in one step dies after a message is stored but before the outbox marks it sent, and the resend
   * must not show it twice. The last round is an outside kill -9 at a point the test does not choose.
   */
  const KILLS: Array<{ crashAfter: number } | { killAt: number }> = [{ crashAfter: 31 }, { crashAfter: 62 }, { killAt: 140 }];

  it.each(PERIODS.map((period, round) => [period, round]))('prompts every grid once for %s although the process died mid-way', async (period, round) => {
    const kill = KILLS[Number(round)]!;
    if ('crashAfter' in kill) {
      bot!.child.kill('SIGKILL');
      await bot!.exited;
      bot = await startBotProcess({ ...env, [CRASH_AFTER_ENV]: String(kill.crashAfter) });
    }
    await timers.add('inforeport-fanout', { step: 'prompt', period }, { jobId: `inforeport-prompt-${period}` });
    if ('crashAfter' in kill) {
      const died = await Promise.race([bot!.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 60_000))]);
      expect(died).toBe(true);
    } else {
      const seen = await eventually(async () => {
        const done = (await promptsPerGroup(String(period))).filter((n) => n > 0).length;
        return done >= kill.killAt ? done : null;
      }, `${kill.killAt} prompts before the kill`, 30_000).catch(async (err: Error) => {
        throw new Error(`${err.message}; ${JSON.stringify(await timers.getJobCounts())} ${(await redis.keys(`${prefix}:*`)).slice(0, 30).join(' ')}; the process said:\n${bot!.output().split('\n').slice(-15).join('\n')}`);
      });
      bot!.child.kill('SIGKILL');
      await bot!.exited;
      expect(seen).toBeLessThan(GRIDS);
    }
    expect((await promptsPerGroup(String(period))).filter((n) => n > 0).length).toBeLessThan(GRIDS);

    bot = await startBotProcess(env);
    let counts: number[] = [];
    await eventually(async () => {
      counts = await promptsPerGroup(String(period));
      return counts.every((n) => n >= 1);
    }, `a prompt in each of ${GRIDS} groups after the restart`, 45_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${counts.filter((n) => n === 0).length} groups without one`);
    });
    // Let late duplicates show up before counting: the outbox of the run is empty once all sent.
    await new Promise((r) => setTimeout(r, 1500));
    counts = await promptsPerGroup(String(period));
    expect(counts.filter((n) => n !== 1)).toEqual([]);
  }, 150_000);
});
