/**
 * Sends a Delivery on WeCom, choosing the way by what it answers and where it goes:
 * 1. a target `webhook:<key>` → the group robot webhook (rate window + digest, see webhook-sender.ts);
 * 2. an answer to an intelligent-bot message → its response_url (usable once, for an hour), as
 *    markdown or an actionable template card;
 * 3. anything else to a user → the self-built app's message/send. The first card answering a card
 *    press replaces the pressed card in place (update_template_card with the whole new card);
 *    a text answer greys the pressed button out and follows as a message.
 * Markdown longer than the surface takes (SIZE_LIMITS) goes as numbered parts, in order; a card
 * whose texts exceed the template card's field lengths goes as markdown plus a compact button card.
 * Failures are mapped to TransientSendError / PermanentSendError / ChannelUnavailableError.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import type { Logger } from '../../log';
import { PermanentSendError, TransientSendError, type ChannelSender, type Delivery, type DeliveryTarget } from '../../jobs/delivery';
import { callWeCom, classifySendFailure, WeComApiError, type WeComAppApi } from './api-client';
import { GROUP_PREFIX, REPLY_CONTEXT } from './payloads';
import { cardFitsTemplate, compactCard, isActionable, renderButtonCard, renderMarkdown, SIZE_LIMITS, taskIdFor, type ButtonKeys } from './render';
import { partsProgressKey, sendPartsInOrder, splitToLimit } from '../message-parts';
import type { BotMessage } from '../../bot/message';
import { WEBHOOK_PREFIX, type WebhookSender } from './webhook-sender';

/** What a pressed button turns into once the press is answered by text (shown greyed out in the card). */
const PRESSED_BUTTON_TEXT = '已处理';
/** A card press's response_code may be used once, within 72 hours. */
const RESPONSE_CODE_TTL_S = 72 * 3600;
/** WeCom's own dedupe of identical app messages, which covers an outbox retry after a lost answer. */
const DUPLICATE_CHECK_INTERVAL_S = 1800;
const RESPONSE_URL_TTL_S = 3600;

export interface WeComSenderDeps {
  /** Undefined when the self-built app is not configured. */
  app: WeComAppApi | undefined;
  webhooks: WebhookSender;
  buttonKeys: ButtonKeys;
  redis: RedisClient;
  keyPrefix: string;
  logger: Logger;
  /** WECOM_API_BASE: a response_url elsewhere is not followed. */
  apiBase: string;
}

export class WeComSender implements ChannelSender {
  readonly channel = 'wecom' as const;

  constructor(private readonly deps: WeComSenderDeps) {}

  async send(delivery: Delivery): Promise<void> {
    try {
      await this.route(delivery);
    } catch (error) {
      const classified = classifySendFailure(error);
      this.deps.logger.warn(
        { channel: 'wecom', deliveryId: delivery.id, error: classified.message, kind: classified.name },
        'WeCom send failed',
      );
      throw classified;
    }
  }

