/** Delivers bot messages into sandbox conversations; a 1:1 message to `user` lands in `dm-user`. */
import type { ChannelSender, Delivery } from '../../jobs/delivery';
import type { SandboxStore, SandboxMessage } from './store';
import { renderForSandbox } from './render';

export function directConversationOf(userId: string): string {
  return `dm-${userId}`;
}

export class SandboxSender implements ChannelSender {
  readonly channel = 'sandbox' as const;
  /** Storing in Redis has no platform limits and no outage of its own (a Redis error is retried). */
  readonly asksToWait = false;

  constructor(
    private readonly store: SandboxStore,
    private readonly onSent: (message: SandboxMessage) => void = () => undefined,
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const conversation = delivery.target.kind === 'user' ? directConversationOf(delivery.target.id) : delivery.target.id;
    // Claimed and stored in one step: the outbox marks the delivery done only after this returns.
    const stored = await this.store.append(renderForSandbox(conversation, delivery.message), delivery.id);
    if (stored) this.onSent(stored);
  }
}
