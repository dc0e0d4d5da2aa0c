/**
 * The WeCom HTTP receiver: `/wecom/bot/callback` (intelligent bot, JSON) and `/wecom/app/callback`
 * (self-built app, XML). GET answers URL verification; POST verifies, refuses replays, dedupes by
 * message id, durably enqueues the Inbound and only then answers WeCom — well within its 5 s limit.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { RedisClient } from '../../jobs/queues';
import { z } from 'zod';
import type { InboundInput, InboundSink } from '../../bot/inbound';
import type { Logger } from '../../log';
import type { Decoded } from './payloads';
import type { ButtonKeys } from './render';
import { CallbackRejectedError, MAX_CLOCK_SKEW_SECONDS, verifyAndDecrypt, type CallbackRejection, type CallbackSecrets } from './verify-callback';

export interface CallbackEndpoint {
  /** For logs: 'bot' or 'app'. */
  name: string;
  path: string;
  secrets: CallbackSecrets;
  /** The ciphertext from a POST body, or undefined when the body is not what WeCom sends. */
  ciphertextOf(body: string): string | undefined;
  decode(plaintext: string, now: Date): Decoded;
}

export interface ReceiverOptions {
  /** Largest POST body accepted. @defaultValue 256 KiB */
  maxBodyBytes?: number;
  /** The clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

const STATUS: Record<CallbackRejection, number> = {
  'bad-signature': 401,
  stale: 401,
  'bad-ciphertext': 403,
  'wrong-receive-id': 403,
};

/** A processed message id is remembered this long; WeCom retries within seconds. */
const SEEN_TTL_S = 24 * 3600;
/** A claim on a message being enqueued right now; a crash frees it after this. */
const CLAIM_TTL_S = 60;
/** A nonce is remembered longer than any timestamp we accept stays fresh. */
const NONCE_TTL_S = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

/** Query values are base64 or digits; a '+' that arrived un-encoded reads as a space. */
const base64Param = z
  .string()
  .min(1)
  .max(1_000_000)
  .transform((s) => s.replace(/ /g, '+'));
const signedQuerySchema = z.object({
  msg_signature: z.string().regex(/^[0-9a-fA-F]{40}$/),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(128),
});
const verifyQuerySchema = signedQuerySchema.extend({ echostr: base64Param });

export class WeComReceiver {
  private readonly maxBodyBytes: number;
  private readonly now: () => number;

  constructor(
    private readonly deps: { sink: InboundSink; redis: RedisClient; logger: Logger; keyPrefix: string; buttonKeys: ButtonKeys },
    options: ReceiverOptions = {},
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
    this.now = options.now ?? Date.now;
  }

  mount(router: Router, endpoint: CallbackEndpoint): void {
    router.get(endpoint.path, (ctx) => this.verifyUrl(ctx, endpoint));
    router.post(endpoint.path, (ctx) => this.receive(ctx, endpoint));
  }

  /** URL verification: the decrypted echostr, as plain text, nothing else. */
  private verifyUrl(ctx: Context, endpoint: CallbackEndpoint): void {
    const query = verifyQuerySchema.safeParse(ctx.query);
    if (!query.success) return refuse(ctx, 400, 'bad query');
    try {
      const plain = verifyAndDecrypt(endpoint.secrets, { ...signed(query.data), encrypt: query.data.echostr }, this.now());
      ctx.status = 200;
      ctx.type = 'text/plain';
      ctx.body = plain;
    } catch (error) {
      this.rejected(ctx, endpoint, error);
    }
  }

