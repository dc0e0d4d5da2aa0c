/**
 * Group robot webhooks (群机器人, send-only): WeCom accepts 20 messages a minute per webhook and
 * refuses the rest with 45009. A burst of notifications (a morning's reminders to one group) must
 * neither be lost nor dropped, so it is merged into one digest.
 *
 * Design (all state in Redis, so it holds across processes):
 * - `sends` is a sliding window per webhook: a sorted set of the send times of the last minute.
 *   A Lua script reserves a slot atomically, or says how long until the oldest one frees.
 * - While the window has room and nothing waits, a delivery is sent as it is.
 * - Otherwise the delivery joins `pending` (a hash by delivery id, ordered by `order`; adding is
 *   idempotent, so the outbox's retries of one delivery never duplicate it) and the sender throws
 *   TransientSendError with the wait. The outbox retries it later.
 * - Whichever retry next finds a free slot (under a short per-webhook lock) sends everything that
 *   waits as one digest, oldest first, as much as fits into one markdown message, and marks each
 *   included delivery `sent`. The other deliveries' retries find their mark and succeed without
 *   sending: the burst costs one slot, and no message is lost.
 * - The mark is set after WeCom accepted the digest: a crash in between may repeat a digest once
 *   (at least once, never lost). The webhook key is a secret: RedisClient keys and logs use its hash.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import type { Logger } from '../../log';
import { TransientSendError } from '../../jobs/delivery';
import { apiUrl, callWeCom, WeComApiError } from './api-client';
import { LIMITS, truncateBytes } from './render';

export interface WebhookWindowOptions {
  /** Messages WeCom accepts per webhook per window. @defaultValue 20 */
  limit?: number;
  /** @defaultValue 60_000 */
  windowMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** Target ids of this form name a group robot webhook: `webhook:<key>`. */
export const WEBHOOK_PREFIX = 'webhook:';

const RESERVE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]))
`;

const RELEASE_LOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** WeCom's errcode for "api freq out of limit". */
const RATE_LIMITED = 45009;
const SENT_TTL_S = 24 * 3600;
const PENDING_TTL_MS = 24 * 3600 * 1000;
const LOCK_TTL_MS = 15_000;

export class WebhookSender {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly apiBase: string,
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
    options: WebhookWindowOptions = {},
  ) {
    this.limit = options.limit ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Sends `markdown` as delivery `deliveryId`, alone or inside a digest; throws TransientSendError while it waits. */
  async send(webhookKey: string, deliveryId: string, markdown: string): Promise<void> {
    const keys = this.keysFor(webhookKey);
    const sentKey = this.sentKey(deliveryId);
    if (await this.redis.exists(sentKey)) return;

    if ((await this.redis.zcard(keys.order)) === 0 && (await this.reserveSlot(keys.sends)) === 0) {
      try {
        await this.post(webhookKey, markdown);
        await this.redis.set(sentKey, '1', 'EX', SENT_TTL_S);
        return;
      } catch (error) {
        // Someone else uses this webhook too and the minute is spent: wait for a digest like the rest.
        if (!(error instanceof WeComApiError && error.errcode === RATE_LIMITED)) throw error;
      }
    }

    const at = this.now();
    await this.redis
      .multi()
      .hsetnx(keys.pending, deliveryId, markdown)
      .zadd(keys.order, 'NX', at, deliveryId)
      .pexpire(keys.pending, PENDING_TTL_MS)
      .pexpire(keys.order, PENDING_TTL_MS)
      .exec();
    const waitMs = await this.flush(webhookKey, keys);
    if (await this.redis.exists(sentKey)) return;
    // Only this webhook waits (its limit is its own); the rest of WeCom keeps sending. Later
    // messages to it still reach this sender, to join the digest, which keeps their order.
    throw new TransientSendError('group robot webhook is at its rate limit; the message waits for the next digest', waitMs, {
      hold: `wecom-webhook:${keys.hash}`,
      orderTarget: false,
    });
  }

  /** Sends what waits as one digest if a slot is free; returns how long to wait otherwise. */
  private async flush(webhookKey: string, keys: ReturnType<WebhookSender['keysFor']>): Promise<number> {
    const lockToken = crypto.randomUUID();
    const locked = await this.redis.set(keys.lock, lockToken, 'PX', LOCK_TTL_MS, 'NX');
    if (!locked) return 1_000;
    try {
      const wait = await this.reserveSlot(keys.sends);
      if (wait > 0) return wait;
      const ids: string[] = await this.redis.zrange(keys.order, 0, -1);
      if (ids.length === 0) return 0;
      const contents = await this.redis.hmget(keys.pending, ...ids);
      const waiting = ids.flatMap((id, i) => (contents[i] === null ? [] : [{ id, content: contents[i] as string }]));
      const { text, included } = digest(waiting);
      await this.post(webhookKey, text);
      const tx = this.redis.multi();
      for (const id of included) tx.set(this.sentKey(id), '1', 'EX', SENT_TTL_S);
      tx.hdel(keys.pending, ...included);
      tx.zrem(keys.order, ...included);
      await tx.exec();
      this.logger.info({ channel: 'wecom', webhook: keys.hash, merged: included.length }, 'WeCom webhook digest sent');
      return included.length < ids.length ? 1_000 : 0;
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, keys.lock, lockToken);
    }
  }

  /** 0 when a slot was taken, else the milliseconds until one frees. */
  private async reserveSlot(sendsKey: string): Promise<number> {
    const now = this.now();
    const result = await this.redis.eval(RESERVE_SLOT, 1, sendsKey, now, this.windowMs, this.limit, `${now}-${crypto.randomUUID()}`);
    return Number(result);
  }

  private async post(webhookKey: string, markdown: string): Promise<void> {
    const url = apiUrl(this.apiBase, '/cgi-bin/webhook/send');
    url.searchParams.set('key', webhookKey);
    await callWeCom('/cgi-bin/webhook/send', url, { msgtype: 'markdown', markdown: { content: markdown } });
  }

  private keysFor(webhookKey: string) {
    const hash = crypto.createHash('sha256').update(webhookKey).digest('hex').slice(0, 16);
    const base = `${this.keyPrefix}:wecom:webhook:${hash}`;
    return { hash, sends: `${base}:sends`, pending: `${base}:pending`, order: `${base}:order`, lock: `${base}:lock` };
  }

  private sentKey(deliveryId: string): string {
    return `${this.keyPrefix}:wecom:webhook-sent:${crypto.createHash('sha1').update(deliveryId).digest('hex')}`;
  }
}

/** As many waiting messages as fit into one markdown message, oldest first (at least one). */
function digest(waiting: { id: string; content: string }[]): { text: string; included: string[] } {
  if (waiting.length === 1) {
    return { text: truncateBytes(waiting[0].content, LIMITS.webhookMarkdownBytes), included: [waiting[0].id] };
  }
  const max = LIMITS.webhookMarkdownBytes;
  const header = (n: number) => `**以下 ${n} 条消息因发送频率限制合并发送**`;
  const parts: string[] = [];
  const included: string[] = [];
  for (const item of waiting) {
    const part = `（${included.length + 1}）${item.content}`;
    const candidate = [header(included.length + 1), ...parts, part].join('\n\n');
    if (Buffer.byteLength(candidate, 'utf8') > max) {
      // The oldest alone does not fit beside the header: it goes alone (it fits by itself).
      if (included.length === 0) return { text: truncateBytes(item.content, max), included: [item.id] };
      break;
    }
    parts.push(part);
    included.push(item.id);
  }
  return { text: [header(included.length), ...parts].join('\n\n'), included };
}
