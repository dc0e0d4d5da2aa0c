/**
 * Decrypted WeCom callbacks → one neutral Inbound: the intelligent bot's JSON and the self-built
 * app's XML. Everything is validated with zod here; anything we do not handle decodes to `ignored`.
 */
import crypto from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { Attachment, InboundInput } from '../../bot/inbound';

/** Keys of Inbound.replyContext written by this channel and read by its sender. */
export const REPLY_CONTEXT = {
  via: 'wecomVia',
  responseUrl: 'responseUrl',
  responseCode: 'responseCode',
} as const;

/** Group conversation ids are `chat:<chatid>`; WeCom userids cannot contain ':', so a bare id is a user. */
export const GROUP_PREFIX = 'chat:';

export type Decoded =
  | { kind: 'message'; inbound: InboundInput }
  /** A button press whose key must still be resolved to its command. */
  | { kind: 'button'; buttonKey: string; inbound: Omit<InboundInput, 'text'> }
  | { kind: 'ignored'; reason: string };

// ---------------------------------------------------------------------------------------------
// Intelligent bot (智能机器人), JSON

const botBaseSchema = z.looseObject({
  msgid: z.string().min(1).max(256),
  create_time: z.number().int().optional(),
  aibotid: z.string().max(256).optional(),
  chatid: z.string().max(256).optional(),
  chattype: z.enum(['single', 'group']),
  from: z.looseObject({ userid: z.string().min(1).max(256) }),
  response_url: z.url({ protocol: /^https?$/ }).max(4096).optional(),
  msgtype: z.string().max(64),
});

const botTextSchema = z.object({ content: z.string().max(20000) });
const botImageSchema = z.object({ url: z.string().max(4096) });
const botQuoteSchema = z.looseObject({ msgtype: z.string().max(64), text: botTextSchema.optional() });
const botMixedSchema = z.object({
  msg_item: z
    .array(
      z.looseObject({
        msgtype: z.string(),
        text: botTextSchema.optional(),
        image: botImageSchema.optional(),
      }),
    )
    .max(50),
});
const botEventSchema = z.looseObject({
  eventtype: z.string().max(64),
  template_card_event: z
    .looseObject({
      card_type: z.string().max(64).optional(),
      event_key: z.string().min(1).max(2048),
      task_id: z.string().max(256).optional(),
    })
    .optional(),
});

export function decodeBotCallback(plaintext: string, now: Date): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    return { kind: 'ignored', reason: 'not-json' };
  }
  const base = botBaseSchema.safeParse(json);
  if (!base.success) return { kind: 'ignored', reason: 'unexpected-shape' };
  const msg = base.data;
  const raw = json as Record<string, unknown>;
  const group = msg.chattype === 'group';
  if (group && !msg.chatid) return { kind: 'ignored', reason: 'group-without-chatid' };

  const common = {
    channel: 'wecom' as const,
    messageId: msg.msgid,
    conversation: group
      ? { id: `${GROUP_PREFIX}${msg.chatid}`, kind: 'group' as const }
      : { id: msg.from.userid, kind: 'direct' as const },
    sender: { id: msg.from.userid },
    mentionedBot: true,
    sentAt: (msg.create_time ? new Date(msg.create_time * 1000) : now).toISOString(),
    replyContext: {
      [REPLY_CONTEXT.via]: 'bot',
      ...(msg.response_url ? { [REPLY_CONTEXT.responseUrl]: msg.response_url } : {}),
    },
  };

  switch (msg.msgtype) {
    case 'text':
    case 'voice': {
      // A voice message arrives already transcribed, in voice.content.
      const body = botTextSchema.safeParse(raw[msg.msgtype]);
      if (!body.success) return { kind: 'ignored', reason: 'bad-text' };
      // A quote-reply carries the quoted message's text in `quote` (no id).
      const quote = botQuoteSchema.safeParse(raw.quote);
      const quoted = quote.success && quote.data.text ? { quoted: { text: quote.data.text.content.slice(0, 4000) } } : {};
      return message({ ...common, text: clean(body.data.content, group), attachments: [], ...quoted });
    }
    case 'image': {
      const body = botImageSchema.safeParse(raw.image);
      if (!body.success) return { kind: 'ignored', reason: 'bad-image' };
      return message({ ...common, text: '', attachments: [{ kind: 'image', url: body.data.url }] });
    }
    case 'mixed': {
      const body = botMixedSchema.safeParse(raw.mixed);
      if (!body.success) return { kind: 'ignored', reason: 'bad-mixed' };
      const texts = body.data.msg_item.flatMap((i) => (i.msgtype === 'text' && i.text ? [i.text.content] : []));
      const images: Attachment[] = body.data.msg_item.flatMap((i) =>
        i.msgtype === 'image' && i.image ? [{ kind: 'image' as const, url: i.image.url }] : [],
      );
      return message({ ...common, text: clean(texts.join('\n'), group), attachments: images.slice(0, 20) });
    }
    case 'event': {
      const event = botEventSchema.safeParse(raw.event);
      if (!event.success || event.data.eventtype !== 'template_card_event' || !event.data.template_card_event) {
        return { kind: 'ignored', reason: `event-${event.success ? event.data.eventtype : 'unknown'}` };
      }
      const press = event.data.template_card_event;
      return {
        kind: 'button',
        buttonKey: press.event_key,
        inbound: { ...common, cardAction: { messageId: press.task_id } },
      };
    }
    default:
      return { kind: 'ignored', reason: `msgtype-${msg.msgtype}` };
  }
}

