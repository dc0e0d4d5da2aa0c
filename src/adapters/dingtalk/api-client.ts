/**
 * Calls to DingTalk's OpenAPI (`DINGTALK_API_BASE`, `DINGTALK_OAPI_BASE`, so private deployments
 * such as 浙政钉 and the test fakes work): the app access token cached in Redis until shortly
 * before it expires, a per-API rate limit shared by all processes, and the mapping of DingTalk's
 * answers to the outbox's error classes.
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../../jobs/queues';
import type { Config } from '../../config';
import { ChannelUnavailableError, PermanentSendError, TransientSendError } from '../../jobs/delivery';
import type { Logger } from '../../log';
import {
  accessTokenSchema,
  apiErrorSchema,
  batchSendResultSchema,
  downloadResultSchema,
  mediaUploadResultSchema,
  webhookResultSchema,
} from './payloads';

const HTTP_TIMEOUT_MS = 10_000;
/** A cached token is dropped this long before DingTalk says it expires. */
const TOKEN_SAFETY_MARGIN_MS = 5 * 60_000;
/** After DingTalk refused the credentials, ask again no sooner than this (doubling up to the max). */
const CREDENTIALS_BACKOFF_MS = 30_000;
const CREDENTIALS_BACKOFF_MAX_MS = 10 * 60_000;
/** How soon a channel in an outage is tried again, at most. */
const CHANNEL_RETRY_MS = 60_000;
/** DingTalk's flow control is per second; one second is what its docs say to wait. */
const FLOW_CONTROL_RETRY_MS = 1_000;

/** A non-2xx answer of api.dingtalk.com, with DingTalk's error code when it gave one. */
export class DingTalkApiError extends Error {
  override name = 'DingTalkApiError';
  constructor(
    readonly api: string,
    readonly status: number,
    readonly code: string | undefined,
    detail: string | undefined,
  ) {
    super(`DingTalk ${api} failed: HTTP ${status}${code ? ` ${code}` : ''}${detail ? ` (${detail.slice(0, 200)})` : ''}`);
  }

  /**
   * About the app, not the message: this server's IP is not allowed, the app lacks the permission
   * for the API, or the app is disabled or gone.
   */
  get channelWide(): boolean {
    return this.status === 403 && /IpNotInWhiteList|AccessTokenPermissionDenied|AppNotExist|AppDisabled/i.test(this.code ?? '');
  }

  get flowControlled(): boolean {
    return this.status === 429 || /QpsLimit|flowcontrol|too\.?fast/i.test(this.code ?? '');
  }
}

/** DingTalk refused DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET: nothing works until they are fixed. */
export class CredentialsRejectedError extends PermanentSendError {
  override name = 'CredentialsRejectedError';
}

/**
 * One log line for "DingTalk refused our credentials", however many parts (Stream gateway, token
 * requests) and attempts hit it, until they are accepted again.
 */
export class CredentialsAlarm {
  private raised = false;

  constructor(private readonly logger: Logger) {}

  raise(source: 'stream gateway' | 'access token', detail: Record<string, unknown>): void {
    if (this.raised) {
      this.logger.debug({ source, ...detail }, 'DingTalk still refuses the app credentials');
      return;
    }
    this.raised = true;
    this.logger.error(
      { source, ...detail },
      'DingTalk refused the app credentials: check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (retrying with backoff)',
    );
  }

  clear(): void {
    if (!this.raised) return;
    this.raised = false;
    this.logger.info('DingTalk accepted the app credentials again');
  }
}

