/**
 * The one neutral shape every channel receiver turns platform traffic into (DESIGN §3).
 * It travels through the inbound queue as JSON, so it is validated again when a worker takes it.
 */
import { z } from 'zod';
import { CHANNELS } from '../config';

export const attachmentSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    /** Where the bot can fetch it, or a platform media id the channel can resolve. */
    url: z.string().max(4096).optional(),
    mediaId: z.string().max(512).optional(),
  }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    label: z.string().max(500).optional(),
  }),
  z.object({
    kind: z.literal('file'),
    name: z.string().max(500),
    url: z.string().max(4096).optional(),
    mediaId: z.string().max(512).optional(),
  }),
]);
export type Attachment = z.infer<typeof attachmentSchema>;

export const inboundSchema = z.object({
  channel: z.enum(CHANNELS),
  /** The platform's message id: the same message delivered twice has the same id. */
  messageId: z.string().min(1).max(256),
  conversation: z.object({
    id: z.string().min(1).max(256),
    kind: z.enum(['group', 'direct']),
    title: z.string().max(200).optional(),
  }),
  sender: z.object({
    /** The platform's user id: DingTalk staffId, WeCom userid, Wechaty contact id, sandbox user. */
    id: z.string().min(1).max(256),
    name: z.string().max(200).optional(),
  }),
  /** The text with the bot's @-mention removed; empty for a bare attachment. */
  text: z.string().max(4000),
  attachments: z.array(attachmentSchema).max(20).default([]),
  mentionedBot: z.boolean().default(false),
  /**
   * The message this one quotes (a quote-reply: DingTalk `text.repliedMsg`, WeCom `quote`, the
   * sandbox's `quote`), as far as the platform tells: its id and its text.
   */
  quoted: z.object({ messageId: z.string().max(256).optional(), text: z.string().max(4000).optional() }).optional(),
  /** Set when the message is a card button press; the text is then the command the button carries. */
  cardAction: z.object({ messageId: z.string().max(256).optional() }).optional(),
  /** When the platform says the message was sent (ISO 8601). */
  sentAt: z.string().datetime({ offset: true }),
  /**
   * Channel-private data needed to answer this very message (DingTalk sessionWebhook and its
   * expiry, WeCom response_url). The bot passes it back untouched with its reply.
   */
  replyContext: z.record(z.string(), z.string()).optional(),
});
export type Inbound = z.infer<typeof inboundSchema>;
export type InboundInput = z.input<typeof inboundSchema>;

/**
 * Where a receiver hands an Inbound. It resolves only once the message is durably queued:
 * a receiver acknowledges the platform after that, never before.
 */
export type InboundSink = (inbound: InboundInput) => Promise<void>;

/**
 * The photos of a message as reference strings: a URL when the channel gave one, otherwise
 * `media:<id>` for a platform media id the channel can resolve later.
 */
export function imageRefs(attachments: readonly Attachment[]): string[] {
  return attachments.flatMap((a) => (a.kind === 'image' ? [a.url ?? (a.mediaId ? `media:${a.mediaId}` : '')] : [])).filter(Boolean);
}
