/**
 * The DingTalk receiver: turns Stream frames (robot messages, card button presses) into Inbound
 * values, queues them durably, and only then acknowledges the frame. A frame whose Inbound could
 * not be queued (Redis down) is left unacknowledged: the gateway delivers it again, and the
 * inbound job id (channel + msgId) makes the redelivery the same job.
 */
import type { DWClientDownStream } from 'dingtalk-stream';
import { inboundSchema, type Attachment, type InboundInput, type InboundSink } from '../../bot/inbound';
import type { Logger } from '../../log';
import type { DingTalkApi } from './api-client';
import type { CardTargets } from './card-targets';
import { CARD_REPLY_CONTEXT, cardActionSchema, cardCallbackSchema, robotEnvelopeSchema, robotMessageSchema, TOPIC_CARD_CALLBACK, TOPIC_ROBOT_MESSAGE, type RobotMessage } from './payloads';
import { directConversationId } from './sender';
import type { Ack, FrameListener } from './stream-client';

const MAX_TEXT_CHARS = 4000;
/** Resolving a picture's download URL must not hold the acknowledgement for long. */
const DOWNLOAD_URL_TIMEOUT_MS = 5_000;

export interface ReceiverOptions {
  sink: InboundSink;
  logger: Logger;
  api: DingTalkApi;
  cardTargets: CardTargets;
}

export function createFrameListener(opts: ReceiverOptions): FrameListener {
  return (frame, ack) => {
    const handled = frame.headers.topic === TOPIC_CARD_CALLBACK ? onCardCallback(opts, frame) : onRobotMessage(opts, frame);
    handled
      .then((inbound) => acknowledge(opts, frame, ack, inbound))
      .catch((err: unknown) => {
        opts.logger.warn(
          { err: err instanceof Error ? err.message : String(err), frameId: frame.headers.messageId, topic: frame.headers.topic },
          'DingTalk message not queued; left unacknowledged for redelivery',
        );
      });
  };
}

