/**
 * Calls to the WeCom server API (`WECOM_API_BASE`, so 政务微信 private hosts and test fakes work):
 * the self-built app's access token, cached in Redis per app until shortly before it expires and
 * fetched again on 40014 / 42001, and the mapping of WeCom's errcodes to the outbox's error classes.
 */
import type { RedisClient } from '../../jobs/queues';
import { z } from 'zod';
import { ChannelUnavailableError, PermanentSendError, TransientSendError, type BackoffScope } from '../../jobs/delivery';

/**
 * errcodes worth another try later, with the wait and what the wait applies to:
 * -1 system busy (the whole app, briefly); 45009 frequency limit, which on message/send is counted
 * per member (每应用对同一个成员不可超过30次/分钟) and elsewhere per API; 45033 concurrency (per API).
 */
const TRANSIENT_ERRCODES: Record<number, { waitMs: number; scope: (api: string) => BackoffScope }> = {
  [-1]: { waitMs: 2_000, scope: () => 'channel' },
  45009: { waitMs: 60_000, scope: (api) => (api === '/cgi-bin/message/send' ? 'target' : { hold: `wecom-api:${api}` }) },
  45033: { waitMs: 2_000, scope: (api) => ({ hold: `wecom-api:${api}` }) },
};

/**
 * errcodes that are about the app, not the message: nothing this app sends can succeed until an
 * administrator fixes it. 40001 wrong secret, 40013 wrong corp id, 40056/40057 wrong agent id,
 * 41004 secret missing, 48002 API forbidden for the app, 60020 server IP not on the allowlist,
 * 301002 app disabled or deleted (无权限操作指定的应用).
 */
const CHANNEL_ERRCODES: Record<number, string> = {
  40001: 'app secret rejected',
  40013: 'corp id rejected',
  40056: 'agent id rejected',
  40057: 'agent id rejected',
  41004: 'app secret missing',
  48002: 'API forbidden for this app',
  60020: 'server IP not on the allowlist',
  301002: 'app disabled',
};
/** How soon a channel in an outage is tried again. */
const CHANNEL_RETRY_MS = 30_000;
/** The access token is invalid or expired: fetch a new one and try once more. */
const TOKEN_ERRCODES = new Set([40014, 42001]);

const HTTP_TIMEOUT_MS = 10_000;
/** A cached token is dropped this long before WeCom says it expires. */
const TOKEN_SAFETY_MARGIN_S = 300;

export const wecomResultSchema = z.looseObject({
  errcode: z.number().int().default(0),
  errmsg: z.string().default(''),
});
export type WeComResult = z.infer<typeof wecomResultSchema>;

const tokenResultSchema = z.looseObject({
  errcode: z.number().int().default(0),
  errmsg: z.string().default(''),
  access_token: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
});

/** An errcode from WeCom; `classify` turns it into what the outbox understands. */
export class WeComApiError extends Error {
  override name = 'WeComApiError';
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeCom ${api} failed: ${errcode} ${errmsg}`);
  }
}

/** Maps any failure of a WeCom call to TransientSendError or PermanentSendError. */
export function classifySendFailure(error: unknown): Error {
  if (error instanceof PermanentSendError || error instanceof TransientSendError || error instanceof ChannelUnavailableError) return error;
  if (error instanceof WeComApiError) {
    const transient = TRANSIENT_ERRCODES[error.errcode];
    if (transient) return new TransientSendError(error.message, transient.waitMs, transient.scope(error.api));
    const channelWide = CHANNEL_ERRCODES[error.errcode];
    if (channelWide) return new ChannelUnavailableError(error.message, `WeCom ${error.errcode} ${channelWide}`, CHANNEL_RETRY_MS);
    if (TOKEN_ERRCODES.has(error.errcode)) return new TransientSendError(error.message, 1_000);
    return new PermanentSendError(error.message, { api: error.api, errcode: error.errcode });
  }
  if (error instanceof HttpStatusError) {
    return error.status >= 500 || error.status === 429
      ? new TransientSendError(error.message, error.status === 429 ? 60_000 : undefined)
      : new PermanentSendError(error.message, { status: error.status });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransientSendError(`WeCom request failed: ${message}`);
}

export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
}

/** POSTs JSON (or GETs when `body` is undefined) and returns the parsed WeCom result; throws WeComApiError on errcode ≠ 0. */
export async function callWeCom(api: string, url: URL, body?: unknown): Promise<WeComResult> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const shown = `${url.origin}${url.pathname}`;
  if (!response.ok) throw new HttpStatusError(shown, response.status);
  const parsed = wecomResultSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new HttpStatusError(shown, 502);
  if (parsed.data.errcode !== 0) throw new WeComApiError(api, parsed.data.errcode, parsed.data.errmsg);
  return parsed.data;
}

export interface WeComAppCredentials {
  apiBase: string;
  corpId: string;
  agentId: string;
  secret: string;
}

/** The self-built app's API: access token handling around every call. */
export class WeComAppApi {
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly credentials: WeComAppCredentials,
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  get agentId(): string {
    return this.credentials.agentId;
  }

  private get tokenKey(): string {
    return `${this.keyPrefix}:wecom:token:${this.credentials.corpId}:${this.credentials.agentId}`;
  }

  /** POST `path` with the access token; on 40014 / 42001 the token is fetched again and the call repeated once. */
  async post(path: string, body: unknown): Promise<WeComResult> {
    const token = await this.accessToken();
    try {
      return await callWeCom(path, this.url(path, { access_token: token }), body);
    } catch (error) {
      if (!(error instanceof WeComApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
      await this.dropToken(token);
      return callWeCom(path, this.url(path, { access_token: await this.accessToken() }), body);
    }
  }

  async accessToken(): Promise<string> {
    const cached = await this.redis.get(this.tokenKey);
    if (cached) return cached;
    // One fetch per process at a time; other processes may fetch too, which WeCom allows.
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchToken(): Promise<string> {
    const url = this.url('/cgi-bin/gettoken', { corpid: this.credentials.corpId, corpsecret: this.credentials.secret });
    const response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    if (!response.ok) throw new HttpStatusError(`${url.origin}${url.pathname}`, response.status);
    const result = tokenResultSchema.parse(await response.json());
    if (result.errcode !== 0 || !result.access_token) {
      throw new WeComApiError('/cgi-bin/gettoken', result.errcode || -1, result.errmsg);
    }
    const ttl = Math.max((result.expires_in ?? 7200) - TOKEN_SAFETY_MARGIN_S, 60);
    await this.redis.set(this.tokenKey, result.access_token, 'EX', ttl);
    return result.access_token;
  }

  /** Drops the cached token only if it is still the one that failed (another process may have refreshed it). */
  private async dropToken(failed: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      this.tokenKey,
      failed,
    );
  }

  private url(path: string, query: Record<string, string>): URL {
    const url = apiUrl(this.credentials.apiBase, path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }
}

export function withTrailingSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/** Joins an API path onto a base that may itself carry a path prefix (private deployments). */
export function apiUrl(base: string, path: string): URL {
  return new URL(path.replace(/^\//, ''), withTrailingSlash(base));
}
