/**
 * A local stand-in for qyapi.weixin.qq.com, following WeCom's documented requests and answers:
 * gettoken, message/send, message/update_template_card, webhook/send (20 a minute per key, on
 * an injectable clock) and the
 * intelligent bot's response_url (one use each). Tests read what it received and can make it fail.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { scanGroupDelivery } from '../../support/group-deliveries';

export interface ReceivedCall {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  at: number;
}

export class FakeWeComApi {
  readonly calls: ReceivedCall[] = [];
  private server: http.Server | undefined;
  private tokens = new Set<string>();
  private tokenSerial = 0;
  private usedResponseCodes = new Set<string>();
  private webhookSends = new Map<string, number[]>();
  /** errcodes the next calls of a path answer with, consumed one by one. */
  private scripted = new Map<string, number[]>();
  url = '';

  constructor(
    readonly corpId: string,
    readonly secret: string,
    readonly options: { webhookLimit?: number; now?: () => number } = {},
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The next `count` calls of `path` answer `errcode`. */
  failNext(path: string, errcode: number, count = 1): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...Array<number>(count).fill(errcode)]);
  }

  /** Every access token issued so far stops working (WeCom's 42001). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** A response_url as the intelligent bot's callbacks carry it. */
  newResponseUrl(): string {
    return `${this.url}/cgi-bin/aibot/response?response_code=${crypto.randomBytes(12).toString('hex')}`;
  }

  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return reply(res, { errcode: 40058, errmsg: 'invalid json' });
      }
    }
    const call = { path: url.pathname, query: Object.fromEntries(url.searchParams), body, at: Date.now() };
    this.calls.push(call);

    const scripted = this.scripted.get(url.pathname)?.shift();
    if (scripted !== undefined) return reply(res, { errcode: scripted, errmsg: 'scripted failure' });

    switch (url.pathname) {
      case '/cgi-bin/gettoken':
        if (call.query.corpid !== this.corpId) return reply(res, { errcode: 40013, errmsg: 'invalid corpid' });
        if (call.query.corpsecret !== this.secret) return reply(res, { errcode: 40001, errmsg: 'invalid credential' });
        return reply(res, { errcode: 0, errmsg: 'ok', access_token: this.issueToken(), expires_in: 7200 });
      case '/cgi-bin/message/send':
      case '/cgi-bin/message/update_template_card': {
        const token = call.query.access_token;
        if (!token) return reply(res, { errcode: 41001, errmsg: 'access_token missing' });
        if (!this.tokens.has(token)) return reply(res, { errcode: 42001, errmsg: 'access_token expired' });
        if (url.pathname === '/cgi-bin/message/send' && body.touser === 'nobody') {
          return reply(res, { errcode: 0, errmsg: 'ok', invaliduser: 'nobody' });
        }
        return reply(res, { errcode: 0, errmsg: 'ok', msgid: crypto.randomUUID(), response_code: crypto.randomUUID() });
      }
      case '/cgi-bin/webhook/send': {
        const key = call.query.key ?? '';
        const recent = (this.webhookSends.get(key) ?? []).filter((t) => t > this.now - 60_000);
        if (recent.length >= (this.options.webhookLimit ?? 20)) return reply(res, { errcode: 45009, errmsg: 'api freq out of limit' });
        this.webhookSends.set(key, [...recent, this.now]);
        scanGroupDelivery('wecom group robot', body);
        return reply(res, { errcode: 0, errmsg: 'ok' });
      }
      case '/cgi-bin/aibot/response': {
        const code = call.query.response_code ?? '';
        if (this.usedResponseCodes.has(code)) return reply(res, { errcode: 40078, errmsg: 'response_code used' });
        this.usedResponseCodes.add(code);
        return reply(res, { errcode: 0, errmsg: 'ok' });
      }
      default:
        res.statusCode = 404;
        res.end();
    }
  }

  private issueToken(): string {
    const token = `token-${++this.tokenSerial}-${crypto.randomBytes(6).toString('hex')}`;
    this.tokens.add(token);
    return token;
  }
}

function reply(res: http.ServerResponse, json: Record<string, unknown>): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(json));
}
