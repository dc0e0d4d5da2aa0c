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
  /** What the fake answered (0: accepted). */
  errcode?: number;
}

export class FakeWeComApi {
  readonly calls: ReceivedCall[] = [];
  private server: http.Server | undefined;
  private tokens = new Set<string>();
  private tokenSerial = 0;
  private usedResponseCodes = new Set<string>();
  /** response_codes of 1:1 messages; a reply through any other is a group delivery. */
  private readonly singleChatCodes = new Set<string>();
  private webhookSends = new Map<string, number[]>();
  /** errcodes the next calls of a path answer with, consumed one by one. */
  private scripted = new Map<string, number[]>();
  private revoked = false;
  /** Members over their per-member frequency limit: message/send to them answers 45009. */
  private limitedUsers = new Set<string>();
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

  /** An administrator resets the app secret: tokens stop working and the old secret is refused (40001). */
  revokeSecret(): void {
    this.revoked = true;
    this.tokens.clear();
  }

  /** The deployment gets the right secret again. */
  restoreSecret(): void {
    this.revoked = false;
  }

  /** message/send to `userId` answers 45009 until `unlimitUser`. */
  limitUser(userId: string): void {
    this.limitedUsers.add(userId);
  }

  unlimitUser(userId: string): void {
    this.limitedUsers.delete(userId);
  }

  /** Every access token issued so far stops working (WeCom's 42001). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** A response_url as the intelligent bot's callbacks carry it. */
  /** A message's response_url; `chat` is the message's chattype (a reply to a group's message is a group delivery). */
  newResponseUrl(chat: 'group' | 'single' = 'group'): string {
    const code = crypto.randomBytes(12).toString('hex');
    if (chat === 'single') this.singleChatCodes.add(code);
    return `${this.url}/cgi-bin/aibot/response?response_code=${code}`;
  }

  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** The calls of `path` WeCom accepted (errcode 0): what people actually received. */
  acceptedCallsTo(path: string): ReceivedCall[] {
    return this.callsTo(path).filter((c) => c.errcode === 0);
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
    const call: ReceivedCall = { path: url.pathname, query: Object.fromEntries(url.searchParams), body, at: Date.now() };
    this.calls.push(call);

    const scripted = this.scripted.get(url.pathname)?.shift();
    if (scripted !== undefined) return answer(call, res, { errcode: scripted, errmsg: 'scripted failure' });

    switch (url.pathname) {
      case '/cgi-bin/gettoken':
        if (call.query.corpid !== this.corpId) return answer(call, res, { errcode: 40013, errmsg: 'invalid corpid' });
        if (call.query.corpsecret !== this.secret || this.revoked) return answer(call, res, { errcode: 40001, errmsg: 'invalid credential' });
        return answer(call, res, { errcode: 0, errmsg: 'ok', access_token: this.issueToken(), expires_in: 7200 });
      case '/cgi-bin/appchat/send':
        // App messages into a group chat (appchat): gridbot does not use them; should it, they are scanned.
        scanGroupDelivery(`wecom appchat ${String(body.chatid)}`, body);
        return answer(call, res, { errcode: 0, errmsg: 'ok' });
      case '/cgi-bin/message/send':
      case '/cgi-bin/message/update_template_card': {
        const token = call.query.access_token;
        if (!token) return answer(call, res, { errcode: 41001, errmsg: 'access_token missing' });
        if (!this.tokens.has(token)) return answer(call, res, { errcode: 42001, errmsg: 'access_token expired' });
        if (url.pathname === '/cgi-bin/message/send' && body.touser === 'nobody') {
          return answer(call, res, { errcode: 0, errmsg: 'ok', invaliduser: 'nobody' });
        }
        if (url.pathname === '/cgi-bin/message/send' && this.limitedUsers.has(String(body.touser))) {
          return answer(call, res, { errcode: 45009, errmsg: 'api freq out of limit' });
        }
        const oversize = contentOverLimit(body);
        if (oversize) return answer(call, res, { errcode: 40058, errmsg: oversize });
        return answer(call, res, { errcode: 0, errmsg: 'ok', msgid: crypto.randomUUID(), response_code: crypto.randomUUID() });
      }
      case '/cgi-bin/webhook/send': {
        const key = call.query.key ?? '';
        const recent = (this.webhookSends.get(key) ?? []).filter((t) => t > this.now - 60_000);
        if (recent.length >= (this.options.webhookLimit ?? 20)) return answer(call, res, { errcode: 45009, errmsg: 'api freq out of limit' });
        const oversize = contentOverLimit(body, 4096);
        if (oversize) return answer(call, res, { errcode: 40058, errmsg: oversize });
        this.webhookSends.set(key, [...recent, this.now]);
        scanGroupDelivery('wecom group robot', body);
        return answer(call, res, { errcode: 0, errmsg: 'ok' });
      }
      case '/cgi-bin/aibot/response': {
        const code = call.query.response_code ?? '';
        const tooLong = contentOverLimit(body, 20480);
        if (tooLong) return answer(call, res, { errcode: 40058, errmsg: tooLong });
        if (this.usedResponseCodes.has(code)) return answer(call, res, { errcode: 40078, errmsg: 'response_code used' });
        this.usedResponseCodes.add(code);
        if (!this.singleChatCodes.has(code)) scanGroupDelivery(`wecom bot reply ${code}`, body);
        return answer(call, res, { errcode: 0, errmsg: 'ok' });
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

/**
 * WeCom's documented sizes: app text and markdown content 2048 bytes, webhook markdown 4096 bytes;
 * button_interaction card texts: main_title.title 36, sub_title_text 112, keyname 5, value 30,
 * button text 10 characters. WeCom refuses more with 40058 (as its webhook does) rather than
 * silently cutting, which is what a test must notice.
 */
function contentOverLimit(body: Record<string, unknown>, markdownBytes = 2048): string | undefined {
  const bytes = (v: unknown) => Buffer.byteLength(String(v ?? ''), 'utf8');
  const chars = (v: unknown) => Array.from(String(v ?? '')).length;
  const markdown = (body.markdown as { content?: unknown } | undefined)?.content;
  if (markdown !== undefined && bytes(markdown) > markdownBytes) return `markdown.content exceed max length ${markdownBytes}`;
  const text = (body.text as { content?: unknown } | undefined)?.content;
  if (text !== undefined && bytes(text) > 2048) return 'text.content exceed max length 2048';
  const card = body.template_card as
    | { main_title?: { title?: unknown }; sub_title_text?: unknown; horizontal_content_list?: { keyname?: unknown; value?: unknown }[]; button_list?: { text?: unknown }[] }
    | undefined;
  if (!card) return undefined;
  if (chars(card.main_title?.title) > 36) return 'template_card.main_title.title exceed max length';
  if (chars(card.sub_title_text) > 112) return 'template_card.sub_title_text exceed max length';
  if ((card.horizontal_content_list ?? []).some((h) => chars(h.keyname) > 5 || chars(h.value) > 30)) return 'template_card.horizontal_content_list exceed max length';
  if ((card.button_list ?? []).some((b) => chars(b.text) > 10)) return 'template_card.button_list.text exceed max length';
  return undefined;
}

function answer(call: ReceivedCall, res: http.ServerResponse, json: { errcode: number } & Record<string, unknown>): void {
  call.errcode = json.errcode;
  reply(res, json);
}

function reply(res: http.ServerResponse, json: Record<string, unknown>): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(json));
}
