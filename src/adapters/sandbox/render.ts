/** BotMessage → what the sandbox page shows: the text, and the card with its buttons as data. */
import type { BotMessage } from '../../bot/message';
import type { SandboxMessage } from './store';

export function renderForSandbox(conversation: string, message: BotMessage): Omit<SandboxMessage, 'id' | 'at'> {
  return {
    conversation,
    from: 'bot',
    text: message.text,
    ...(message.card ? { card: message.card } : {}),
    ...(message.mentionUserIds?.length ? { mentions: message.mentionUserIds } : {}),
    ...(message.file ? { file: { name: message.file.name, url: message.file.url } } : {}),
  };
}
