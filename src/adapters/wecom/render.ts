/**
 * BotMessage → WeCom formats: markdown (app, bot response_url, group robot webhook) and the
 * button_interaction template card, whose button keys carry the commands the buttons stand for.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import type { BotMessage, Card, CardButton } from '../../bot/message';
import type { SizeLimit } from '../message-parts';

/**
 * WeCom's documented message sizes. App message/send: text and markdown content 最长不超过2048个字节
 * (developer.work.weixin.qq.com/document/path/90236); group robot webhook: markdown 4096 bytes
 * (WeCom answers 40058 "markdown.content exceed max length 4096"); the intelligent bot's
 * response_url: markdown 20480 bytes.
 */
export const SIZE_LIMITS = {
  appMarkdown: { max: 2048, unit: 'bytes' },
  webhookMarkdown: { max: 4096, unit: 'bytes' },
  botMarkdown: { max: 20480, unit: 'bytes' },
} as const satisfies Record<string, SizeLimit>;

/** WeCom's documented limits (bytes for contents and keys, characters for card texts). */
export const LIMITS = {
  webhookMarkdownBytes: SIZE_LIMITS.webhookMarkdown.max,
  buttonKeyBytes: 1024,
  buttons: 6,
  horizontalItems: 6,
  titleChars: 36,
  subTitleChars: 112,
  keynameChars: 5,
  valueChars: 30,
  buttonTextChars: 10,
  taskIdBytes: 128,
} as const;

const INLINE_PREFIX = 'c:';
const STORED_PREFIX = 'r:';
/** How long a command that did not fit into a button key stays resolvable. */
const STORED_COMMAND_TTL_S = 30 * 24 * 3600;

/**
 * A button key is the command itself (`c:办结 T20261122-0007`), or, when it is longer than WeCom
 * allows, a short reference (`r:<hash>`) to the command kept in Redis.
 */
export class ButtonKeys {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async encode(command: string): Promise<string> {
    const inline = INLINE_PREFIX + command;
    if (Buffer.byteLength(inline, 'utf8') <= LIMITS.buttonKeyBytes) return inline;
    const ref = crypto.createHash('sha256').update(command).digest('hex').slice(0, 32);
    await this.redis.set(this.storeKey(ref), command, 'EX', STORED_COMMAND_TTL_S);
    return STORED_PREFIX + ref;
  }

  /** The command a pressed button stands for; undefined for a key we did not make or that expired. */
  async decode(key: string): Promise<string | undefined> {
    if (key.startsWith(INLINE_PREFIX)) return key.slice(INLINE_PREFIX.length) || undefined;
    if (key.startsWith(STORED_PREFIX) && /^[0-9a-f]{32}$/.test(key.slice(STORED_PREFIX.length))) {
      return (await this.redis.get(this.storeKey(key.slice(STORED_PREFIX.length)))) ?? undefined;
    }
    return undefined;
  }

  private storeKey(ref: string): string {
    return `${this.keyPrefix}:wecom:button:${ref}`;
  }
}

/** A template card's task_id: deterministic per delivery, within WeCom's charset and length. */
export function taskIdFor(deliveryId: string): string {
  return `gb-${crypto.createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}`;
}

export function isActionable(message: BotMessage): boolean {
  return Boolean(message.card?.buttons?.length);
}

/**
 * Whether the card shows whole as a button_interaction template card: every text within the
 * card's field lengths. A card that does not fit is shown as markdown (split into parts) so that
 * nothing is cut, followed by a compact card that carries only its buttons.
 */
export function cardFitsTemplate(card: Card): boolean {
  const fields = card.fields ?? [];
  const buttons = uniqueByCommand(card.buttons ?? []);
  const overflow = [...fields.slice(LIMITS.horizontalItems).map((f) => `${f.label}：${f.value}`), ...(card.lines ?? [])];
  if (buttons.length > LIMITS.buttons) overflow.push(`也可回复：${buttons.slice(LIMITS.buttons).map((b) => `「${b.command}」`).join(' ')}`);
  return (
    chars(card.title) <= LIMITS.titleChars &&
    chars(overflow.join('\n')) <= LIMITS.subTitleChars &&
    fields.slice(0, LIMITS.horizontalItems).every((f) => chars(f.label) <= LIMITS.keynameChars && chars(f.value) <= LIMITS.valueChars) &&
    buttons.slice(0, LIMITS.buttons).every((b) => chars(b.label) <= LIMITS.buttonTextChars)
  );
}

