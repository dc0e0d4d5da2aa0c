/**
 * The messages of one transaction reach their channel's queue in commit order, whether they are
 * queued one add each (a reply and its notice) or in one addBulk (more), and while other
 * transactions' messages are queued at the same moment: the sender takes jobs in queue order, so
 * this is what keeps a conversation's messages in the order the bot wrote them. Real Redis and
 * BullMQ, real outbox table (SQLite).
 */
import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/adapters/db/data-source';
import { TypeOrmOutboxStore } from '../src/adapters/db/outbox-store';
import { OutboxDispatcher } from '../src/jobs/outbox';
import type { OutboxPayload } from '../src/jobs/outbox-payload';
import { createRedisConnections, outboxQueueName, QueueRegistry, type RedisConnections } from '../src/jobs/queues';
import type { StoredOutboxRow } from '../src/jobs/outbox-store';
import { silentLogger } from '../src/log';
import { createTestDatabase, type TestDatabase } from './support/databases';

describe('outbox dispatch order', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let connections: RedisConnections;
  let queues: QueueRegistry;
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    dataSource = (await openDatabase(db.url)).dataSource;
    connections = createRedisConnections({ url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `gbt${crypto.randomBytes(4).toString('hex')}` });
    await connections.ready();
    queues = new QueueRegistry(connections);
    dispatcher = new OutboxDispatcher(queues, new TypeOrmOutboxStore(dataSource), new Set(['sandbox']), silentLogger);
  }, 60_000);

  afterAll(async () => {
    await queues?.get(outboxQueueName('sandbox')).obliterate({ force: true });
    await queues?.close();
    await connections?.closeAll();
    await dataSource?.destroy();
    await db?.drop();
  });

  const rowsOf = (unit: number, count: number): StoredOutboxRow[] =>
    Array.from({ length: count }, (_, i) => {
      const payload: OutboxPayload = { kind: 'message', channel: 'sandbox', target: { kind: 'conversation', id: `conv-${unit}` }, message: { text: `${unit}-${i}` } };
      return { id: `u${unit}-${i}`, sourceKey: `k${unit}`, kind: 'message', channel: 'sandbox', payload: JSON.stringify(payload), status: 'pending', attempts: 0, createdAt: new Date(), dispatchedAt: null, sentAt: null };
    });

  it.each([2, 3, 5])('queues the %i messages of each of 60 concurrent transactions in their commit order', async (count) => {
    const queue = queues.get(outboxQueueName('sandbox'));
    await queue.obliterate({ force: true });
    await Promise.all(Array.from({ length: 60 }, (_, unit) => dispatcher.dispatch(rowsOf(unit, count))));
    // The order the sender takes them in: oldest first.
    const ids = (await queue.getJobs(['wait'], 0, -1, true)).map((j) => j.id!);
    expect(ids).toHaveLength(60 * count);
    for (let unit = 0; unit < 60; unit++) {
      const own = ids.filter((id) => id.startsWith(`u${unit}-`));
      expect(own).toEqual(Array.from({ length: count }, (_, i) => `u${unit}-${i}`));
    }
  });
});
