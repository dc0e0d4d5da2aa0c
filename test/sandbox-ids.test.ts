/**
 * Ids the system mints itself stay unique when Redis loses its data: after a FLUSHALL, after a
 * restore of an older Redis, and under a new QUEUE_PREFIX, a message posted without a platform id
 * is answered, never taken for one the database already recorded as handled.
 */
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { PrivateRedis } from './support/private-redis';

describe('sandbox message ids after Redis lost its data', () => {
  let redis: PrivateRedis;
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    db = await createTestDatabase('mysql');
    app = await startTestApp({ database: db, env: { REDIS_URL: redis.url }, queuePrefix: 'ids' });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    await redis?.destroy();
  });

  it('answers every message after a FLUSHALL, a restore of older data and a new QUEUE_PREFIX', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
    const firstIds = [await app.chat.post('dm-admin', 'admin', '帮助')];
    await app.chat.settled(firstIds[0]!);

    await redis.flushAll();
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
    expect(await app.chat.ask('grid-x', 'admin', '我是谁')).toContain('系统管理员');

    // An older backup comes back: the id counter is behind what the database has seen.
    const r = new Redis(redis.url);
    await r.set('ids:sandbox:seq', '1');
    r.disconnect();
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');

    await app.stop();
    app = await startTestApp({ database: db, env: { REDIS_URL: redis.url }, queuePrefix: 'ids2' });
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
  });
});