  private async receive(ctx: Context, endpoint: CallbackEndpoint): Promise<void> {
    const log = this.deps.logger.child({ channel: 'wecom', endpoint: endpoint.name });
    const query = signedQuerySchema.safeParse(ctx.query);
    if (!query.success) return refuse(ctx, 400, 'bad query');

    let body: string;
    try {
      body = await readBody(ctx.req, this.maxBodyBytes);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      log.warn({ reason: tooLarge ? 'body-too-large' : 'body-unreadable' }, 'WeCom callback refused');
      return refuse(ctx, tooLarge ? 413 : 400, tooLarge ? 'too large' : 'bad body');
    }
    const encrypt = endpoint.ciphertextOf(body);
    if (!encrypt) {
      log.warn({ reason: 'bad-envelope' }, 'WeCom callback refused');
      return refuse(ctx, 400, 'bad body');
    }

    let plaintext: string;
    try {
      plaintext = verifyAndDecrypt(endpoint.secrets, { ...signed(query.data), encrypt }, this.now());
    } catch (error) {
      return this.rejected(ctx, endpoint, error);
    }

    const nonceKey = `${this.deps.keyPrefix}:wecom:nonce:${sha1(`${query.data.msg_signature}|${query.data.nonce}`)}`;
    const firstTime = await this.deps.redis.set(nonceKey, '1', 'EX', NONCE_TTL_S, 'NX');
    if (!firstTime) {
      log.warn({ reason: 'replay' }, 'WeCom callback refused');
      return refuse(ctx, 403, 'replay');
    }

    try {
      const inbound = await this.toInbound(endpoint.decode(plaintext, new Date(this.now())), log);
      if (inbound) await this.enqueueOnce(inbound, log);
      ctx.status = 200;
      ctx.body = '';
    } catch (error) {
      // Not acknowledged: let WeCom's retry of this very request through.
      await this.deps.redis.del(nonceKey).catch(() => undefined);
      log.error({ err: error }, 'WeCom callback could not be queued');
      refuse(ctx, 503, 'try again');
    }
  }

  private async toInbound(decoded: Decoded, log: Logger): Promise<InboundInput | undefined> {
    if (decoded.kind === 'ignored') {
      log.debug({ reason: decoded.reason }, 'WeCom callback ignored');
      return undefined;
    }
    if (decoded.kind === 'message') return decoded.inbound;
    const command = await this.deps.buttonKeys.decode(decoded.buttonKey);
    if (!command) {
      log.warn({ messageId: decoded.inbound.messageId }, 'WeCom card button with an unknown key ignored');
      return undefined;
    }
    return { ...decoded.inbound, text: command };
  }

  /** Claim, enqueue, remember: a message id WeCom sends again is acknowledged without a second job. */
  private async enqueueOnce(inbound: InboundInput, log: Logger): Promise<void> {
    const key = `${this.deps.keyPrefix}:wecom:msg:${sha1(inbound.messageId)}`;
    const claimed = await this.deps.redis.set(key, 'pending', 'EX', CLAIM_TTL_S, 'NX');
    if (!claimed) {
      log.info({ messageId: inbound.messageId }, 'WeCom redelivery acknowledged without enqueueing');
      return;
    }
    try {
      await this.deps.sink(inbound);
    } catch (error) {
      await this.deps.redis.del(key).catch(() => undefined);
      throw error;
    }
    await this.deps.redis.set(key, 'done', 'EX', SEEN_TTL_S);
    log.info({ messageId: inbound.messageId, senderId: inbound.sender.id }, 'WeCom message queued');
  }

  private rejected(ctx: Context, endpoint: CallbackEndpoint, error: unknown): void {
    if (!(error instanceof CallbackRejectedError)) throw error;
    this.deps.logger.warn({ channel: 'wecom', endpoint: endpoint.name, reason: error.reason }, 'WeCom callback refused');
    refuse(ctx, STATUS[error.reason], 'refused');
  }
}

function signed(q: z.infer<typeof signedQuerySchema>) {
  return { signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce };
}

function refuse(ctx: Context, status: number, text: string): void {
  ctx.status = status;
  ctx.type = 'text/plain';
  ctx.body = text;
}

function sha1(s: string): string {
  return crypto.createHash('sha1').update(s).digest('hex');
}

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * Reads the raw request body (the app's Koa does not parse bodies on these paths), refusing more
 * than `limit` bytes. The excess is drained, not destroyed, so the refusal can still be answered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(`body of ${declared} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