  private async route(delivery: Delivery): Promise<void> {
    const { target } = delivery;
    if (target.kind === 'conversation' && target.id.startsWith(WEBHOOK_PREFIX)) {
      const key = target.id.slice(WEBHOOK_PREFIX.length);
      if (!key) throw new PermanentSendError('empty group robot webhook key');
      const parts = splitToLimit(renderMarkdown(delivery.message, { mention: true }), SIZE_LIMITS.webhookMarkdown);
      return this.inOrder(delivery, parts, (part, i) => this.deps.webhooks.send(key, i === 0 ? delivery.id : `${delivery.id}#${i + 1}`, part));
    }

    const responseUrl = delivery.replyContext?.[REPLY_CONTEXT.responseUrl];
    // A 1:1 answer too long for the one message a response_url takes goes through the app, in parts.
    const appTakesIt = directUserOf(target) !== undefined && this.deps.app !== undefined && !fitsOneBotMessage(delivery.message);
    if (responseUrl && !appTakesIt && (await this.claimResponseUrl(responseUrl, delivery.id))) {
      try {
        return await this.viaResponseUrl(delivery, responseUrl);
      } catch (error) {
        // Used or expired: a 1:1 answer can still go through the app; a group answer cannot.
        if (!(error instanceof WeComApiError) || classifySendFailure(error) instanceof TransientSendError) throw error;
        if (!directUserOf(target) || !this.deps.app) throw error;
        this.deps.logger.info({ channel: 'wecom', deliveryId: delivery.id, errcode: error.errcode }, 'response_url refused; sending through the app');
      }
    }

    const userId = directUserOf(target);
    if (!userId) {
      throw new PermanentSendError('WeCom cannot post into this group without a fresh response_url; bind a group robot webhook for notifications', {
        target: target.id,
      });
    }
    if (!this.deps.app) throw new PermanentSendError('the WeCom self-built app is not configured (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET …)');
    await this.viaApp(this.deps.app, delivery, userId);
  }

  /** A response_url takes one message: a card that fits, or the whole markdown when it fits in one. */
  private async viaResponseUrl(delivery: Delivery, responseUrl: string): Promise<void> {
    const url = new URL(responseUrl);
    if (url.origin !== new URL(this.deps.apiBase).origin) {
      throw new PermanentSendError('response_url is not on WECOM_API_BASE', { origin: url.origin });
    }
    const { message } = delivery;
    if (isActionable(message) && cardFitsTemplate(message.card!)) {
      await callWeCom('response_url', url, { msgtype: 'template_card', template_card: await renderButtonCard(message, taskIdFor(delivery.id), this.deps.buttonKeys) });
      return;
    }
    const parts = splitToLimit(renderMarkdown(message, { mention: true }), SIZE_LIMITS.botMarkdown);
    if (parts.length > 1) {
      // Only one message can follow a response_url; the rest would be lost in a group.
      this.deps.logger.warn({ channel: 'wecom', deliveryId: delivery.id, parts: parts.length }, 'answer longer than one intelligent-bot message; later parts cannot be sent');
    }
    await callWeCom('response_url', url, { msgtype: 'markdown', markdown: { content: parts[0] } });
  }

  private async viaApp(app: WeComAppApi, delivery: Delivery, userId: string): Promise<void> {
    const agentid = Number(app.agentId);
    const { message } = delivery;
    const responseCode = delivery.replyContext?.[REPLY_CONTEXT.responseCode];
    const pressAnswer = responseCode && (await this.claimResponseCode(responseCode, delivery.id)) ? responseCode : undefined;
    const send = (body: Record<string, unknown>) => this.sendAppMessage(app, { touser: userId, agentid, ...body });

    if (isActionable(message) && cardFitsTemplate(message.card!)) {
      const card = await renderButtonCard(message, taskIdFor(delivery.id), this.deps.buttonKeys);
      // The pressed card becomes the new one: its state and its next buttons, in place.
      if (pressAnswer && (await this.updatePressedCard(app, { userids: [userId], agentid, response_code: pressAnswer, template_card: card }, delivery.id))) return;
      return send({ msgtype: 'template_card', template_card: card });
    }

    if (pressAnswer) await this.updatePressedCard(app, { userids: [userId], agentid, response_code: pressAnswer, button: { replace_name: PRESSED_BUTTON_TEXT } }, delivery.id);
    const markdown = splitToLimit(renderMarkdown(message, { mention: false }), SIZE_LIMITS.appMarkdown);
    const steps: Record<string, unknown>[] = markdown.map((content) => ({ msgtype: 'markdown', markdown: { content } }));
    if (isActionable(message)) {
      // The card's texts went out as markdown above; its buttons follow on a compact card.
      const compact: BotMessage = { text: message.card!.title, card: compactCard(message.card!) };
      steps.push({ msgtype: 'template_card', template_card: await renderButtonCard(compact, taskIdFor(delivery.id), this.deps.buttonKeys) });
    }
    await this.inOrder(delivery, steps, (body) => send(body));
  }