/** The buttons of a card whose content went out as markdown: title and buttons only. */
export function compactCard(card: Card): Card {
  return { title: card.title, buttons: card.buttons };
}

function chars(text: string): number {
  return Array.from(text).length;
}

/**
 * Markdown for any WeCom surface, whole (the sender splits it to the surface's limit). Buttons
 * cannot be pressed in markdown, so the commands are shown to type instead (unless the text
 * already shows them).
 */
export function renderMarkdown(message: BotMessage, options: { mention: boolean }): string {
  const parts: string[] = [];
  if (message.card) parts.push(cardMarkdown(message.card));
  if (message.text && (!message.card || !cardRepeatsText(message.card, message.text))) parts.unshift(message.text);
  const commands = missingCommands(message, parts.join('\n'));
  if (commands.length) parts.push(`可回复：${commands.map((c) => `「${c}」`).join(' ')}`);
  if (message.file) parts.push(`[${message.file.name}](${message.file.url})`);
  if (options.mention && message.mentionUserIds?.length) parts.push(message.mentionUserIds.map((id) => `<@${id}>`).join(' '));
  return parts.join('\n\n');
}

function cardMarkdown(card: Card): string {
  const out = [`**${card.title}**`];
  for (const f of card.fields ?? []) out.push(`> ${f.label}：${f.value}`);
  for (const l of card.lines ?? []) out.push(l);
  if (card.imageUrl && /^https?:/.test(card.imageUrl)) out.push(`[查看图片](${card.imageUrl})`);
  return out.join('\n');
}

/** True when the text is just the card's title and fields again, as the bot's plain fallback is. */
function cardRepeatsText(card: Card, text: string): boolean {
  return text.includes(card.title);
}

function missingCommands(message: BotMessage, shown: string): string[] {
  return (message.card?.buttons ?? []).map((b) => b.command).filter((c) => !shown.includes(`「${c}」`));
}

export interface ButtonCardJson {
  card_type: 'button_interaction';
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  horizontal_content_list?: { keyname: string; value: string }[];
  button_list: { text: string; style: number; key: string }[];
  task_id: string;
}

/** An actionable card: WeCom's button_interaction template card, each button's key carrying its command. */
export async function renderButtonCard(message: BotMessage, taskId: string, keys: ButtonKeys): Promise<ButtonCardJson> {
  const card = message.card;
  if (!card?.buttons?.length) throw new Error('renderButtonCard needs a card with buttons');
  const fields = card.fields ?? [];
  const shownFields = fields.slice(0, LIMITS.horizontalItems);
  const overflow = [...fields.slice(LIMITS.horizontalItems).map((f) => `${f.label}：${f.value}`), ...(card.lines ?? [])];
  const buttons = uniqueByCommand(card.buttons);
  const shownButtons = buttons.slice(0, LIMITS.buttons);
  const hiddenCommands = buttons.slice(LIMITS.buttons).map((b) => `「${b.command}」`);
  if (hiddenCommands.length) overflow.push(`也可回复：${hiddenCommands.join(' ')}`);
  return {
    card_type: 'button_interaction',
    main_title: { title: truncateChars(card.title, LIMITS.titleChars) },
    ...(overflow.length ? { sub_title_text: truncateChars(overflow.join('\n'), LIMITS.subTitleChars) } : {}),
    ...(shownFields.length
      ? {
          horizontal_content_list: shownFields.map((f) => ({
            keyname: truncateChars(f.label, LIMITS.keynameChars),
            value: truncateChars(f.value, LIMITS.valueChars),
          })),
        }
      : {}),
    button_list: await Promise.all(
      shownButtons.map(async (b) => ({
        text: truncateChars(b.label, LIMITS.buttonTextChars),
        style: b.style === 'danger' ? 3 : b.style === 'default' ? 2 : 1,
        key: await keys.encode(b.command),
      })),
    ),
    task_id: taskId,
  };
}

function uniqueByCommand(buttons: CardButton[]): CardButton[] {
  const seen = new Set<string>();
  return buttons.filter((b) => (seen.has(b.command) ? false : (seen.add(b.command), true)));
}

export function truncateChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let used = Buffer.byteLength('…', 'utf8');
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > maxBytes) break;
    out += ch;
    used += size;
  }
  return `${out}…`;
}
