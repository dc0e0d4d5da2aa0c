/**
 * Wechaty messages → Inbound: room messages (with whether they @-mention the bot; the bot decides
 * what is spoken to it) and 1:1 messages. Puppets can replay history after a restart and emit one
 * message twice, so a message older than the first login of this process is ignored and each
 * message id is enqueued once.
 */
import type { RedisClient } from '../../jobs/queues';
import { types, type Message } from 'wechaty';
import type { InboundInput, InboundSink } from '../../bot/inbound';
import type { Logger } from '../../log';

/** A message id is remembered this long after it was queued. */
const SEEN_TTL_S = 7 * 24 * 3600;
/** A claim on a message being queued right now; a crash frees it after this. */
const CLAIM_TTL_S = 60;

/**
 * WeChat delivers a quote-reply as one text: `「name：quoted」`, a line of dashes, then the reply.
 */
export function splitQuote(text: string): { text: string; quoted?: string } {
  const m = /^「([\s\S]*?)」\s*\n[-\s]{5,}\n([\s\S]*)$/.exec(text);
  return m ? { text: m[2].trim(), quoted: m[1] } : { text };
}

export class WechatyReceiver {
  private loggedInAt: number | undefined;

  constructor(
    private readonly deps: { sink: InboundSink; redis: RedisClient; logger: Logger; keyPrefix: string },
  ) {}

  /**
   * Call on every login. Messages from before the first login of this process are history, not
   * requests; after a reconnect, what was said while the connection was down (replayed by the
   * service) is still wanted, and the message-id dedupe keeps it from being queued twice.
   */
  loggedIn(at: number): void {
    this.loggedInAt ??= at;
  }

  loggedOut(): void {
    this.loggedInAt = undefined;
  }

  async onMessage(message: Message): Promise<void> {
    const log = this.deps.logger.child({ channel: 'wechaty', messageId: message.id });
    try {
      const inbound = await this.toInbound(message, log);
      if (inbound) await this.enqueueOnce(inbound, log);
    } catch (error) {
      log.error({ err: error }, 'Wechaty message could not be queued');
    }
  }

  private async toInbound(message: Message, log: Logger): Promise<InboundInput | undefined> {
    if (message.self()) return undefined;
    const sentAt = message.date();
    if (this.loggedInAt === undefined || sentAt.getTime() < this.loggedInAt) {
      log.debug({ sentAt: sentAt.toISOString() }, 'Wechaty message from before login ignored');
      return undefined;
    }
    const type = message.type();
    if (type !== types.Message.Text && type !== types.Message.Location) return undefined;

    const room = message.room();
    const mentioned = room ? await message.mentionSelf() : true;
    const talker = message.talker();
    const said = type === types.Message.Text ? (room && mentioned ? await message.mentionText() : message.text()).trim() : '';
    const { text, quoted } = splitQuote(said);
    const attachments: InboundInput['attachments'] = [];
    if (type === types.Message.Location) {
      const location = await message.toLocation();
      attachments.push({ kind: 'location', latitude: location.latitude(), longitude: location.longitude(), label: location.name().slice(0, 500) });
    }

    return {
      channel: 'wechaty',
      messageId: message.id,
      conversation: room
        ? { id: room.id, kind: 'group', title: (await room.topic()).slice(0, 200) }
        : { id: talker.id, kind: 'direct' },
      sender: { id: talker.id, name: talker.name().slice(0, 200) },
      text: text.slice(0, 4000),
      attachments,
      mentionedBot: mentioned,
      ...(quoted ? { quoted: { text: quoted.slice(0, 4000) } } : {}),
      sentAt: sentAt.toISOString(),
    };
  }

  private async enqueueOnce(inbound: InboundInput, log: Logger): Promise<void> {
    const key = `${this.deps.keyPrefix}:wechaty:msg:${inbound.messageId}`;
    const claimed = await this.deps.redis.set(key, 'pending', 'EX', CLAIM_TTL_S, 'NX');
    if (!claimed) {
      log.info('Wechaty message seen before: not queued again');
      return;
    }
    try {
      await this.deps.sink(inbound);
    } catch (error) {
      await this.deps.redis.del(key).catch(() => undefined);
      throw error;
    }
    await this.deps.redis.set(key, 'done', 'EX', SEEN_TTL_S);
    log.info({ senderId: inbound.sender.id }, 'Wechaty message queued');
  }
}
