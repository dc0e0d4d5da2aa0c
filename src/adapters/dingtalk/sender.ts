/**
 * Delivers bot messages on DingTalk: a reply through the message's session webhook while it is
 * valid, otherwise the robot OpenAPI (groupMessages/send for a group, oToMessages/batchSend for
 * people, 20 a call). A message longer than DingTalk takes goes as numbered parts, in order.
 * Progress inside one delivery (parts, recipients) is kept in Redis, so a retry after a partial
 * failure sends only what did not arrive yet. The answer to an interactive card's press updates
 * that card in place (PUT /v1.0/card/instances) instead of sending another.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import { PermanentSendError, TransientSendError, type ChannelSender, type Delivery } from '../../jobs/delivery';
import type { BotMessage } from '../../bot/message';
import type { Logger } from '../../log';
import { classifySendFailure, DingTalkApiError, type DingTalkApi } from './api-client';
import type { CardTargets } from './card-targets';
import { markdownOf, renderApiParts, renderWebhookParts, SIZE_LIMITS, type ApiMessage, type RenderContext } from './render';
import { partsProgressKey, sendPartsInOrder, splitToLimit } from '../message-parts';
import { CARD_REPLY_CONTEXT } from './payloads';

/**
 * A 1:1 chat with the bot is known by the person's staffId (`dm-<staffId>`), not by DingTalk's
 * conversationId: a proactive 1:1 message needs the staffId (batchSend), a person binds with it,
 * and the id stays the same across the bot's and the person's devices.
 */
export const DIRECT_PREFIX = 'dm-';
export function directConversationId(staffId: string): string {
  return DIRECT_PREFIX + staffId;
}

const BATCH_SIZE = 20;
/** Flow-controlled people are tried again this often within one send before the outbox takes over. */
const FLOW_CONTROL_ROUNDS = 3;
const FLOW_CONTROL_WAIT_MS = 1_000;
/** A session webhook this close to expiry is not used. */
const WEBHOOK_EXPIRY_MARGIN_MS = 10_000;
const PROGRESS_TTL_S = 7 * 24 * 3600;
/** Session webhook errcodes that mean "too fast", worth waiting for rather than switching path. */
const WEBHOOK_RATE_LIMIT_ERRCODES = new Set([130101, 130102, 410100]);

export interface DingTalkSenderOptions {
  api: DingTalkApi;
  redis: RedisClient;
  logger: Logger;
  cardTargets: CardTargets;
  /** DINGTALK_CARD_TEMPLATE_ID: cards with buttons become interactive cards of this template. */
  cardTemplateId?: string;
  /** PUBLIC_URL, to turn a chart's path into an address DingTalk can fetch. */
  publicUrl?: string;
}

export class DingTalkSender implements ChannelSender {
  readonly channel = 'dingtalk' as const;

  constructor(private readonly opts: DingTalkSenderOptions) {}

