/**
 * The sandbox's receiving side: the JSON API of DESIGN §7 and the web page. Like any receiver it
 * turns what arrives into an Inbound, queues it durably, and only then answers 202.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';
import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { z } from 'zod';
import { attachmentSchema, type InboundInput, type InboundSink } from '../../bot/inbound';
import type { Logger } from '../../log';
import type { Admission } from '../../jobs/inbound-queue';
import type { SandboxStore } from './store';

const idText = z.string().trim().min(1).max(128).regex(/^[^\s]+$/, 'must not contain spaces');
const postMessage = z.object({
  conversation: idText,
  user: idText,
  text: z.string().max(4000),
  userName: z.string().max(100).optional(),
  /** A platform-style message id; sending the same id again is a redelivery. */
  id: idText.optional(),
  /** Whether the bot was @-mentioned (groups); a text starting with `@网格助手` is mentioned too. */
  mentioned: z.boolean().optional(),
  /** A quote-reply: the id of the message (usually a bot card) this one quotes. */
  quote: idText.optional(),
  /** Photos (by URL) and locations, as a phone would send them. */
  attachments: z.array(attachmentSchema).max(9).optional(),
});
const postAction = z.object({ conversation: idText, user: idText, messageId: idText, action: z.string().min(1).max(500) });
const getMessages = z.object({ conversation: idText, after: z.string().max(32).optional() });

export interface SandboxDirectory {
  users: { id: string; name: string }[];
  conversations: { id: string; title: string }[];
}

const PAGE = path.join(__dirname, 'page.html');
/** `@网格助手` (and the spaces after it) at the start of a message: the sandbox bot's name. */
export const SANDBOX_BOT_NAME = '网格助手';
const BOT_MENTION = new RegExp(`^\\s*[@＠]${SANDBOX_BOT_NAME}[\\s\\u2005]*`);

