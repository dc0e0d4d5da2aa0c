/**
 * BotMessage → the plain text a WeChat chat shows. WeChat has no buttons: each button degrades to
 * the command to type, 回复「命令」.
 */
import { cardToText, type BotMessage } from '../../bot/message';
import { splitToLimit, type SizeLimit } from '../message-parts';

/**
 * WeChat documents no length for a chat text; very long ones are cut or folded on phones, so a
 * message stays within 4000 characters and a longer one goes as numbered parts.
 */
export const SIZE_LIMITS = { text: { max: 4000, unit: 'chars' } } as const satisfies Record<string, SizeLimit>;

/** The message as WeChat texts to send in order: one, or numbered parts within SIZE_LIMITS. */
export function renderTextParts(message: BotMessage): string[] {
  return splitToLimit(renderText(message), SIZE_LIMITS.text);
}

/** The whole message as one text (renderTextParts splits it). */
export function renderText(message: BotMessage): string {
  const parts: string[] = [];
  const text = message.text.trim();
  const card = message.card ? cardToText(message.card) : '';
  if (text && !(message.card && text.includes(message.card.title))) parts.push(text);
  if (card) parts.push(card);
  const shown = parts.join('\n\n');
  const missing = (message.card?.buttons ?? []).map((b) => b.command).filter((c) => !shown.includes(`「${c}」`));
  if (missing.length) parts.push(missing.map((c) => `回复「${c}」`).join('\n'));
  if (message.file) parts.push(`${message.file.name}：${message.file.url}`);
  return parts.join('\n\n') || text;
}
