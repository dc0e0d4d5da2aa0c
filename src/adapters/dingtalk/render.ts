/**
 * BotMessage → DingTalk: robot OpenAPI message templates (msgKey + msgParam) and session webhook
 * bodies. A card becomes markdown or an actionCard whose buttons are `dtmd://` quick links: pressing
 * one makes the user send the button's command, so it takes the same path as typing it.
 */
import type { BotMessage, Card, CardButton } from '../../bot/message';
import { fits, splitToLimit, type SizeLimit } from '../message-parts';

/**
 * DingTalk's message sizes. Its robot docs give no byte limit for text and markdown; messages of
 * about 5000 characters are shown whole, so longer ones go as numbered parts within that. The
 * title (the notification preview) is cut at 40 characters: it repeats the body, which goes whole.
 */
export const SIZE_LIMITS = {
  text: { max: 5000, unit: 'chars' },
  markdown: { max: 5000, unit: 'chars' },
} as const satisfies Record<string, SizeLimit>;
const MAX_TITLE_CHARS = 40;
/** DingTalk markdown breaks a line only after two spaces. */
const MARKDOWN_LINE_BREAK = '  \n';
/** The robot templates have one to five buttons (sampleActionCard … sampleActionCard5). */
const MAX_ACTION_CARD_BUTTONS = 5;

/**
 * In a group a quick link sends the command without @-mentioning the robot, and DingTalk gives a
 * group robot only the messages that mention it; so group cards also say what to type.
 */
const GROUP_HINT = '在群内请 @我 并发送：';

