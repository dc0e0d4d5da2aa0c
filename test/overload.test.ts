/**
 * Overload is honest: past INBOUND_BACKLOG_LIMIT waiting messages (or replies waiting on a channel
 * only our own senders limit) the sandbox API answers 429 with Retry-After and queues nothing; every message it accepted is answered once when workers
 * get to it; once the backlog drains it accepts again.
 */
import { createTestDatabase, type TestDatabase } from './support/databases';
import { eventually, startTestApp, type TestApp } from './support/app';

async function postRaw(app: TestApp, id: string): Promise<Response> {
  return fetch(`${app.url}/sandbox/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text: '我是谁', id }),
  });
}

/** Posts `id` until it is accepted (the receiver refuses until it has room), then waits for its answer. */
async function acceptedAgain(app: TestApp, id: string): Promise<void> {
  const res = await eventually(async () => {
    const r = await postRaw(app, id);
    return r.status === 202 ? r : null;
  }, 'the receiver to accept again');
  expect(res.status).toBe(202);
  await app.chat.settled(id);
}

/** The bot's answers to 我是谁 in the admin's 1:1 chat. */
async function answersToAdmin(app: TestApp): Promise<number> {
  return (await app.chat.messages('dm-admin')).filter((m) => m.from === 'bot' && m.text.startsWith('系统管理员（#')).length;
}

describe('an inbound backlog past its bound', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('is refused with 429 and Retry-After, loses nothing it accepted, and accepts again once drained', async () => {
    // A receiver without workers: the backlog only grows.
    const receiver = await startTestApp({ database: db, env: { GRIDBOT_ROLES: 'receiver', INBOUND_BACKLOG_LIMIT: '5', INBOUND_MAX_LAG_MS: '0' } });
    let worker: TestApp | null = null;
    try {
      const accepted: string[] = [];
      let refusal: Response | null = null;
      for (let i = 0; i < 40 && !refusal; i++) {
        const res = await postRaw(receiver, `m${i}`);
        if (res.status === 202) accepted.push(`m${i}`);
        else if (res.status === 429) refusal = res;
        else throw new Error(`unexpected ${res.status}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(refusal).not.toBeNull();
      expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refusal!.json()).toEqual({ error: expect.stringMatching(/^overloaded/) });
      expect(accepted.length).toBeGreaterThanOrEqual(6);
      const waiting = await receiver.runtime.queues.get('inbound').getWaitingCount();
      expect(waiting).toBe(accepted.length);

      worker = await startTestApp({ database: db, queuePrefix: receiver.queuePrefix, env: { GRIDBOT_ROLES: 'worker' } });
      for (const id of accepted) await receiver.chat.settled(id);
      expect(await answersToAdmin(receiver)).toBe(accepted.length);

      await acceptedAgain(receiver, 'after-drain');
      expect(await answersToAdmin(receiver)).toBe(accepted.length + 1);
    } finally {
      await worker?.stop();
      await receiver.stop();
    }
  });

  it('is refused with 429 while more replies wait to be sent than the bound, and accepted again once they are sent', async () => {
    // A receiver without workers, and replies already queued to the sandbox's sender past the bound
    // (stand-ins for replies of work handled elsewhere: their rows do not exist, so sending one sends nothing).
    const receiver = await startTestApp({ database: db, env: { GRIDBOT_ROLES: 'receiver', INBOUND_BACKLOG_LIMIT: '5', INBOUND_MAX_LAG_MS: '0' } });
    let worker: TestApp | null = null;
    try {
      const sends = receiver.runtime.queues.get('outbox-sandbox');
      await sends.addBulk(Array.from({ length: 12 }, (_, i) => ({ name: 'send', data: { id: `standin-${i}` }, opts: { jobId: `standin-${i}` } })));
      // Past two reads of the counts (every 250 ms).
      await new Promise((r) => setTimeout(r, 700));
      const refusal = await postRaw(receiver, 'while-replies-wait');
      expect(refusal.status).toBe(429);
      expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await receiver.runtime.queues.get('inbound').getWaitingCount()).toBe(0);

      // A worker sends what waits; the receiver accepts again, and what it accepts is answered.
      worker = await startTestApp({ database: db, queuePrefix: receiver.queuePrefix, env: { GRIDBOT_ROLES: 'worker' } });
      await eventually(async () => ((await sends.getWaitingCount()) === 0 ? true : null), 'the replies to be sent');
      await acceptedAgain(receiver, 'replies-sent');
      expect(await answersToAdmin(receiver)).toBe(1);
    } finally {
      await worker?.stop();
      await receiver.stop();
    }
  });

  it('is not refused for replies held by a platform-like send rate (the queue waits on the rate, not on us)', async () => {
    const receiver = await startTestApp({ database: db, env: { GRIDBOT_ROLES: 'receiver', INBOUND_BACKLOG_LIMIT: '5', INBOUND_MAX_LAG_MS: '0', SANDBOX_SEND_RATE: '5' } });
    try {
      await receiver.runtime.queues.get('outbox-sandbox').addBulk(Array.from({ length: 12 }, (_, i) => ({ name: 'send', data: { id: `standin-${i}` }, opts: { jobId: `standin-${i}` } })));
      // Past two reads of the counts (every 250 ms), still accepted.
      await new Promise((r) => setTimeout(r, 700));
      for (let i = 0; i < 3; i++) expect((await postRaw(receiver, `rated-${i}`)).status).toBe(202);
    } finally {
      await receiver.stop();
    }
  });

  it('is refused with 429 while the receiving process is busy (event-loop delay), and accepted again once it is not', async () => {
    const app = await startTestApp({ database: db, env: { INBOUND_BACKLOG_LIMIT: '0', INBOUND_MAX_LAG_MS: '40' } });
    try {
      // The process is saturated: its loop runs 90 ms of work between short gaps, for two seconds.
      let busy = true;
      const saturate = (async () => {
        const until = Date.now() + 2000;
        while (Date.now() < until) {
          const end = Date.now() + 90;
          while (Date.now() < end);
          await new Promise((r) => setImmediate(r));
        }
        busy = false;
      })();
      let refusal: Response | null = null;
      const accepted: string[] = [];
      for (let i = 0; busy && !refusal; i++) {
        const res = await postRaw(app, `lag${i}`);
        if (res.status === 429) refusal = res;
        else if (res.status === 202) accepted.push(`lag${i}`);
        else throw new Error(`unexpected ${res.status}`);
      }
      await saturate;
      expect(refusal).not.toBeNull();
      expect(refusal!.headers.get('retry-after')).toBe('1');
      expect(await refusal!.json()).toEqual({ error: expect.stringMatching(/^overloaded/) });

      // Idle again: accepted, and everything accepted before is answered once.
      await acceptedAgain(app, 'lag-after');
      for (const id of accepted) await app.chat.settled(id);
      expect(await answersToAdmin(app)).toBe(accepted.length + 1);
    } finally {
      await app.stop();
    }
  });
});