/** 400 with what was wrong, field by field. */
function refuse(ctx: Koa.Context, error: z.ZodError): void {
  ctx.status = 400;
  ctx.body = { error: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** 429 with Retry-After while the inbound backlog is past its bound: nothing is queued. */
function overloaded(ctx: Koa.Context, admission: Admission | undefined): boolean {
  const wait = admission?.retryAfterSeconds() ?? null;
  if (wait === null) return false;
  admission?.refused(wait);
  ctx.status = 429;
  ctx.set('Retry-After', String(wait));
  ctx.body = { error: `overloaded: retry after ${wait} s` };
  return true;
}

export function mountSandbox(router: Router, deps: { store: SandboxStore; sink: InboundSink; logger: Logger; directory: () => Promise<SandboxDirectory>; admission?: Admission }): void {
  const { store, sink, logger } = deps;
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' });
  const kindOf = (conversation: string) => (conversation.startsWith('dm-') ? ('direct' as const) : ('group' as const));

  router.get('/sandbox', async (ctx) => {
    ctx.type = 'html';
    ctx.body = fs.createReadStream(PAGE);
  });

  // Refused before the body is even read: a refusal must cost next to nothing.
  const admit: Koa.Middleware = async (ctx, next) => {
    if (!overloaded(ctx, deps.admission)) await next();
  };

  router.post('/sandbox/api/messages', admit, json, async (ctx) => {
    const parsed = postMessage.safeParse(ctx.request.body);
    if (!parsed.success) return refuse(ctx, parsed.error);
    const { conversation, user, userName } = parsed.data;
    const attachments = parsed.data.attachments ?? [];
    // As on the platforms, the bot's own @-mention is not part of the text it reads.
    const atBot = BOT_MENTION.exec(parsed.data.text);
    const text = atBot ? parsed.data.text.slice(atBot[0].length) : parsed.data.text;
    const mentioned = kindOf(conversation) === 'direct' || Boolean(atBot) || (parsed.data.mentioned ?? true);
    const quotedMessage = parsed.data.quote ? await store.find(conversation, parsed.data.quote) : null;
    if (parsed.data.quote && !quotedMessage) {
      ctx.status = 400;
      ctx.body = { error: 'quote: no such message in this conversation' };
      return;
    }
    const quote = quotedMessage ? { id: quotedMessage.id, text: quotedMessage.text } : undefined;
    const shown = text || attachments.map((a) => (a.kind === 'location' ? `[位置] ${a.label ?? `${a.latitude},${a.longitude}`}` : a.kind === 'image' ? '[图片]' : `[文件] ${a.name}`)).join(' ');
    const draft = { conversation, from: user, text: shown, mentioned, ...(quote ? { quote } : {}), ...(userName ? { userName } : {}) };
    const inbound = (messageId: string): InboundInput => ({
      channel: 'sandbox',
      messageId,
      conversation: { id: conversation, kind: kindOf(conversation) },
      sender: { id: user, ...(userName ? { name: userName } : {}) },
      text,
      attachments,
      mentionedBot: mentioned,
      ...(quote ? { quoted: { messageId: quote.id, text: quote.text } } : {}),
      sentAt: new Date().toISOString(),
    });
    // With a client id, a redelivery is not shown twice (seen and stored in one Redis call); it is
    // still handed on: its job id makes it one job, handled once. Neither step needs the other's
    // answer, so both leave in one write (auto-pipelining): one round trip, the store's command
    // first. Without a client id, the id is the one the store mints.
    let messageId: string;
    if (parsed.data.id !== undefined) {
      messageId = parsed.data.id;
      await Promise.all([store.appendFirstSighting(draft, messageId), sink(inbound(messageId))]);
    } else {
      messageId = (await store.append(draft)).id;
      await sink(inbound(messageId));
    }
    ctx.status = 202;
    ctx.body = { id: messageId };
  });

  router.get('/sandbox/api/messages', async (ctx) => {
    const parsed = getMessages.safeParse(ctx.query);
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = { error: 'conversation is required' };
      return;
    }
    const messages = await store.list(parsed.data.conversation, parsed.data.after);
    ctx.body = { messages: messages.map(({ actionOf: _a, userName: _u, mentions: _m, ...m }) => m) };
  });

  router.post('/sandbox/api/actions', admit, json, async (ctx) => {
    const parsed = postAction.safeParse(ctx.request.body);
    if (!parsed.success) return refuse(ctx, parsed.error);
    const { conversation, user, messageId, action } = parsed.data;
    const message = await store.find(conversation, messageId);
    // `action` names the button by the command it carries, by its label, or by its position (0-based).
    const buttons = message?.card?.buttons ?? [];
    const button = buttons.find((b) => b.command === action || b.label === action) ?? (/^\d+$/.test(action) ? buttons[Number(action)] : undefined);
    if (!message || !button) {
      ctx.status = 404;
      ctx.body = { error: 'no such message or button' };
      return;
    }
    const stored = await store.append({ conversation, from: user, text: button.command, actionOf: messageId });
    await sink({
      channel: 'sandbox',
      messageId: stored.id,
      conversation: { id: conversation, kind: kindOf(conversation) },
      sender: { id: user },
      text: button.command,
      attachments: [],
      mentionedBot: true,
      cardAction: { messageId },
      sentAt: new Date().toISOString(),
    });
    logger.debug({ conversation, messageId }, 'sandbox button pressed');
    ctx.status = 202;
    ctx.body = { id: stored.id };
  });

  router.get('/sandbox/api/conversations', async (ctx) => {
    const directory = await deps.directory();
    const seen = await store.conversations();
    const known = new Map(directory.conversations.map((c) => [c.id, c.title]));
    for (const id of seen) if (!known.has(id)) known.set(id, id);
    ctx.body = { conversations: [...known].map(([id, title]) => ({ id, title, kind: kindOf(id) })), users: directory.users };
  });
}
