/**
 * The sandbox "platform": conversations and their messages, kept in Redis so several bot
 * processes share them. A real platform keeps its chat history; this is ours for the sandbox.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import type { Card } from '../../bot/message';

export interface SandboxMessage {
  id: string;
  conversation: string;
  /** 'bot' or the user id who spoke. */
  from: string;
  userName?: string;
  text: string;
  card?: Card;
  mentions?: string[];
  /** A user's message in a group: whether it @-mentioned the bot. */
  mentioned?: boolean;
  /** A user's quote-reply: the message quoted (its id and text). */
  quote?: { id: string; text: string };
  /** A file the bot sent (a ledger, minutes): the page shows it as a download. */
  file?: { name: string; url: string };
  /** Set on a user's button press: the message whose button it was. */
  actionOf?: string;
  at: string;
}

export type NewSandboxMessage = Omit<SandboxMessage, 'id' | 'at'> & { at?: string };

const MAX_PER_CONVERSATION = 2000;
const DELIVERED_TTL_S = 7 * 86400;
/** How long a client-supplied message id is remembered (a redelivery within it is not shown twice). */
const SEEN_TTL_S = 86400;

/**
 * Mints the next message id and stores the message under it, in one step; with a delivery id, only
 * if that delivery is not stored yet (claim and store together: a crash or an outage between the
 * two can neither lose the message nor show it twice).
 *
 * Ids are numbers that only grow: at least the current time in microseconds, and above the last
 * one minted. A Redis that lost its data (a flush, a restore from backup, a new QUEUE_PREFIX) thus
 * never hands out an id again that the database has already recorded as handled.
 * KEYS: 1 last id, 2 conversation, 3 conversation index, 4 delivery claim (or the last-id key again).
 * ARGV: 1 time floor, 2 message JSON without its id, 3 conversation, 4 keep, 5 claim ttl, 6 '1' to claim.
 */
const APPEND_SCRIPT = `
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then return false end
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local id = math.max(tonumber(ARGV[1]), last + 1)
local sid = string.format('%.0f', id)
redis.call('SET', KEYS[1], sid)
local json = '{"id":"' .. sid .. '",' .. string.sub(ARGV[2], 2)
redis.call('ZADD', KEYS[2], sid, json)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[4]) - 1)
redis.call('ZADD', KEYS[3], sid, ARGV[3])
if ARGV[6] == '1' then redis.call('SET', KEYS[4], sid, 'EX', tonumber(ARGV[5])) end
return sid
`;

const APPEND_SHA = crypto.createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/** EVALSHA (the script's text is not sent with every message), loading it once when Redis lacks it. */
async function runScript(redis: RedisClient, script: string, sha: string, numKeys: number, ...args: string[]): Promise<unknown> {
  try {
    return await redis.evalsha(sha, numKeys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script, numKeys, ...args);
  }
}

export class SandboxStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** The clock, for the floor of new ids. */
    private readonly now: () => number = Date.now,
  ) {}

  private key = (conversation: string) => `${this.prefix}:sandbox:conv:${conversation}`;

  /**
   * Appends a message and returns it with its id (a number, ascending across all conversations).
   * With `deliveryId` (a bot delivery), returns null when that delivery was stored before: the
   * sandbox behaves like a platform with idempotent sends, so a resend after a crash shows once.
   */
  append(message: NewSandboxMessage): Promise<SandboxMessage>;
  append(message: NewSandboxMessage, deliveryId: string): Promise<SandboxMessage | null>;
  async append(message: NewSandboxMessage, deliveryId?: string): Promise<SandboxMessage | null> {
    return this.appendClaimed(message, deliveryId ? { key: `${this.prefix}:sandbox:delivered:${deliveryId}`, ttlS: DELIVERED_TTL_S } : null);
  }

  /**
   * A user's message that came with a client-supplied id: stored only the first time that id is
   * seen in the conversation (null for a redelivery). The sighting and the message are one step.
   */
  appendFirstSighting(message: NewSandboxMessage, messageId: string): Promise<SandboxMessage | null> {
    return this.appendClaimed(message, { key: this.seenKey(message.conversation, messageId), ttlS: SEEN_TTL_S });
  }

  private async appendClaimed(message: NewSandboxMessage, claim: { key: string; ttlS: number } | null): Promise<SandboxMessage | null> {
    const at = message.at ?? new Date(this.now()).toISOString();
    const draft = { ...message, at };
    const lastIdKey = `${this.prefix}:sandbox:seq`;
    const claimKey = claim ? claim.key : lastIdKey;
    const floor = this.now() * 1000;
    const id = (await runScript(
      this.redis,
      APPEND_SCRIPT,
      APPEND_SHA,
      4,
      lastIdKey,
      this.key(message.conversation),
      `${this.prefix}:sandbox:conversations`,
      claimKey,
      String(floor),
      JSON.stringify(draft),
      message.conversation,
      String(MAX_PER_CONVERSATION),
      String(claim ? claim.ttlS : DELIVERED_TTL_S),
      claim ? '1' : '0',
    )) as string | null;
    return id === null ? null : { id: String(id), ...draft };
  }

  async list(conversation: string, afterId?: string): Promise<SandboxMessage[]> {
    const min = afterId && /^\d+$/.test(afterId) ? `(${afterId}` : '-inf';
    const raw: string[] = await this.redis.zrangebyscore(this.key(conversation), min, '+inf');
    return raw.map((r) => JSON.parse(r) as SandboxMessage);
  }

  async find(conversation: string, id: string): Promise<SandboxMessage | null> {
    if (!/^\d+$/.test(id)) return null;
    const [raw] = await this.redis.zrangebyscore(this.key(conversation), id, id);
    return raw ? (JSON.parse(raw) as SandboxMessage) : null;
  }

  async conversations(): Promise<string[]> {
    return this.redis.zrevrange(`${this.prefix}:sandbox:conversations`, 0, 199);
  }

  /** Remembers a client-supplied message id; false when it was seen before (a redelivery). */
  async firstSighting(conversation: string, messageId: string): Promise<boolean> {
    const added = await this.redis.set(this.seenKey(conversation, messageId), '1', 'EX', SEEN_TTL_S, 'NX');
    return added === 'OK';
  }

  private seenKey(conversation: string, messageId: string): string {
    return `${this.prefix}:sandbox:seen:${conversation}:${messageId}`;
  }
}
