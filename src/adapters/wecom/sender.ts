/**
 * Sends a Delivery on WeCom, choosing the way by what it answers and where it goes:
 * 1. a target `webhook:<key>` → the group robot webhook (rate window + digest, see webhook-sender.ts);
 * 2. an answer to an intelligent-bot message → its response_url (usable once, for an hour), as
 *    markdown or an actionable template card;
 * 3. anything else to a user → the self-built app's message/send; after a card press the pressed
 *    card is first updated with update_template_card.
 * Failures are mapped to TransientSendError / PermanentSendError for the outbox.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import type { Logger } from '../../log';
import { PermanentSendError, TransientSendError, type ChannelSender, type Delivery, type DeliveryTarget } from '../../jobs/delivery';
import { callWeCom, classifySendFailure, WeComApiError, type WeComAppApi } from './api-client';
import { GROUP_PREFIX, REPLY_CONTEXT } from './payloads';
import { isActionable, LIMITS, renderButtonCard, renderMarkdown, taskIdFor, type ButtonKeys } from './render';
import { WEBHOOK_PREFIX, type WebhookSender } from './webhook-sender';

/** What a pressed button turns into once the press is answered (shown greyed out in the card). */
const PRESSED_BUTTON_TEXT = '已处理';
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
      const markdown = renderMarkdown(delivery.message, { maxBytes: LIMITS.webhookMarkdownBytes, mention: true });
      return this.deps.webhooks.send(key, delivery.id, markdown);
    }

    const responseUrl = delivery.replyContext?.[REPLY_CONTEXT.responseUrl];
    if (responseUrl && (await this.claimResponseUrl(responseUrl, delivery.id))) {
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

  private async viaResponseUrl(delivery: Delivery, responseUrl: string): Promise<void> {
    const body = isActionable(delivery.message)
      ? { msgtype: 'template_card', template_card: await renderButtonCard(delivery.message, taskIdFor(delivery.id), this.deps.buttonKeys) }
      : {
          msgtype: 'markdown',
          markdown: { content: renderMarkdown(delivery.message, { maxBytes: LIMITS.botMarkdownBytes, mention: true }) },
        };
    const url = new URL(responseUrl);
    if (url.origin !== new URL(this.deps.apiBase).origin) {
      throw new PermanentSendError('response_url is not on WECOM_API_BASE', { origin: url.origin });
    }
    await callWeCom('response_url', url, body);
  }

  private async viaApp(app: WeComAppApi, delivery: Delivery, userId: string): Promise<void> {
    const agentid = Number(app.agentId);
    const responseCode = delivery.replyContext?.[REPLY_CONTEXT.responseCode];
    if (responseCode) await this.markPressed(app, agentid, userId, responseCode, delivery.id);

    const common = { touser: userId, agentid, enable_duplicate_check: 1, duplicate_check_interval: DUPLICATE_CHECK_INTERVAL_S };
    const body = isActionable(delivery.message)
      ? {
          ...common,
          msgtype: 'template_card',
          template_card: await renderButtonCard(delivery.message, taskIdFor(delivery.id), this.deps.buttonKeys),
        }
      : {
          ...common,
          msgtype: 'markdown',
          markdown: { content: renderMarkdown(delivery.message, { maxBytes: LIMITS.appMarkdownBytes, mention: false }) },
        };
    const result = await app.post('/cgi-bin/message/send', body);
    const invalid = typeof result.invaliduser === 'string' ? result.invaliduser : '';
    if (invalid) throw new PermanentSendError('WeCom does not know this user, or the app may not reach them', { errcode: 'invaliduser' });
  }

  /** Greys out the pressed card's buttons; a code already used or expired is not worth failing the answer for. */
  private async markPressed(app: WeComAppApi, agentid: number, userId: string, responseCode: string, deliveryId: string): Promise<void> {
    try {
      await app.post('/cgi-bin/message/update_template_card', {
        userids: [userId],
        agentid,
        response_code: responseCode,
        button: { replace_name: PRESSED_BUTTON_TEXT },
      });
    } catch (error) {
      if (!(error instanceof WeComApiError) || classifySendFailure(error) instanceof TransientSendError) throw error;
      this.deps.logger.info({ channel: 'wecom', deliveryId, errcode: error.errcode }, 'WeCom card not updated');
    }
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

/** The WeCom userid a target reaches directly, or undefined for a group or webhook. */
export function directUserOf(target: DeliveryTarget): string | undefined {
  if (target.kind === 'user') return target.id;
  return target.id.startsWith(GROUP_PREFIX) || target.id.startsWith(WEBHOOK_PREFIX) || target.id.includes(':') ? undefined : target.id;
}
