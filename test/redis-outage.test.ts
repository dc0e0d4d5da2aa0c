/**
 * Redis stops in the middle of a burst of messages, again and again: every message the sandbox
 * accepted (202) is answered exactly once after Redis is back, and while it is away the sandbox
 * answers 503 with a short reason instead of a 500. Runs on a redis-server of its own. The same
 * for MariaDB, cut away behind a TCP relay in the middle of a burst.
 */
import { startTestApp, eventually, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { PrivateRedis } from './support/private-redis';
import { Relay } from './support/relay';

const ROUNDS = 3;
const BURST = 30;
/** The message of the burst after which Redis is stopped. */
const STOP_AT = 8;

describe('Redis stops in the middle of a burst', () => {
  let redis: PrivateRedis;
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    db = await createTestDatabase('mysql');
    // A short lock: a job whose completion could not be written while Redis was away is taken up again soon.
    app = await startTestApp({ database: db, env: { REDIS_URL: redis.url, JOB_LOCK_MS: '5000' } });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    await redis?.destroy();
  });

  async function post(text: string): Promise<Response> {
    return fetch(`${app.url}/sandbox/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text }),
    });
  }

  /** How often the bot answered each tag (an unknown command is echoed in its answer). */
  async function answersPerTag(tags: string[]): Promise<Map<string, number> | null> {
    const res = await fetch(`${app.url}/sandbox/api/messages?conversation=dm-admin`);
    // Right after the restart the sandbox may still answer 503 for a moment.
    if (res.status !== 200) return null;
    const replies = ((await res.json()) as { messages: { from: string; text: string }[] }).messages.filter((m) => m.from === 'bot');
    return new Map(tags.map((tag) => [tag, replies.filter((m) => m.text.includes(`「${tag}」`)).length]));
  }

  it(`answers every accepted message once, over ${ROUNDS} stops and restarts`, async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
    for (let round = 0; round < ROUNDS; round++) {
      const accepted: string[] = [];
      const refused: number[] = [];
      const sends: Promise<void>[] = [];
      let stopped: Promise<void> = Promise.resolve();
      for (let i = 0; i < BURST; i++) {
        const tag = `r${round}m${i}`;
        if (i === STOP_AT) stopped = redis.stop();
        sends.push(
          post(tag).then(async (res) => {
            if (res.status === 202) accepted.push(tag);
            else refused.push(res.status);
            await res.arrayBuffer();
          }),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(sends);
      await stopped;

      // While Redis is away: a short reason, never a 500.
      const down = await post('帮助');
      expect(down.status).toBe(503);
      expect(((await down.json()) as { error: string }).error).toMatch(/unavailable/);
      expect(refused.every((s) => s === 503)).toBe(true);
      expect(accepted.length).toBeGreaterThan(0);

      await redis.restart();
      await eventually(async () => {
        const counts = await answersPerTag(accepted);
        return counts && [...counts.values()].every((n) => n >= 1);
      }, `answers to ${accepted.length} accepted messages of round ${round}`, 60_000);
      await app.chat.outboxDrained();
      const counts = await eventually(() => answersPerTag(accepted), 'the sandbox to answer');
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    }
  }, 240_000);
});

describe('the database is cut in the middle of a burst', () => {
  let db: TestDatabase;
  let relay: Relay;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    const url = new URL(db.url);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 3306) });
    await relay.open();
    url.host = `127.0.0.1:${relay.port}`;
    app = await startTestApp({ database: { ...db, url: url.toString() }, env: { JOB_LOCK_MS: '5000' } });
  });
  afterAll(async () => {
    await app?.stop();
    await relay?.cut();
    await db?.drop();
  });

  it(`answers every message of the burst once, over ${ROUNDS} cuts`, async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
    for (let round = 0; round < ROUNDS; round++) {
      const ids: string[] = [];
      for (let i = 0; i < BURST; i++) {
        if (i === STOP_AT) await relay.cut();
        // Redis is up: every message is accepted even while the database is away.
        ids.push(await app.chat.post('dm-admin', 'admin', `d${round}m${i}`));
      }
      await new Promise((r) => setTimeout(r, 1000));
      await relay.open(relay.port);
      const tags = Array.from({ length: BURST }, (_, i) => `d${round}m${i}`);
      const countAll = async () => {
        const replies = (await app.chat.messages('dm-admin')).filter((m) => m.from === 'bot');
        return tags.map((tag) => replies.filter((m) => m.text.includes(`「${tag}」`)).length);
      };
      await eventually(async () => (await countAll()).every((n) => n >= 1), `answers to the ${BURST} messages of cut ${round}`, 90_000);
      await app.chat.outboxDrained();
      expect((await countAll()).map((n, i) => [tags[i], n]).filter(([, n]) => n !== 1)).toEqual([]);
      expect(ids).toHaveLength(BURST);
    }
  }, 300_000);
});