/** In a group, WeCom delivers the text with the bot's @-mention in front: drop it. */
function clean(text: string, group: boolean): string {
  const trimmed = text.trim();
  const withoutMention = group ? trimmed.replace(/^@\S+\s*/u, '') : trimmed;
  return withoutMention.slice(0, 4000);
}

function message(inbound: InboundInput): Decoded {
  return { kind: 'message', inbound };
}

// ---------------------------------------------------------------------------------------------
// Self-built app (自建应用), XML

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  // Keep every value a string: MsgId is a 64-bit integer that a number would round.
  parseTagValue: false,
  processEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
});

/** The outer envelope WeCom POSTs to the app callback, before decryption. */
const appEnvelopeSchema = z.object({
  xml: z.looseObject({
    ToUserName: z.string().max(256).optional(),
    AgentID: z.string().max(64).optional(),
    Encrypt: z.string().min(1).max(1_000_000),
  }),
});

export function parseAppEnvelope(body: string): { encrypt: string } | undefined {
  try {
    const parsed = appEnvelopeSchema.safeParse(xmlParser.parse(body));
    return parsed.success ? { encrypt: parsed.data.xml.Encrypt } : undefined;
  } catch {
    return undefined;
  }
}

const numeric = z.string().regex(/^-?\d+(\.\d+)?$/);

const appMessageSchema = z.looseObject({
  ToUserName: z.string().max(256),
  FromUserName: z.string().min(1).max(256),
  CreateTime: z.string().regex(/^\d{1,12}$/),
  MsgType: z.string().max(64),
  AgentID: z.string().max(64).optional(),
  MsgId: z.string().max(64).optional(),
  Content: z.string().max(20000).optional(),
  PicUrl: z.string().max(4096).optional(),
  MediaId: z.string().max(512).optional(),
  Location_X: numeric.optional(),
  Location_Y: numeric.optional(),
  Label: z.string().max(500).optional(),
  Event: z.string().max(64).optional(),
  EventKey: z.string().max(2048).optional(),
  TaskId: z.string().max(256).optional(),
  ResponseCode: z.string().max(1024).optional(),
});

export function decodeAppCallback(plaintext: string, expectedAgentId: string | undefined): Decoded {
  let root: unknown;
  try {
    root = xmlParser.parse(plaintext);
  } catch {
    return { kind: 'ignored', reason: 'not-xml' };
  }
  const parsed = z.object({ xml: appMessageSchema }).safeParse(root);
  if (!parsed.success) return { kind: 'ignored', reason: 'unexpected-shape' };
  const msg = parsed.data.xml;
  if (expectedAgentId && msg.AgentID && msg.AgentID !== expectedAgentId) {
    return { kind: 'ignored', reason: 'other-agent' };
  }

  const common = {
    channel: 'wecom' as const,
    conversation: { id: msg.FromUserName, kind: 'direct' as const },
    sender: { id: msg.FromUserName },
    mentionedBot: false,
    sentAt: new Date(Number(msg.CreateTime) * 1000).toISOString(),
  };
  const messageId = msg.MsgId ? `app-${msg.MsgId}` : undefined;

  switch (msg.MsgType) {
    case 'text':
      if (!messageId || msg.Content === undefined) return { kind: 'ignored', reason: 'bad-text' };
      return message({
        ...common,
        messageId,
        text: msg.Content.trim().slice(0, 4000),
        replyContext: { [REPLY_CONTEXT.via]: 'app' },
      });
    case 'image':
      if (!messageId || !msg.MediaId) return { kind: 'ignored', reason: 'bad-image' };
      return message({
        ...common,
        messageId,
        text: '',
        attachments: [{ kind: 'image', mediaId: msg.MediaId, ...(msg.PicUrl ? { url: msg.PicUrl } : {}) }],
        replyContext: { [REPLY_CONTEXT.via]: 'app' },
      });
    case 'location': {
      const latitude = Number(msg.Location_X);
      const longitude = Number(msg.Location_Y);
      if (!messageId || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
        return { kind: 'ignored', reason: 'bad-location' };
      }
      return message({
        ...common,
        messageId,
        text: '',
        attachments: [{ kind: 'location', latitude, longitude, ...(msg.Label ? { label: msg.Label.slice(0, 500) } : {}) }],
        replyContext: { [REPLY_CONTEXT.via]: 'app' },
      });
    }
    case 'event': {
      if (msg.Event !== 'template_card_event' || !msg.EventKey) return { kind: 'ignored', reason: `event-${msg.Event ?? ''}` };
      // Events carry no MsgId; WeCom's advice is FromUserName + CreateTime, the card and key make it exact.
      const eventId = crypto
        .createHash('sha1')
        .update([msg.FromUserName, msg.CreateTime, msg.TaskId ?? '', msg.EventKey, msg.ResponseCode ?? ''].join('\n'))
        .digest('hex');
      return {
        kind: 'button',
        buttonKey: msg.EventKey,
        inbound: {
          ...common,
          messageId: `app-event-${eventId}`,
          cardAction: { messageId: msg.TaskId },
          replyContext: {
            [REPLY_CONTEXT.via]: 'app',
            ...(msg.ResponseCode ? { [REPLY_CONTEXT.responseCode]: msg.ResponseCode } : {}),
          },
        },
      };
    }
    default:
      return { kind: 'ignored', reason: `msgtype-${msg.MsgType}` };
  }
}
