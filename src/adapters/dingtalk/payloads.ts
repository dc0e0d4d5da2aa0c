/**
 * The shapes DingTalk sends us over Stream mode (robot messages, card callbacks) and answers on
 * its OpenAPI, validated once here at the edge. Unknown fields are kept (looseObject) because
 * DingTalk adds fields without notice.
 */
import { z } from 'zod';

/** Stream topics this channel subscribes to (dingtalk-stream's TOPIC_ROBOT / TOPIC_CARD). */
export const TOPIC_ROBOT_MESSAGE = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD_CALLBACK = '/v1.0/card/instances/callback';

/** Envelope of every downstream frame (specVersion, type, headers, data as a JSON string). */
export const frameSchema = z.looseObject({
  type: z.enum(['SYSTEM', 'EVENT', 'CALLBACK']),
  headers: z.looseObject({
    topic: z.string().min(1).max(256),
    messageId: z.string().min(1).max(256).optional(),
  }),
  data: z.string().max(1_000_000).default(''),
});
export type Frame = z.infer<typeof frameSchema>;

const downloadable = z.looseObject({ downloadCode: z.string().min(1).max(2048).optional() });

const robotMessageBase = z.looseObject({
  msgId: z.string().min(1).max(256),
  conversationId: z.string().min(1).max(256),
  /** '1' = 1:1 with the bot, '2' = group. */
  conversationType: z.enum(['1', '2']),
  conversationTitle: z.string().max(200).optional(),
  senderId: z.string().max(256).optional(),
  /** Absent for people outside the organisation (external contacts in a cross-org group). */
  senderStaffId: z.string().max(256).optional(),
  senderNick: z.string().max(200).optional(),
  isInAtList: z.boolean().optional(),
  sessionWebhook: z.string().max(2048).optional(),
  sessionWebhookExpiredTime: z.number().int().optional(),
  createAt: z.number().int().optional(),
  robotCode: z.string().max(256).optional(),
});

export const robotMessageSchema = z.discriminatedUnion('msgtype', [
  robotMessageBase.extend({ msgtype: z.literal('text'), text: z.looseObject({
      content: z.string().max(20_000),
      /** A quote-reply: DingTalk marks it and carries the quoted message (id, and its text when it was text). */
      isReplyMsg: z.boolean().optional(),
      repliedMsg: z.looseObject({ msgId: z.string().max(256).optional(), content: z.looseObject({ text: z.string().max(20_000).optional() }).optional() }).optional(),
    }) }),
  robotMessageBase.extend({ msgtype: z.literal('picture'), content: downloadable }),
  robotMessageBase.extend({
    msgtype: z.literal('richText'),
    content: z.looseObject({
      richText: z.array(z.looseObject({ text: z.string().max(20_000).optional(), type: z.string().optional(), downloadCode: z.string().max(2048).optional() })).max(200),
    }),
  }),
  robotMessageBase.extend({
    msgtype: z.literal('audio'),
    content: downloadable.extend({ recognition: z.string().max(20_000).optional(), duration: z.number().optional() }),
  }),
  robotMessageBase.extend({ msgtype: z.literal('file'), content: downloadable.extend({ fileName: z.string().max(500).optional() }) }),
  robotMessageBase.extend({ msgtype: z.literal('video'), content: downloadable }),
]);
export type RobotMessage = z.infer<typeof robotMessageSchema>;

/** The envelope alone, to tell an unsupported msgtype (answered with help) from garbage. */
export const robotEnvelopeSchema = robotMessageBase.extend({ msgtype: z.string().max(64) });

/** An interactive card's button press (the card template's callback, delivered over Stream). */
export const cardCallbackSchema = z.looseObject({
  userId: z.string().min(1).max(256),
  outTrackId: z.string().max(256).optional(),
  /** JSON string: {"cardPrivateData":{"actionIds":[...],"params":{...}}}. */
  content: z.string().max(100_000).optional(),
  value: z.string().max(100_000).optional(),
});

export const cardActionSchema = z.looseObject({
  cardPrivateData: z.looseObject({
    actionIds: z.array(z.string()).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  }),
});

// --- OpenAPI answers ---------------------------------------------------------------------------

export const accessTokenSchema = z.looseObject({ accessToken: z.string().min(1), expireIn: z.number().int().positive() });
export const gatewayEndpointSchema = z.looseObject({ endpoint: z.string().min(1), ticket: z.string().min(1) });
/** The error body of api.dingtalk.com: {code, message, requestid}. */
export const apiErrorSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional(), requestid: z.string().optional() });
export const batchSendResultSchema = z.looseObject({
  processQueryKey: z.string().optional(),
  invalidStaffIdList: z.array(z.string()).optional(),
  flowControlledStaffIdList: z.array(z.string()).optional(),
});
export const downloadResultSchema = z.looseObject({ downloadUrl: z.string().min(1).max(4096) });
/** The session webhook (and oapi) answer: {errcode, errmsg}. */
export const webhookResultSchema = z.looseObject({ errcode: z.number().int().default(0), errmsg: z.string().default('') });
export const mediaUploadResultSchema = z.looseObject({ errcode: z.number().int().default(0), errmsg: z.string().default(''), media_id: z.string().optional() });

/** replyContext key naming the interactive card a press came from (its answer updates that card). */
export const CARD_REPLY_CONTEXT = 'cardOutTrackId';