/** Queues the Inbound (if any: garbage is acknowledged and dropped) and then acknowledges. */
async function acknowledge(opts: ReceiverOptions, frame: DWClientDownStream, ack: Ack, inbound: InboundInput | undefined): Promise<void> {
  const valid = inbound ? inboundSchema.safeParse(inbound) : undefined;
  if (valid && !valid.success) {
    // Would fail the same way on every redelivery: acknowledged and dropped.
    opts.logger.warn({ frameId: frame.headers.messageId, issues: valid.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'DingTalk message does not fit an Inbound; dropped');
  } else if (inbound) {
    await opts.sink(inbound);
  }
  if (!ack(frame.headers.topic === TOPIC_ROBOT_MESSAGE ? null : {})) {
    opts.logger.info({ frameId: frame.headers.messageId }, 'connection changed before the acknowledgement; the redelivery is deduplicated');
  }
}

async function onRobotMessage(opts: ReceiverOptions, frame: DWClientDownStream): Promise<InboundInput | undefined> {
  const data = parseJson(frame.data);
  const parsed = robotMessageSchema.safeParse(data);
  if (parsed.success) return toInbound(opts, parsed.data);
  const envelope = robotEnvelopeSchema.safeParse(data);
  if (!envelope.success) {
    opts.logger.warn({ frameId: frame.headers.messageId, issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'malformed DingTalk robot message dropped');
    return undefined;
  }
  // A kind of message we do not read (markdown, interactive card …): the bot answers with help.
  opts.logger.info({ messageId: envelope.data.msgId, msgtype: envelope.data.msgtype }, 'DingTalk message type not supported; handled as empty text');
  return baseInbound(envelope.data, '', []);
}

async function toInbound(opts: ReceiverOptions, message: RobotMessage): Promise<InboundInput> {
  switch (message.msgtype) {
    case 'text': {
      const replied = message.text.isReplyMsg ? message.text.repliedMsg : undefined;
      const quoted = replied ? { ...(replied.msgId ? { messageId: replied.msgId.slice(0, 256) } : {}), ...(replied.content?.text ? { text: replied.content.text.slice(0, 4000) } : {}) } : undefined;
      return { ...baseInbound(message, message.text.content, []), ...(quoted ? { quoted } : {}) };
    }
    case 'audio':
      // DingTalk's own speech recognition; the voice file itself is of no use to the bot.
      return baseInbound(message, message.content.recognition ?? '', []);
    case 'picture':
      return baseInbound(message, '', await images(opts, [message.content.downloadCode]));
    case 'richText': {
      const text = message.content.richText.map((part) => part.text ?? '').join('');
      const codes = message.content.richText.filter((part) => part.type === 'picture').map((part) => part.downloadCode);
      return baseInbound(message, text, await images(opts, codes));
    }
    case 'file': {
      const { downloadCode, fileName } = message.content;
      const url = downloadCode ? await resolveUrl(opts, downloadCode) : undefined;
      const file: Attachment = { kind: 'file', name: (fileName ?? '文件').slice(0, 500), ...(downloadCode ? { mediaId: downloadCode.slice(0, 512) } : {}), ...(url ? { url } : {}) };
      return baseInbound(message, '', [file]);
    }
    case 'video': {
      const { downloadCode } = message.content;
      return baseInbound(message, '', [{ kind: 'file', name: '视频', ...(downloadCode ? { mediaId: downloadCode.slice(0, 512) } : {}) }]);
    }
  }
}

type Envelope = Pick<
  RobotMessage,
  'msgId' | 'conversationId' | 'conversationType' | 'conversationTitle' | 'senderId' | 'senderStaffId' | 'senderNick' | 'isInAtList' | 'sessionWebhook' | 'sessionWebhookExpiredTime' | 'createAt'
>;

function baseInbound(message: Envelope, text: string, attachments: Attachment[]): InboundInput {
  const group = message.conversationType === '2';
  // staffId is what people bind with; someone outside the organisation has only the senderId.
  const senderId = message.senderStaffId || message.senderId || 'unknown';
  const replyContext: Record<string, string> = {};
  if (message.sessionWebhook) replyContext.sessionWebhook = message.sessionWebhook;
  if (message.sessionWebhookExpiredTime) replyContext.sessionWebhookExpiredTime = String(message.sessionWebhookExpiredTime);
  if (group) replyContext.openConversationId = message.conversationId;
  return {
    channel: 'dingtalk',
    messageId: message.msgId,
    conversation: group
      ? { id: message.conversationId, kind: 'group', ...(message.conversationTitle ? { title: message.conversationTitle.slice(0, 200) } : {}) }
      : { id: directConversationId(senderId), kind: 'direct' },
    sender: { id: senderId, ...(message.senderNick ? { name: message.senderNick.slice(0, 200) } : {}) },
    // DingTalk removes the robot's @name from the content but leaves the space around it.
    text: text.trim().slice(0, MAX_TEXT_CHARS),
    attachments: attachments.slice(0, 20),
    // In a group the robot only ever hears messages that @-mention it; 1:1 is always addressed to it.
    mentionedBot: group ? message.isInAtList !== false : true,
    sentAt: new Date(message.createAt ?? Date.now()).toISOString(),
    ...(Object.keys(replyContext).length ? { replyContext } : {}),
  };
}

async function images(opts: ReceiverOptions, downloadCodes: (string | undefined)[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const code of downloadCodes) {
    if (!code) continue;
    const url = await resolveUrl(opts, code);
    out.push({ kind: 'image', mediaId: code.slice(0, 512), ...(url ? { url } : {}) });
  }
  return out;
}

/** The picture's download URL, or undefined (the downloadCode is kept, the bot can resolve it later). */
async function resolveUrl(opts: ReceiverOptions, downloadCode: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DOWNLOAD_URL_TIMEOUT_MS);
  });
  try {
    const url = await Promise.race([opts.api.downloadUrl(downloadCode), timeout]);
    return url && url.length <= 4096 ? url : undefined;
  } catch (err) {
    opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not resolve a DingTalk download code; kept as media id');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function onCardCallback(opts: ReceiverOptions, frame: DWClientDownStream): Promise<InboundInput | undefined> {
  const parsed = cardCallbackSchema.safeParse(parseJson(frame.data));
  const frameId = frame.headers.messageId;
  if (!parsed.success || !frameId) {
    opts.logger.warn({ frameId }, 'malformed DingTalk card callback dropped');
    return undefined;
  }
  const callback = parsed.data;
  const action = cardActionSchema.safeParse(parseJson(callback.content ?? callback.value ?? ''));
  const command = action.success ? action.data.cardPrivateData.params?.command : undefined;
  if (typeof command !== 'string' || command.trim() === '') {
    opts.logger.warn({ frameId, outTrackId: callback.outTrackId }, 'DingTalk card callback without a command dropped');
    return undefined;
  }
  const target = callback.outTrackId ? await opts.cardTargets.lookup(callback.outTrackId) : undefined;
  return {
    channel: 'dingtalk',
    messageId: `card-${frameId}`,
    conversation: target ? { id: target.conversationId, kind: target.kind } : { id: directConversationId(callback.userId), kind: 'direct' },
    sender: { id: callback.userId },
    text: command.trim().slice(0, MAX_TEXT_CHARS),
    attachments: [],
    mentionedBot: true,
    cardAction: callback.outTrackId ? { messageId: callback.outTrackId } : {},
    // The answer to a press updates the pressed card in place (sender.ts).
    ...(callback.outTrackId ? { replyContext: { [CARD_REPLY_CONTEXT]: callback.outTrackId } } : {}),
    sentAt: new Date().toISOString(),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
