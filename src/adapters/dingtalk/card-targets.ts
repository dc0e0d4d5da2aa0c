/**
 * Which conversation an interactive card was sent to, by its outTrackId: DingTalk's card callback
 * names the card and the user who pressed, not always the chat, and the bot needs the chat.
 */
import type { RedisClient } from '../../jobs/queues';
import { z } from 'zod';

/** A card can be pressed long after it was sent; a month covers a task's life. */
const TTL_S = 31 * 24 * 3600;
const targetSchema = z.object({ conversationId: z.string().min(1).max(256), kind: z.enum(['group', 'direct']) });
export type CardTarget = z.infer<typeof targetSchema>;

export class CardTargets {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async remember(outTrackId: string, target: CardTarget): Promise<void> {
    await this.redis.set(this.key(outTrackId), JSON.stringify(target), 'EX', TTL_S);
  }

  async lookup(outTrackId: string): Promise<CardTarget | undefined> {
    const raw = await this.redis.get(this.key(outTrackId));
    if (!raw) return undefined;
    const parsed = targetSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  private key(outTrackId: string): string {
    return `${this.keyPrefix}:card:${outTrackId}`;
  }
}
