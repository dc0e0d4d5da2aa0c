/**
 * A transaction answered from what the process keeps goes to MariaDB in one round trip (start, the
 * key's claim and its outbox rows, written only while the cache versions hold, commit;
 * src/adapters/db/unit-of-work.ts, runAssuming). Its claim no longer comes first, so the same key
 * run several times at once, and again later, must still be stored and delivered once; and work
 * that finds the versions moved on must be run again on what the database holds now.
 */
import crypto from 'node:crypto';
import { seedDemo } from '../src/adapters/db/demo';
import { OutboxSchema } from '../src/adapters/db/schemas/core';
import { startTestApp, type TestApp } from './support/app';

describe('a key run from the cache (MariaDB)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ db: 'mysql' });
    await seedDemo(app.runtime.uow);
    // The process reads both cache versions on its first messages; from then on it runs on them.
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '我是谁');
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('is stored and delivered once when run four times at once and once more later', async () => {
    const key = `cache-once-${crypto.randomUUID()}`;
    const conversation = `dm-once-${crypto.randomBytes(3).toString('hex')}`;
    const text = `只发一次 ${key}`;
    // Sends a message and reads nothing the process does not keep: no statement before the commit.
    const work = async (tx: Parameters<Parameters<TestApp['runtime']['uow']['runOnce']>[1]>[0]) => {
      tx.effects.send({ channel: 'sandbox', target: { kind: 'conversation', id: conversation }, message: { text } });
      return 'sent';
    };
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => app.runtime.uow.runOnce(key, work)));
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    expect((await app.runtime.uow.runOnce(key, work)).ran).toBe(false);
    await app.chat.outboxDrained(key);
    expect(await app.runtime.dataSource.getRepository(OutboxSchema).count({ where: { sourceKey: key } })).toBe(1);
    expect((await app.chat.messages(conversation)).filter((m) => m.text === text)).toHaveLength(1);
  });

  it('runs again on what the database holds when the organisation changed under the cache', async () => {
    expect(await app.chat.ask('dm-wgy-hp2', 'wgy-hp2', '我是谁')).not.toContain('网格长');
    // A change the process does not see through its own transactions: the version moves on in the
    // database, and the cached sender with their roles is now stale.
    await app.runtime.dataSource.query(
      "INSERT INTO member_role (member_id, unit_id, role, created_at) SELECT m.id, u.id, 'grid_head', NOW(3) FROM member m JOIN channel_binding b ON b.member_id = m.id, org_unit u WHERE b.platform_user_id = 'wgy-hp2' AND u.code = '01002002'",
    );
    expect(await app.chat.ask('dm-wgy-hp2', 'wgy-hp2', '我是谁')).toContain('网格长');
  });
});
