/**
 * BotMessage → the plain text a WeChat chat shows. WeChat has no buttons: each button degrades to
 * the command to type, 回复「命令」.
 */
import { cardToText, type BotMessage } from '../../bot/message';

/** WeChat cuts very long texts; keep a message well inside that. */
const MAX_CHARS = 4000;

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
  const out = parts.join('\n\n') || text;
  return Array.from(out).length > MAX_CHARS ? `${Array.from(out).slice(0, MAX_CHARS - 1).join('')}…` : out;
}