  async send(delivery: Delivery): Promise<void> {
    try {
      await this.deliver(delivery);
    } catch (err) {
      throw classifySendFailure(err);
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { target } = delivery;
    if (await this.updatePressedCard(delivery)) return;
    if (target.kind === 'user') return this.sendToUsers(delivery, [target.id]);
    const direct = target.id.startsWith(DIRECT_PREFIX);
    if (await this.replyBySession(delivery, !direct)) return;
    if (direct) return this.sendToUsers(delivery, [target.id.slice(DIRECT_PREFIX.length)]);
    return this.sendToGroup(delivery, target.id);
  }

  /** True when the reply went through the session webhook; false when the OpenAPI must do it. */
  private async replyBySession(delivery: Delivery, group: boolean): Promise<boolean> {
    const webhook = delivery.replyContext?.sessionWebhook;
    const expiresAt = Number(delivery.replyContext?.sessionWebhookExpiredTime ?? 0);
    if (!webhook || !(expiresAt > Date.now() + WEBHOOK_EXPIRY_MARGIN_MS)) return false;
    if (this.interactive(delivery.message)) return false;
    if (!this.trustedWebhook(webhook)) {
      this.opts.logger.warn({ deliveryId: delivery.id }, 'session webhook outside DINGTALK_OAPI_BASE ignored');
      return false;
    }
    const bodies = renderWebhookParts(delivery.message, await this.renderContext(delivery.message, group));
    try {
      let refused = false;
      await sendPartsInOrder(this.opts.redis, `${this.progressKey(delivery)}:session`, bodies, async (body) => {
        if (refused) return;
        const result = await this.opts.api.sendBySession(webhook, body);
        if (result.errcode === 0) return;
        if (WEBHOOK_RATE_LIMIT_ERRCODES.has(result.errcode)) throw new TransientSendError(`session webhook: ${result.errcode} ${result.errmsg}`, 1_000, 'target');
        this.opts.logger.info({ deliveryId: delivery.id, errcode: result.errcode }, 'session webhook refused; using the OpenAPI');
        refused = true;
        throw new SessionRefused();
      });
      return true;
    } catch (err) {
      if (err instanceof SessionRefused) return false;
      // A 4xx means the session is gone; anything else may have been delivered, so retry as is.
      if (err instanceof DingTalkApiError && err.status >= 400 && err.status < 500 && !err.flowControlled) return false;
      throw err;
    }
  }

  private async sendToGroup(delivery: Delivery, openConversationId: string): Promise<void> {
    const ctx = await this.renderContext(delivery.message, true);
    if (this.interactive(delivery.message)) return this.sendCard(delivery, { group: openConversationId }, ctx);
    await sendPartsInOrder(this.opts.redis, this.progressKey(delivery), renderApiParts(delivery.message, ctx), ({ msgKey, msgParam }) =>
      this.opts.api.sendToGroup(openConversationId, msgKey, msgParam),
    );
  }

  private progressKey(delivery: Delivery): string {
    return partsProgressKey(this.opts.api.keyPrefix, 'dingtalk', delivery.id);
  }

  private async sendToUsers(delivery: Delivery, userIds: string[]): Promise<void> {
    const progressKey = `${this.opts.api.keyPrefix}:sent:${crypto.createHash('sha1').update(delivery.id).digest('hex')}`;
    const ctx = await this.renderContext(delivery.message, false);
    if (this.interactive(delivery.message)) {
      const done = new Set(await this.opts.redis.smembers(progressKey));
      for (const userId of [...new Set(userIds)].filter((id) => !done.has(id))) {
        await this.sendCard(delivery, { user: userId }, ctx);
        await this.markDone(progressKey, [userId]);
      }
      return;
    }
    // Part by part, each to everyone: every recipient gets the parts in order.
    const parts = renderApiParts(delivery.message, ctx);
    for (const [i, part] of parts.entries()) await this.sendPartToUsers(delivery, i === 0 ? progressKey : `${progressKey}#${i + 1}`, userIds, part);
  }

  private async sendPartToUsers(delivery: Delivery, progressKey: string, userIds: string[], { msgKey, msgParam }: ApiMessage): Promise<void> {
    const done = new Set(await this.opts.redis.smembers(progressKey));
    let pending = [...new Set(userIds)].filter((id) => !done.has(id));
    if (pending.length === 0) return;
    const invalid: string[] = [];
    for (let round = 1; pending.length > 0; round++) {
      const throttled: string[] = [];
      for (let i = 0; i < pending.length; i += BATCH_SIZE) {
        const chunk = pending.slice(i, i + BATCH_SIZE);
        const result = await this.opts.api.sendToUsers(chunk, msgKey, msgParam);
        throttled.push(...result.flowControlled);
        invalid.push(...result.invalid);
        await this.markDone(progressKey, chunk.filter((id) => !result.flowControlled.includes(id)));
      }
      pending = throttled;
      if (pending.length === 0) break;
      // Flow control of a recipient concerns that recipient: the rest of DingTalk keeps sending.
      if (round >= FLOW_CONTROL_ROUNDS) throw new TransientSendError(`DingTalk flow-controlled ${pending.length} recipient(s)`, FLOW_CONTROL_WAIT_MS, 'target');
      await sleep(FLOW_CONTROL_WAIT_MS);
    }
    if (invalid.length) {
      this.opts.logger.warn({ deliveryId: delivery.id, invalid: invalid.length }, 'DingTalk does not know some recipients (invalid staffId)');
      if (invalid.length === userIds.length) throw new PermanentSendError('DingTalk does not know this user (invalid staffId)', { count: invalid.length });
    }
  }

  /** An interactive card of the configured template; its buttons call back on the card topic. */
  private async sendCard(delivery: Delivery, to: { group: string } | { user: string }, ctx: RenderContext): Promise<void> {
    const card = delivery.message.card!;
    const recipient = 'group' in to ? `g:${to.group}` : `u:${to.user}`;
    // Deterministic: a retry re-uses the id, so DingTalk does not show the card twice.
    const outTrackId = crypto.createHash('sha256').update(`${delivery.id}|${recipient}`).digest('hex').slice(0, 40);
    const parts = splitToLimit(markdownOf({ text: delivery.message.text, card: { ...card, buttons: [] } }, ctx), SIZE_LIMITS.markdown, { lineBreak: '  \n' });
    // What does not fit the card goes first as markdown parts; the card carries the last part and the buttons.
    const leading = parts.slice(0, -1).map((text) => ({ msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: card.title.slice(0, 40), text }) }));
    await sendPartsInOrder(this.opts.redis, `${this.progressKey(delivery)}:${recipient}`, leading, async ({ msgKey, msgParam }) => {
      if ('group' in to) await this.opts.api.sendToGroup(to.group, msgKey, msgParam);
      else await this.opts.api.sendToUsers([to.user], msgKey, msgParam);
    });
    const markdown = parts[parts.length - 1];
    const robotCode = this.opts.api.robotCode;
    await this.opts.cardTargets.remember(
      outTrackId,
      'group' in to ? { conversationId: to.group, kind: 'group' } : { conversationId: directConversationId(to.user), kind: 'direct' },
    );
    await this.opts.api.createAndDeliverCard({
      cardTemplateId: this.opts.cardTemplateId,
      outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: cardParams(card, markdown) },
      ...('group' in to
        ? { openSpaceId: `dtv1.card//IM_GROUP.${to.group}`, imGroupOpenSpaceModel: { supportForward: true }, imGroupOpenDeliverModel: { robotCode } }
        : { openSpaceId: `dtv1.card//IM_ROBOT.${to.user}`, imRobotOpenSpaceModel: { supportForward: true }, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode } }),
    });
  }

  /**
   * The first interactive answer to a card press replaces the pressed card's content and buttons
   * (PUT /v1.0/card/instances, by the card's outTrackId); true when it did.
   */
  private async updatePressedCard(delivery: Delivery): Promise<boolean> {
    const outTrackId = delivery.replyContext?.[CARD_REPLY_CONTEXT];
    const card = delivery.message.card;
    if (!outTrackId || !card || !this.interactive(delivery.message)) return false;
    const claimKey = `${this.opts.api.keyPrefix}:card-answer:${crypto.createHash('sha1').update(outTrackId).digest('hex')}`;
    const claimed = (await this.opts.redis.set(claimKey, delivery.id, 'EX', PROGRESS_TTL_S, 'NX')) !== null || (await this.opts.redis.get(claimKey)) === delivery.id;
    if (!claimed) return false;
    const markdown = markdownOf({ text: delivery.message.text, card: { ...card, buttons: [] } }, await this.renderContext(delivery.message, false));
    if (splitToLimit(markdown, SIZE_LIMITS.markdown).length > 1) return false;
    await this.opts.api.updateCard({
      outTrackId,
      cardData: { cardParamMap: cardParams(card, markdown) },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
    return true;
  }

  private interactive(message: BotMessage): boolean {
    return Boolean(this.opts.cardTemplateId && message.card?.buttons?.length);
  }

  private async markDone(progressKey: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.opts.redis.multi().sadd(progressKey, ...userIds).expire(progressKey, PROGRESS_TTL_S).exec();
  }

  private trustedWebhook(webhook: string): boolean {
    try {
      return new URL(webhook).origin === this.opts.api.oapiOrigin;
    } catch {
      return false;
    }
  }

  /** Where the card's image can be seen: an absolute URL, or a media id after uploading a data URL. */
  private async renderContext(message: BotMessage, group: boolean): Promise<RenderContext> {
    const image = message.card?.imageUrl;
    if (!image) return { group };
    if (/^https?:\/\//.test(image)) return { group, imageRef: image };
    if (image.startsWith('/') && this.opts.publicUrl) return { group, imageRef: this.opts.publicUrl.replace(/\/+$/, '') + image };
    const data = /^data:(image\/[a-z+]+);base64,(.+)$/s.exec(image);
    if (data) {
      const bytes = Buffer.from(data[2], 'base64');
      const mediaId = await this.opts.api.uploadImage(bytes, `chart.${data[1].split('/')[1].replace('+xml', '')}`, data[1]);
      return { group, imageRef: mediaId };
    }
    this.opts.logger.warn('card image is neither a URL nor a data URL (set PUBLIC_URL for paths); sent without it');
    return { group };
  }
}

/** The card template's variables. */
function cardParams(card: NonNullable<BotMessage['card']>, markdown: string): Record<string, string> {
  return {
    title: card.title,
    markdown,
    // The template shows these as buttons whose callback params carry {"command": …}.
    buttons: JSON.stringify((card.buttons ?? []).map((b) => ({ label: b.label, command: b.command, style: b.style ?? 'default' }))),
  };
}

/** The session webhook refused a part: the OpenAPI takes over. */
class SessionRefused extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
