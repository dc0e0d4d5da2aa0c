/**
 * Sends a Delivery through Wechaty: `room.say` into a group (mentioning the contacts the message
 * addresses) and `contact.say` to a person. While the account is away (logged out, service
 * unreachable) messages wait without using up their tries; the puppet failing otherwise is worth a
 * retry; a room or contact the account does not know is not.
 */
import type { Wechaty, Contact, Room } from 'wechaty';
import { ChannelUnavailableError, PermanentSendError, TransientSendError, type ChannelSender, type Delivery } from '../../jobs/delivery';
import type { Logger } from '../../log';
import type { RedisClient } from '../../jobs/queues';
import { partsProgressKey, sendPartsInOrder } from '../message-parts';
import { isConnectionLoss } from './connection';
import { renderTextParts } from './render';

/**
 * How soon a message held for a logged-out account is tried again. Short, so that the backlog
 * starts within seconds of the relogin; a try while away costs one Redis round trip.
 */
const HOLD_RETRY_MS = 2_000;

export class WechatySender implements ChannelSender {
  readonly channel = 'wechaty' as const;

  constructor(
    private readonly connection: { readonly bot: Wechaty | undefined },
    private readonly logger: Logger,
    /** Where a long message's progress through its parts is kept, so a retry sends no part twice. */
    private readonly progress: { redis: RedisClient; keyPrefix: string },
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const bot = this.connection.bot;
    if (!bot?.isLoggedIn) throw new ChannelUnavailableError('Wechaty is not logged in', 'WeChat account not logged in', HOLD_RETRY_MS);
    const parts = renderTextParts(delivery.message);
    const inOrder = (say: (text: string) => Promise<void>) =>
      sendPartsInOrder(this.progress.redis, partsProgressKey(this.progress.keyPrefix, 'wechaty', delivery.id), parts, say);
    try {
      const room = delivery.target.kind === 'conversation' ? await loadRoom(bot, delivery.target.id) : undefined;
      if (room) {
        const mentions = await findContacts(bot, delivery.message.mentionUserIds ?? []);
        // The mentions go with the first part, where the addressed people start reading.
        await inOrder(async (text) => {
          if (text === parts[0]) await room.say(text, ...mentions);
          else await room.say(text);
        });
        return;
      }
      const contact = await loadContact(bot, delivery.target.id);
      if (!contact) throw new PermanentSendError('Wechaty does not know this room or contact', { target: delivery.target.id });
      await inOrder(async (text) => {
        await contact.say(text);
      });
    } catch (error) {
      if (error instanceof PermanentSendError) throw error;
      if (isConnectionLoss(error)) throw new ChannelUnavailableError(`Wechaty send failed: the puppet service is unreachable`, 'Wechaty puppet service unreachable', HOLD_RETRY_MS);
      this.logger.warn({ channel: 'wechaty', deliveryId: delivery.id, err: error }, 'Wechaty send failed');
      throw new TransientSendError(`Wechaty send failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The room with this id, or undefined when the id is a contact's (asked of the puppet first: Room.find reports misses as errors). */
async function loadRoom(bot: Wechaty, id: string): Promise<Room | undefined> {
  try {
    await bot.puppet.roomPayload(id);
  } catch (error) {
    if (isConnectionLoss(error)) throw error; // unknown is not the same as unreachable
    return undefined;
  }
  return bot.Room.find({ id });
}

async function loadContact(bot: Wechaty, id: string): Promise<Contact | undefined> {
  try {
    await bot.puppet.contactPayload(id);
  } catch (error) {
    if (isConnectionLoss(error)) throw error;
    return undefined;
  }
  return bot.Contact.find({ id });
}

async function findContacts(bot: Wechaty, ids: string[]): Promise<Contact[]> {
  const found = await Promise.all(ids.map((id) => loadContact(bot, id)));
  return found.filter((c): c is Contact => c !== undefined);
}