/** Maps any failure of a DingTalk call to what the outbox understands. */
export function classifySendFailure(error: unknown): TransientSendError | PermanentSendError | ChannelUnavailableError {
  // Refused credentials stop everything the app sends: an outage of the channel, not of one message.
  if (error instanceof CredentialsRejectedError) return new ChannelUnavailableError(error.message, 'DingTalk refused the app credentials', CHANNEL_RETRY_MS);
  if (error instanceof PermanentSendError || error instanceof TransientSendError || error instanceof ChannelUnavailableError) return error;
  if (error instanceof DingTalkApiError) {
    // DingTalk counts its QPS per API and app: only that API waits.
    if (error.flowControlled) return new TransientSendError(error.message, FLOW_CONTROL_RETRY_MS, { hold: `dingtalk-api:${error.api}` });
    if (error.channelWide) return new ChannelUnavailableError(error.message, `DingTalk ${error.status} ${error.code ?? ''}`.trim(), CHANNEL_RETRY_MS);
    if (error.status >= 500) return new TransientSendError(error.message);
    // 401: the token was revoked early; it was dropped, the next attempt fetches a new one.
    if (error.status === 401) return new TransientSendError(error.message, FLOW_CONTROL_RETRY_MS);
    return new PermanentSendError(error.message, { api: error.api, status: error.status, code: error.code });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransientSendError(`DingTalk request failed: ${message}`);
}

/**
 * At most `qps` calls per second per API for the whole app, shared in Redis by every process.
 * Calls are spaced evenly (one slot every 1000/qps ms, on Redis's clock so that processes on
 * several hosts agree): a fixed one-second window would let a burst at the end of one second and
 * another at the start of the next reach DingTalk within the same second, which it refuses.
 */
const NEXT_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextSlot = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextSlot)
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 2000)
return slot - now`;

export class ApiRateLimiter {
  private readonly intervalMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    qps: number,
  ) {
    this.intervalMs = Math.ceil(1000 / qps);
  }

  async acquire(api: string): Promise<void> {
    const waitMs = Number(await this.redis.eval(NEXT_SLOT, 1, `${this.keyPrefix}:qps:${api}`, this.intervalMs));
    if (waitMs > 0) await sleep(waitMs);
  }
}

export interface DingTalkApiOptions {
  config: Pick<Config, 'DINGTALK_CLIENT_ID' | 'DINGTALK_CLIENT_SECRET' | 'DINGTALK_ROBOT_CODE' | 'DINGTALK_API_BASE' | 'DINGTALK_OAPI_BASE' | 'DINGTALK_QPS'>;
  redis: RedisClient;
  /** ChannelDeps.keyPrefix. */
  keyPrefix: string;
  logger: Logger;
  alarm: CredentialsAlarm;
  /** First wait after the credentials were refused. @defaultValue 30 s */
  credentialsBackoffMs?: number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class DingTalkApi {
  private readonly apiBase: string;
  private readonly oapiBase: string;
  /** Redis key prefix of everything this app keeps (token, rate windows, send progress). */
  readonly keyPrefix: string;
  private readonly limiter: ApiRateLimiter;
  private cached?: CachedToken;
  private inFlight?: Promise<string>;
  private refusedUntil = 0;
  private refusedBackoffMs: number;

  constructor(private readonly opts: DingTalkApiOptions) {
    this.apiBase = opts.config.DINGTALK_API_BASE.replace(/\/+$/, '');
    this.oapiBase = opts.config.DINGTALK_OAPI_BASE.replace(/\/+$/, '');
    const app = crypto.createHash('sha1').update(opts.config.DINGTALK_CLIENT_ID ?? '').digest('hex').slice(0, 12);
    this.keyPrefix = `${opts.keyPrefix}:dingtalk:${app}`;
    this.limiter = new ApiRateLimiter(opts.redis, this.keyPrefix, opts.config.DINGTALK_QPS);
    this.refusedBackoffMs = opts.credentialsBackoffMs ?? CREDENTIALS_BACKOFF_MS;
  }

  get robotCode(): string {
    return this.opts.config.DINGTALK_ROBOT_CODE ?? this.opts.config.DINGTALK_CLIENT_ID ?? '';
  }

  /** Where the session webhooks of this deployment live; a webhook elsewhere is not trusted. */
  get oapiOrigin(): string {
    return new URL(this.oapiBase).origin;
  }

  /** The app's access token: from memory, else Redis, else DingTalk (one request at a time). */
  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.token;
    this.inFlight ??= this.loadToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forgets a token DingTalk no longer accepts, here and for the other processes. */
  async dropToken(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = undefined;
    const stored = await this.opts.redis.get(this.tokenKey());
    if (stored && (JSON.parse(stored) as CachedToken).token === token) await this.opts.redis.del(this.tokenKey());
  }

  private tokenKey(): string {
    return `${this.keyPrefix}:token`;
  }

  private async loadToken(): Promise<string> {
    const stored = await this.opts.redis.get(this.tokenKey());
    if (stored) {
      const token = JSON.parse(stored) as CachedToken;
      if (token.expiresAt > Date.now()) {
        this.cached = token;
        return token.token;
      }
    }
    if (Date.now() < this.refusedUntil) {
      throw new CredentialsRejectedError('DingTalk refused the app credentials (DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET)');
    }
    const response = await this.request('oauth2/accessToken', `${this.apiBase}/v1.0/oauth2/accessToken`, {
      appKey: this.opts.config.DINGTALK_CLIENT_ID,
      appSecret: this.opts.config.DINGTALK_CLIENT_SECRET,
    }).catch((err: unknown) => {
      if (err instanceof DingTalkApiError && err.status >= 400 && err.status < 500 && !err.flowControlled) {
        this.refusedUntil = Date.now() + this.refusedBackoffMs;
        this.opts.alarm.raise('access token', { status: err.status, code: err.code, retryInMs: this.refusedBackoffMs });
        this.refusedBackoffMs = Math.min(this.refusedBackoffMs * 2, CREDENTIALS_BACKOFF_MAX_MS);
        throw new CredentialsRejectedError('DingTalk refused the app credentials (DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET)', { status: err.status, code: err.code });
      }
      throw err;
    });
    const { accessToken, expireIn } = accessTokenSchema.parse(response);
    this.refusedBackoffMs = this.opts.credentialsBackoffMs ?? CREDENTIALS_BACKOFF_MS;
    this.opts.alarm.clear();
    const lifetimeMs = Math.max(60_000, expireIn * 1000 - TOKEN_SAFETY_MARGIN_MS);
    const token: CachedToken = { token: accessToken, expiresAt: Date.now() + lifetimeMs };
    await this.opts.redis.set(this.tokenKey(), JSON.stringify(token), 'PX', lifetimeMs);
    this.cached = token;
    return accessToken;
  }

  /** POST /v1.0/robot/groupMessages/send: a message from the robot into a group it is in. */
  async sendToGroup(openConversationId: string, msgKey: string, msgParam: string): Promise<void> {
    await this.callWithToken('robot/groupMessages/send', { robotCode: this.robotCode, openConversationId, msgKey, msgParam });
  }

  /**
   * POST /v1.0/robot/oToMessages/batchSend for at most 20 users; returns who was flow-controlled
   * (to try again) and who is not a valid staff id (never to try again).
   */
  async sendToUsers(userIds: string[], msgKey: string, msgParam: string): Promise<{ flowControlled: string[]; invalid: string[] }> {
    if (userIds.length > 20) throw new Error('batchSend takes at most 20 users');
    const raw = await this.callWithToken('robot/oToMessages/batchSend', { robotCode: this.robotCode, userIds, msgKey, msgParam });
    const result = batchSendResultSchema.parse(raw ?? {});
    return { flowControlled: result.flowControlledStaffIdList ?? [], invalid: result.invalidStaffIdList ?? [] };
  }

  /** POST /v1.0/robot/messageFiles/download: a short-lived URL of a file or picture sent to the robot. */
  async downloadUrl(downloadCode: string): Promise<string> {
    const raw = await this.callWithToken('robot/messageFiles/download', { downloadCode, robotCode: this.robotCode });
    return downloadResultSchema.parse(raw).downloadUrl;
  }

  /** POST /v1.0/card/instances/createAndDeliver: an interactive card from the configured template. */
  async createAndDeliverCard(body: Record<string, unknown>): Promise<void> {
    await this.callWithToken('card/instances/createAndDeliver', body);
  }

  /** PUT /v1.0/card/instances: new data for a card already delivered (its content and buttons). */
  async updateCard(body: Record<string, unknown>): Promise<void> {
    await this.callWithToken('card/instances', body, 'PUT');
  }

  /** POST to a message's session webhook; returns DingTalk's errcode (0 = sent). */
  async sendBySession(webhook: string, body: unknown): Promise<{ errcode: number; errmsg: string }> {
    await this.limiter.acquire('robot/sendBySession');
    // No token: the webhook carries its own session, so replies work even while the token cannot be had.
    const raw = await this.request('robot/sendBySession', webhook, body);
    return webhookResultSchema.parse(raw ?? {});
  }

  /** oapi /media/upload: an image (a chart) as a media id usable in markdown and image messages. */
  async uploadImage(bytes: Uint8Array, fileName: string, mimeType: string): Promise<string> {
    await this.limiter.acquire('media/upload');
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(bytes)], { type: mimeType }), fileName);
    const token = await this.accessToken();
    const url = `${this.oapiBase}/media/upload?type=image&access_token=${encodeURIComponent(token)}`;
    const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    if (!response.ok) throw new DingTalkApiError('media/upload', response.status, undefined, undefined);
    const result = mediaUploadResultSchema.parse(await response.json());
    if (result.errcode === 0 && result.media_id) return result.media_id;
    // oapi speaks errcodes: 40014/42001 = token invalid or expired, 90018 = flow control.
    if (result.errcode === 40014 || result.errcode === 42001) {
      await this.dropToken(token);
      throw new DingTalkApiError('media/upload', 401, String(result.errcode), result.errmsg);
    }
    throw new DingTalkApiError('media/upload', result.errcode === 90018 ? 429 : 400, String(result.errcode), result.errmsg);
  }

  private async callWithToken(api: string, body: unknown, method: 'POST' | 'PUT' = 'POST'): Promise<unknown> {
    await this.limiter.acquire(api);
    const token = await this.accessToken();
    try {
      return await this.request(api, `${this.apiBase}/v1.0/${api}`, body, { 'x-acs-dingtalk-access-token': token }, method);
    } catch (err) {
      if (err instanceof DingTalkApiError && err.status === 401) await this.dropToken(token);
      throw err;
    }
  }

  private async request(api: string, url: string, body: unknown, headers: Record<string, string> = {}, method: 'POST' | 'PUT' = 'POST'): Promise<unknown> {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = apiErrorSchema.safeParse(json ?? {});
      throw new DingTalkApiError(api, response.status, error.success ? error.data.code : undefined, error.success ? error.data.message : undefined);
    }
    return json;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
