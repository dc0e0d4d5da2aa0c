/**
 * A group robot webhook takes 20 messages a minute. A burst of notifications to one group is
 * merged into a digest instead of being refused by WeCom or lost, with the outbox retrying as it
 * does (after the wait the sender asks for). Time is a fake clock shared with the fake WeCom API.
 */
import crypto from 'node:crypto';
import type { Delivery } from '../../src/jobs/delivery';
import { TransientSendError } from '../../src/jobs/delivery';
import { startWeComHarness, type WeComHarness } from './harness';

let h: WeComHarness;
let clock = Date.now();

beforeAll(async () => {
  h = await startWeComHarness({ webhook: { now: () => clock } }, { now: () => clock });
});
afterAll(async () => {
  await h.stop();
});

function notice(key: string, i: number): Delivery {
  return {
    id: `notice-${key}-${i}`,
    channel: 'wecom',
    target: { kind: 'conversation', id: `webhook:${key}` },
    message: { text: `第 ${i} 号提醒：请今日完成巡查` },
  };
}

/** Plays the outbox: send; on a transient error, wait what the sender asked (on the fake clock) and retry. */
async function deliverAll(deliveries: Delivery[]): Promise<void> {
  let waiting = [...deliveries];
  for (let round = 0; waiting.length > 0; round++) {
    if (round > 20) throw new Error('deliveries never went out');
    const next: Delivery[] = [];
    let wait = 0;
    for (const d of waiting) {
      try {
        await h.channel.sender.send(d);
      } catch (error) {
        if (!(error instanceof TransientSendError)) throw error;
        next.push(d);
        wait = Math.max(wait, error.retryAfterMs ?? 1000);
      }
    }
    clock += wait;
    waiting = next;
  }
}

it('sends a quiet group its messages one by one', async () => {
  const key = crypto.randomUUID();
  await deliverAll([1, 2, 3].map((i) => notice(key, i)));
  const sends = h.api.callsTo('/cgi-bin/webhook/send').filter((c) => c.query.key === key);
  expect(sends.map((s) => s.body)).toEqual([1, 2, 3].map((i) => ({ msgtype: 'markdown', markdown: { content: `第 ${i} 号提醒：请今日完成巡查` } })));
});

it('merges a burst beyond 20 a minute into one digest, losing nothing and never hitting 45009', async () => {
  const key = crypto.randomUUID();
  const burst = Array.from({ length: 35 }, (_, i) => notice(key, i + 1));
  await deliverAll(burst);

  const sends = h.api.callsTo('/cgi-bin/webhook/send').filter((c) => c.query.key === key);
  expect(sends).toHaveLength(21);
  const texts = sends.map((s) => (s.body.markdown as { content: string }).content);
  const digest = texts[20];
  expect(digest).toContain('以下 15 条消息因发送频率限制合并发送');
  for (let i = 1; i <= 35; i++) {
    expect(texts.filter((t) => t.includes(`第 ${i} 号提醒`))).toHaveLength(1);
  }
  // Oldest first within the digest.
  expect(digest.indexOf('第 21 号提醒')).toBeLessThan(digest.indexOf('第 35 号提醒'));
});

it('does not send a notice twice when the outbox retries it after it went out', async () => {
  const key = crypto.randomUUID();
  const d = notice(key, 1);
  await h.channel.sender.send(d);
  await h.channel.sender.send(d);
  expect(h.api.callsTo('/cgi-bin/webhook/send').filter((c) => c.query.key === key)).toHaveLength(1);
});
