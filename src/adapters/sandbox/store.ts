/**
 * The sandbox "platform": conversations and their messages, kept in Redis so several bot
 * processes share them. A real platform keeps its chat history; this is ours for the sandbox.
 */
import type { Redis } from 'ioredis';
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

const MAX_PER_CONVERSATION = 2000;

export class SandboxStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key = (conversation: string) => `${this.prefix}:sandbox:conv:${conversation}`;

  /** Appends a message and returns it with its id (a number, ascending across all conversations). */
  async append(message: Omit<SandboxMessage, 'id' | 'at'> & { at?: string }): Promise<SandboxMessage> {
    const seq = await this.redis.incr(`${this.prefix}:sandbox:seq`);
    const stored: SandboxMessage = { ...message, id: String(seq), at: message.at ?? new Date().toISOString() };
    await this.redis
      .multi()
      .zadd(this.key(message.conversation), seq, JSON.stringify(stored))
      .zremrangebyrank(this.key(message.conversation), 0, -MAX_PER_CONVERSATION - 1)
      .zadd(`${this.prefix}:sandbox:conversations`, seq, message.conversation)
      .exec();
    return stored;
  }

  async list(conversation: string, afterId?: string): Promise<SandboxMessage[]> {
    const min = afterId && /^\d+$/.test(afterId) ? `(${afterId}` : '-inf';
    const raw = await this.redis.zrangebyscore(this.key(conversation), min, '+inf');
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

  /**
   * Claims a bot delivery id; false when it was delivered before. The sandbox behaves like a
   * platform with idempotent sends, so a resend after a crash shows once.
   */
  async claimDelivery(deliveryId: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:sandbox:delivered:${deliveryId}`, '1', 'EX', 7 * 86400, 'NX')) === 'OK';
  }

  /** Remembers a client-supplied message id; false when it was seen before (a redelivery). */
  async firstSighting(conversation: string, messageId: string): Promise<boolean> {
    const added = await this.redis.set(`${this.prefix}:sandbox:seen:${conversation}:${messageId}`, '1', 'EX', 86400, 'NX');
    return added === 'OK';
  }
}
