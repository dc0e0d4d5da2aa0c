/**
 * A crash or a restart loses no accepted message and answers none twice: messages accepted by a
 * process that is then killed (SIGKILL, mid-work) are handled by the next process, once each.
 */
import crypto from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { eventually } from './support/app';
import { START_BUDGET_MS, startBotProcess } from './support/process';

// Two starts (the first may compile everything) and 90 s for the answers.
jest.setTimeout(2 * START_BUDGET_MS + 120_000);

interface ApiMessage {
  from: string;
  text: string;
}

async function botReplies(url: string, conversation: string): Promise<ApiMessage[]> {
  const res = await fetch(`${url}/sandbox/api/messages?conversation=${conversation}`);
  return ((await res.json()) as { messages: ApiMessage[] }).messages.filter((m) => m.from === 'bot');
}

describe('a killed and restarted process', () => {
  let db: TestDatabase;
  const prefix = `gbr${crypto.randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('loses no accepted message and answers each once', async () => {
    const env = { DATABASE_URL: db.url, QUEUE_PREFIX: prefix, BOOTSTRAP_ADMINS: 'sandbox:admin', JOB_LOCK_MS: '4000', SANDBOX_ENABLED: 'true' };
    const first = await startBotProcess(env);
    const count = 40;
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${first.url}/sandbox/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text: '我是谁', id: `m${i}` }),
      });
      expect(res.status).toBe(202);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const answeredBeforeCrash = (await botReplies(`http://127.0.0.1:${first.port}`, 'dm-admin').catch(() => [])).length;
    expect(answeredBeforeCrash).toBe(0); // the process is gone: nothing answers there any more

    const second = await startBotProcess(env);
    try {
      let seen = 0;
      const replies = await eventually(async () => {
        const r = await botReplies(second.url, 'dm-admin');
        seen = r.length;
        return r.length >= count ? r : null;
      }, `${count} answers after the restart`, 90_000).catch((err: Error) => {
        // Say what was there, and what the new process logged, rather than only "timed out".
        const problems = second.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-10);
        throw new Error(`${err.message}: ${seen} answers; warnings and errors of the new process:\n${problems.join('\n')}`);
      });
      // Give a late duplicate every chance to show up before counting.
      await fetch(`${second.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text: '帮助', id: 'probe' }) });
      await eventually(async () => (await botReplies(second.url, 'dm-admin')).some((m) => m.text.includes('新建单位')), 'the probe answer');
      const final = await botReplies(second.url, 'dm-admin');
      expect(replies.length).toBe(count);
      expect(final.filter((m) => m.text.startsWith('系统管理员（#'))).toHaveLength(count);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    expect(second.output()).toContain('"msg":"stopped"');
  });
});