  private async sendAppMessage(app: WeComAppApi, body: Record<string, unknown>): Promise<void> {
    const result = await app.post('/cgi-bin/message/send', { ...body, enable_duplicate_check: 1, duplicate_check_interval: DUPLICATE_CHECK_INTERVAL_S });
    const invalid = typeof result.invaliduser === 'string' ? result.invaliduser : '';
    if (invalid) throw new PermanentSendError('WeCom does not know this user, or the app may not reach them', { errcode: 'invaliduser' });
  }

  private inOrder<T>(delivery: Delivery, parts: readonly T[], sendOne: (part: T, index: number) => Promise<void>): Promise<void> {
    return sendPartsInOrder(this.deps.redis, partsProgressKey(this.deps.keyPrefix, 'wecom', delivery.id), parts, sendOne);
  }

  /**
   * update_template_card for the pressed card; false when WeCom refused the code (used or expired),
   * which is not worth failing the answer for: the answer is then sent as a new message.
   */
  private async updatePressedCard(app: WeComAppApi, body: Record<string, unknown>, deliveryId: string): Promise<boolean> {
    // A retry after WeCom took the update (its answer lost) must not fall back to a second message.
    const doneKey = `${this.deps.keyPrefix}:wecom:card-updated:${crypto.createHash('sha1').update(deliveryId).digest('hex')}`;
    if (await this.deps.redis.exists(doneKey)) return true;
    try {
      await app.post('/cgi-bin/message/update_template_card', body);
      await this.deps.redis.set(doneKey, '1', 'EX', RESPONSE_CODE_TTL_S);
      return true;
    } catch (error) {
      if (!(error instanceof WeComApiError) || !(classifySendFailure(error) instanceof PermanentSendError)) throw error;
      this.deps.logger.info({ channel: 'wecom', deliveryId, errcode: error.errcode }, 'WeCom card not updated');
      return false;
    }
  }

  /** A card press is answered in its card once: the first delivery answering it claims the code. */
  private async claimResponseCode(responseCode: string, deliveryId: string): Promise<boolean> {
    const key = `${this.deps.keyPrefix}:wecom:response-code:${crypto.createHash('sha1').update(responseCode).digest('hex')}`;
    const claimed = await this.deps.redis.set(key, deliveryId, 'EX', RESPONSE_CODE_TTL_S, 'NX');
    return claimed !== null || (await this.deps.redis.get(key)) === deliveryId;
  }

  /**
   * A response_url takes one message. The first delivery answering a message claims it; a retry of
   * that same delivery may use it again, any other delivery goes another way.
   */
  private async claimResponseUrl(responseUrl: string, deliveryId: string): Promise<boolean> {
    const key = `${this.deps.keyPrefix}:wecom:response-url:${crypto.createHash('sha1').update(responseUrl).digest('hex')}`;
    const claimed = await this.deps.redis.set(key, deliveryId, 'EX', RESPONSE_URL_TTL_S, 'NX');
    return claimed !== null || (await this.deps.redis.get(key)) === deliveryId;
  }
}

function fitsOneBotMessage(message: BotMessage): boolean {
  return (isActionable(message) && cardFitsTemplate(message.card!)) || splitToLimit(renderMarkdown(message, { mention: true }), SIZE_LIMITS.botMarkdown).length === 1;
}

/** The WeCom userid a target reaches directly, or undefined for a group or webhook. */
export function directUserOf(target: DeliveryTarget): string | undefined {
  if (target.kind === 'user') return target.id;
  return target.id.startsWith(GROUP_PREFIX) || target.id.startsWith(WEBHOOK_PREFIX) || target.id.includes(':') ? undefined : target.id;
}