export function quickLink(command: string): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}`;
}

/** The command a quick link carries; undefined for any other link. */
export function commandOfQuickLink(link: string): string | undefined {
  const prefix = 'dtmd://dingtalkclient/sendMessage?content=';
  if (!link.startsWith(prefix)) return undefined;
  try {
    return decodeURIComponent(link.slice(prefix.length));
  } catch {
    return undefined;
  }
}

export interface RenderContext {
  /** The message goes into a group chat (not 1:1). */
  group: boolean;
  /** A displayable reference of the card's image: an absolute URL or a DingTalk media id. */
  imageRef?: string;
}

export interface ApiMessage {
  msgKey: string;
  /** A JSON string, as the robot APIs take it. */
  msgParam: string;
}

/**
 * For /v1.0/robot/groupMessages/send and /v1.0/robot/oToMessages/batchSend: one message, or
 * numbered parts within SIZE_LIMITS to be sent in order (the buttons ride on the last part).
 */
export function renderApiParts(message: BotMessage, ctx: RenderContext): ApiMessage[] {
  if (!message.card && !message.file) {
    return splitToLimit(message.text, SIZE_LIMITS.text).map((content) => ({ msgKey: 'sampleText', msgParam: JSON.stringify({ content }) }));
  }
  const title = titleOf(message);
  const parts = splitToLimit(markdownOf(message, ctx), SIZE_LIMITS.markdown, { lineBreak: MARKDOWN_LINE_BREAK });
  return parts.map((text, i) => (i < parts.length - 1 ? { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title, text }) } : apiMessage(message, title, text)));
}

/** One message for the robot API; only for messages that fit (see renderApiParts). */
export function renderForApi(message: BotMessage, ctx: RenderContext): ApiMessage {
  if (!message.card && !message.file) return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: message.text }) };
  return apiMessage(message, titleOf(message), markdownOf(message, ctx));
}

function apiMessage(message: BotMessage, title: string, text: string): ApiMessage {
  const buttons = message.card?.buttons ?? [];
  if (buttons.length === 0 || buttons.length > MAX_ACTION_CARD_BUTTONS) {
    return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title, text }) };
  }
  if (buttons.length === 1) {
    return { msgKey: 'sampleActionCard', msgParam: JSON.stringify({ title, text, singleTitle: buttons[0].label, singleURL: quickLink(buttons[0].command) }) };
  }
  const param: Record<string, string> = { title, text };
  buttons.forEach((b, i) => {
    param[`actionTitle${i + 1}`] = b.label;
    param[`actionURL${i + 1}`] = quickLink(b.command);
  });
  return { msgKey: `sampleActionCard${buttons.length}`, msgParam: JSON.stringify(param) };
}

/** Bodies for a message's sessionWebhook, in order: one, or numbered parts within SIZE_LIMITS. */
export function renderWebhookParts(message: BotMessage, ctx: RenderContext): Record<string, unknown>[] {
  const mentions = mentionable(message.mentionUserIds);
  if (!message.card && !message.file) {
    return splitToLimit(withMentions(message.text, mentions), SIZE_LIMITS.text).map((content, i, all) => textBody(content, i === all.length - 1 ? mentions : []));
  }
  const title = titleOf(message);
  const parts = splitToLimit(withMentions(markdownOf(message, ctx), mentions), SIZE_LIMITS.markdown, { lineBreak: MARKDOWN_LINE_BREAK });
  return parts.map((text, i) => (i < parts.length - 1 ? { msgtype: 'markdown', markdown: { title, text } } : webhookBody(message, title, text)));
}

/** One session webhook body; only for messages that fit (see renderWebhookParts). */
export function renderForWebhook(message: BotMessage, ctx: RenderContext): Record<string, unknown> {
  const mentions = mentionable(message.mentionUserIds);
  if (!message.card && !message.file) return textBody(withMentions(message.text, mentions), mentions);
  return webhookBody(message, titleOf(message), withMentions(markdownOf(message, ctx), mentions));
}

function textBody(content: string, mentions: string[]): Record<string, unknown> {
  return { msgtype: 'text', text: { content }, ...(mentions.length ? { at: { atUserIds: mentions, isAtAll: false } } : {}) };
}

function webhookBody(message: BotMessage, title: string, text: string): Record<string, unknown> {
  const mentions = mentionable(message.mentionUserIds);
  const at = mentions.length ? { at: { atUserIds: mentions, isAtAll: false } } : {};
  const buttons = message.card?.buttons ?? [];
  if (buttons.length === 0 || buttons.length > MAX_ACTION_CARD_BUTTONS) return { msgtype: 'markdown', markdown: { title, text }, ...at };
  return {
    msgtype: 'actionCard',
    actionCard: { title, text, btnOrientation: '0', btns: buttons.map((b) => ({ title: b.label, actionURL: quickLink(b.command) })) },
    ...at,
  };
}

function titleOf(message: BotMessage): string {
  const raw = message.card?.title ?? message.text.split('\n')[0] ?? '';
  return truncate(raw.trim() || '消息', MAX_TITLE_CHARS);
}

/** The message as DingTalk markdown, whole: callers split it to SIZE_LIMITS.markdown. */
export function markdownOf(message: BotMessage, ctx: RenderContext): string {
  const parts: string[] = message.card ? cardMarkdown(message.card, ctx) : [escapeMarkdown(message.text).split('\n').join('  \n')];
  if (message.file) parts.push(`[📎 ${escapeMarkdown(message.file.name)}](${message.file.url})`);
  return parts.join('\n\n');
}

/** Whether a rendered markdown fits one DingTalk message. */
export function markdownFits(markdown: string): boolean {
  return fits(markdown, SIZE_LIMITS.markdown);
}

function cardMarkdown(card: Card, ctx: RenderContext): string[] {
  const parts = [`#### ${escapeMarkdown(card.title)}`];
  const fields = (card.fields ?? []).map((f) => `**${escapeMarkdown(f.label)}**：${escapeMarkdown(f.value)}`);
  if (fields.length) parts.push(fields.join('  \n'));
  const lines = (card.lines ?? []).map(escapeMarkdown);
  if (lines.length) parts.push(lines.join('  \n'));
  if (ctx.imageRef) parts.push(`![${escapeMarkdown(card.title)}](${ctx.imageRef})`);
  const buttons = card.buttons ?? [];
  if (buttons.length > MAX_ACTION_CARD_BUTTONS) parts.push(buttons.map(linkOf).join(' ｜ '));
  if (buttons.length && ctx.group) parts.push(GROUP_HINT + buttons.map((b) => `「${escapeMarkdown(b.command)}」`).join(' '));
  return parts;
}

function linkOf(button: CardButton): string {
  return `[${escapeMarkdown(button.label)}](${quickLink(button.command)})`;
}

/**
 * Who can be @-mentioned: members of the organisation (staffId). Someone outside it (a resident in a
 * residents' group) is known only by the encrypted senderId (`$:LWCP_v1:$…`), which `atUserIds` does
 * not take: the message goes without the mention rather than showing that id in the text.
 */
function mentionable(userIds: readonly string[] | undefined): string[] {
  return (userIds ?? []).filter((id) => !id.startsWith('$:'));
}

/** DingTalk shows a mention only when the text names the user as well as the at list does. */
function withMentions(text: string, userIds: string[]): string {
  const missing = userIds.filter((id) => !text.includes(`@${id}`));
  return missing.length ? `${text} ${missing.map((id) => `@${id}`).join(' ')}` : text;
}

/**
 * Keeps user-provided text from turning into links or headings. DingTalk's markdown has no
 * reliable backslash escape, so brackets and a leading # become their full-width forms.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/\[/g, '［').replace(/\]/g, '］').replace(/^#/gm, '＃');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
