/**
 * A local stand-in for DingTalk, following its documented formats: the Stream gateway (POST
 * /v1.0/gateway/connections/open → {endpoint, ticket}, then a WebSocket that pushes CALLBACK and
 * SYSTEM frames and reads the client's ACK frames), the OpenAPI (oauth2/accessToken,
 * robot/groupMessages/send, robot/oToMessages/batchSend, robot/messageFiles/download,
 * card/instances/createAndDeliver) and the session webhook (oapi /robot/sendBySession).
 * Tests script failures (flow control, 5xx) and read what arrived.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { scanGroupDelivery } from '../../support/group-deliveries';

export interface FakeDingTalkOptions {
  clientId?: string;
  clientSecret?: string;
  robotCode?: string;
  /** Groups the robot is in (others answer "not found"). */
  groups?: string[];
}

export interface Frame {
  specVersion: string;
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  headers: Record<string, string>;
  data: string;
}

export interface ClientResponse {
  code: number;
  headers: { messageId?: string; contentType?: string };
  message: string;
  data: string;
}

export interface ApiCall {
  path: string;
  /** The query string (the session webhook's session id, for instance). */
  search: string;
  token?: string;
  body: Record<string, unknown>;
  at: number;
}

type ScriptedAnswer = { status: number; body: unknown };

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

export class FakeDingTalk {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly robotCode: string;
  readonly groups: Set<string>;
  /** Every OpenAPI / webhook / gateway request, oldest first. */
  readonly calls: ApiCall[] = [];
  /** Every frame the client sent back (ACKs, ping answers). */
  readonly responses: ClientResponse[] = [];
  readonly sockets: WebSocket[] = [];
  /** CALLBACK frames pushed and not acknowledged yet, by header messageId. */
  readonly unacked = new Map<string, Frame>();
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly tickets = new Set<string>();
  private readonly tokens = new Set<string>();
  private readonly scripted = new Map<string, ScriptedAnswer[]>();
  /** batchSend: these user ids are flow-controlled on their next N sends. */
  private readonly flowControl = new Map<string, number>();
  private listeners: (() => void)[] = [];
  /** A half-dead connection: nothing pushed, pings unanswered. */
  private readonly silentSockets = new WeakSet<WebSocket>();
  private port = 0;

  constructor(options: FakeDingTalkOptions = {}) {
    this.clientId = options.clientId ?? 'dingfakeclientid';
    this.clientSecret = options.clientSecret ?? 'fake-secret';
    this.robotCode = options.robotCode ?? 'dingfakerobot';
    this.groups = new Set(options.groups ?? ['cidGroupA==']);
    this.server = http.createServer((req, res) => void this.route(req, res));
    this.wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The env a test app or channel needs to use this fake. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DINGTALK_CLIENT_ID: this.clientId,
      DINGTALK_CLIENT_SECRET: this.clientSecret,
      DINGTALK_ROBOT_CODE: this.robotCode,
      DINGTALK_API_BASE: this.url,
      DINGTALK_OAPI_BASE: this.url,
      DINGTALK_GATEWAY_URL: `${this.url}/v1.0/gateway/connections/open`,
      ...overrides,
    };
  }

  async close(): Promise<void> {
    for (const s of this.wss.clients) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- scripting ---------------------------------------------------------------------------------

  /** The next `times` calls of `path` get this answer instead of the normal one. */
  failNext(path: string, answer: ScriptedAnswer, times = 1): void {
    const list = this.scripted.get(path) ?? [];
    for (let i = 0; i < times; i++) list.push(answer);
    this.scripted.set(path, list);
  }

  /** batchSend reports these users in flowControlledStaffIdList for their next `times` sends. */
  flowControlUsers(userIds: string[], times = 1): void {
    for (const id of userIds) this.flowControl.set(id, times);
  }

  callsTo(path: string): ApiCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  // --- Stream side -------------------------------------------------------------------------------

  get openSockets(): WebSocket[] {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN);
  }

  /** A robot message as DingTalk pushes it; returns the frame's header messageId. */
  pushRobotMessage(data: Record<string, unknown>, frameId = `frame-${crypto.randomUUID()}`): string {
    this.push({
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: { appId: 'fake-app', connectionId: 'conn', contentType: 'application/json', messageId: frameId, time: String(Date.now()), topic: TOPIC_ROBOT },
      data: JSON.stringify(data),
    });
    return frameId;
  }

  /** Pushes a frame on the newest open connection (DingTalk picks one connection per message). */
  push(frame: Frame): void {
    const socket = this.openSockets.at(-1);
    if (!socket) throw new Error('no open Stream connection');
    if (frame.type === 'CALLBACK') this.unacked.set(frame.headers.messageId, frame);
    socket.send(JSON.stringify(frame));
  }

  /** What DingTalk does ~60 s after a push without ACK: the same frame again. */
  redeliverUnacked(): number {
    const frames = [...this.unacked.values()];
    for (const frame of frames) this.push(frame);
    return frames.length;
  }

  /** From now on the open connections stay open but answer nothing (a silently dead link). */
  silence(): void {
    for (const s of this.openSockets) this.silentSockets.add(s);
  }

  /** Ends every open connection from the server side, without a goodbye. */
  dropConnections(): void {
    for (const s of this.openSockets) s.terminate();
  }

  sendRaw(text: string): void {
    const socket = this.openSockets.at(-1);
    if (!socket) throw new Error('no open Stream connection');
    socket.send(text);
  }

  /** SYSTEM ping; resolves with the client's answer. */
  async ping(timeoutMs = 3000): Promise<ClientResponse> {
    const messageId = `ping-${crypto.randomUUID()}`;
    const opaque = crypto.randomUUID();
    this.push({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'ping', messageId, contentType: 'application/json' }, data: JSON.stringify({ opaque }) });
    return this.waitFor(() => this.responses.find((r) => r.headers.messageId === messageId), 'ping answer', timeoutMs);
  }

  /** SYSTEM disconnect, then (like DingTalk after 10 s of silence) the TCP close, here after `closeAfterMs`. */
  announceDisconnect(closeAfterMs: number): void {
    const socket = this.openSockets.at(-1);
    if (!socket) throw new Error('no open Stream connection');
    socket.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'disconnect', contentType: 'application/json' }, data: JSON.stringify({ reason: 'connection is expired' }) }));
    setTimeout(() => socket.terminate(), closeAfterMs).unref();
  }

  ackFor(frameId: string): ClientResponse | undefined {
    return this.responses.find((r) => r.headers.messageId === frameId);
  }

  /** Polls `check` until it returns a value (bounded). */
  async waitFor<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  private upgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.url);
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/connect' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.push(ws);
      ws.on('message', (raw) => {
        try {
          const response = JSON.parse(String(raw)) as ClientResponse;
          this.responses.push(response);
          if (response.headers?.messageId) this.unacked.delete(response.headers.messageId);
        } catch {
          // A client that sends garbage is a failing test elsewhere.
        }
        this.notify();
      });
      ws.on('ping', (data) => {
        if (!this.silentSockets.has(ws)) ws.pong(data);
      });
      ws.on('close', () => this.notify());
      this.notify();
    });
  }

  // --- HTTP side ---------------------------------------------------------------------------------

  /** Cards delivered with createAndDeliver, by outTrackId (only those can be updated). */
  readonly deliveredCards = new Set<string>();
  /** Cards delivered into a group: their updates are group deliveries too. */
  private readonly groupCards = new Set<string>();

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (url.pathname === '/media/upload') return this.mediaUpload(url, req, Buffer.concat(chunks), res);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return this.answer(res, 400, { code: 'InvalidParameter', message: 'body is not JSON' });
    }
    const token = (req.headers['x-acs-dingtalk-access-token'] as string | undefined) ?? undefined;
    const path = url.pathname;
    this.calls.push({ path, search: url.search, ...(token ? { token } : {}), body, at: Date.now() });
    this.notify();
    const scripted = this.scripted.get(path)?.shift();
    if (scripted) return this.answer(res, scripted.status, scripted.body);
    switch (path) {
      case '/v1.0/gateway/connections/open':
        return this.openConnection(res, body);
      case '/v1.0/oauth2/accessToken':
        return this.accessToken(res, body);
      case '/robot/sendBySession':
        if (!url.searchParams.get('session')) return this.answer(res, 200, { errcode: 300001, errmsg: 'session 不存在' });
        if (tooLong({ msgParam: JSON.stringify({ ...(body.text as object), ...(body.markdown as object), ...(body.actionCard as object) }) })) {
          return this.answer(res, 200, { errcode: 460101, errmsg: 'message too long' });
        }
        // A reply into a group's session is a group delivery (a session not known to be 1:1 counts as one).
        if (!singleChatSessions.has(url.searchParams.get('session') ?? '')) scanGroupDelivery(`dingtalk session ${url.searchParams.get('session')}`, body);
        return this.answer(res, 200, { errcode: 0, errmsg: 'ok' });
    }
    if (!token || !this.tokens.has(token)) return this.answer(res, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    // Updating a card names the card only (its outTrackId), not the robot.
    if (path !== '/v1.0/card/instances' && robotCodeOf(body) !== this.robotCode) return this.answer(res, 400, { code: 'invalidParameter.robotCode', message: 'robot 不存在' });
    switch (path) {
      case '/v1.0/robot/groupMessages/send':
        if (tooLong(body)) return this.answer(res, 400, { code: 'invalidParameter.msgParam', message: '消息内容超长' });
        if (!this.groups.has(String(body.openConversationId))) return this.answer(res, 400, { code: 'resource.not.found', message: '群不存在或机器人不在群内' });
        if (typeof body.msgKey !== 'string' || typeof body.msgParam !== 'string') return this.answer(res, 400, { code: 'invalidParameter', message: 'msgKey/msgParam' });
        scanGroupDelivery(`dingtalk group ${String(body.openConversationId)}`, body.msgParam);
        return this.answer(res, 200, { processQueryKey: crypto.randomUUID() });
      case '/v1.0/robot/oToMessages/batchSend': {
        const userIds = Array.isArray(body.userIds) ? (body.userIds as string[]) : [];
        if (userIds.length === 0 || userIds.length > 20) return this.answer(res, 400, { code: 'invalidParameter.userIds', message: 'userIds 1..20' });
        if (tooLong(body)) return this.answer(res, 400, { code: 'invalidParameter.msgParam', message: '消息内容超长' });
        const flowControlled = userIds.filter((id) => {
          const left = this.flowControl.get(id) ?? 0;
          if (left > 0) this.flowControl.set(id, left - 1);
          return left > 0;
        });
        const invalid = userIds.filter((id) => id.startsWith('nobody'));
        return this.answer(res, 200, { processQueryKey: crypto.randomUUID(), invalidStaffIdList: invalid, flowControlledStaffIdList: flowControlled });
      }
      case '/v1.0/robot/messageFiles/download':
        return this.answer(res, 200, { downloadUrl: `${this.url}/files/${encodeURIComponent(String(body.downloadCode))}` });
      case '/v1.0/card/instances/createAndDeliver':
        this.deliveredCards.add(String(body.outTrackId));
        if (String(body.openSpaceId ?? '').includes('IM_GROUP.')) {
          this.groupCards.add(String(body.outTrackId));
          scanGroupDelivery(`dingtalk group card ${String(body.openSpaceId)}`, body.cardData);
        }
        return this.answer(res, 200, { success: true, result: { outTrackId: body.outTrackId } });
      case '/v1.0/card/instances':
        // PUT: update a delivered card's data (更新卡片).
        if (req.method !== 'PUT') return this.answer(res, 405, { code: 'MethodNotAllowed', message: req.method ?? '' });
        if (!this.deliveredCards.has(String(body.outTrackId))) return this.answer(res, 400, { code: 'param.cardInstanceNotExist', message: '卡片不存在' });
        if (this.groupCards.has(String(body.outTrackId))) scanGroupDelivery(`dingtalk group card update ${String(body.outTrackId)}`, body.cardData);
        return this.answer(res, 200, { success: true, result: true });
      default:
        return this.answer(res, 404, { code: 'notFound', message: path });
    }
  }

  /** oapi media upload: multipart with a `media` part, the token in the query. */
  private mediaUpload(url: URL, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const token = url.searchParams.get('access_token') ?? '';
    const multipart = String(req.headers['content-type'] ?? '').startsWith('multipart/form-data');
    this.calls.push({ path: url.pathname, search: url.search, token, body: { type: url.searchParams.get('type'), multipart, bytes: body.length, hasMedia: body.includes('name="media"') }, at: Date.now() });
    this.notify();
    if (!this.tokens.has(token)) return this.answer(res, 200, { errcode: 40014, errmsg: '不合法的access_token' });
    this.answer(res, 200, { errcode: 0, errmsg: 'ok', type: 'image', media_id: '@lADPfakeMediaId', created_at: Date.now() });
  }

  private openConnection(res: http.ServerResponse, body: Record<string, unknown>): void {
    if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) {
      return this.answer(res, 401, { code: 'InvalidAuthentication', message: 'clientId 或 clientSecret 错误' });
    }
    const ticket = crypto.randomUUID();
    this.tickets.add(ticket);
    this.answer(res, 200, { endpoint: `ws://127.0.0.1:${this.port}/connect`, ticket });
  }

  private accessToken(res: http.ServerResponse, body: Record<string, unknown>): void {
    if (body.appKey !== this.clientId || body.appSecret !== this.clientSecret) {
      return this.answer(res, 400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
    }
    const token = `tok-${crypto.randomUUID()}`;
    this.tokens.add(token);
    this.answer(res, 200, { accessToken: token, expireIn: 7200 });
  }

  private answer(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

/** Session webhooks of 1:1 messages made by robotMessage; every other session is a group's. */
const singleChatSessions = new Set<string>();

/** A robot message's data as DingTalk documents it (group text @-mentioning the robot by default). */
export function robotMessage(overrides: Record<string, unknown> = {}, fake?: FakeDingTalk): Record<string, unknown> {
  const base = fake?.url ?? 'http://127.0.0.1:9';
  const session = crypto.randomBytes(8).toString('hex');
  // The fake counts a session reply as a group delivery unless the message was 1:1.
  if (String(overrides.conversationType ?? '2') === '1') singleChatSessions.add(session);
  return {
    conversationId: 'cidGroupA==',
    atUsers: [{ dingtalkId: '$:LWCP_v1:$robot' }],
    chatbotCorpId: 'dingcorp',
    chatbotUserId: '$:LWCP_v1:$robot',
    msgId: `msg${crypto.randomBytes(6).toString('hex')}`,
    senderNick: '张网格',
    isAdmin: false,
    senderStaffId: 'staff001',
    sessionWebhookExpiredTime: Date.now() + 90 * 60_000,
    createAt: Date.now(),
    senderCorpId: 'dingcorp',
    conversationType: '2',
    senderId: '$:LWCP_v1:$sender',
    conversationTitle: '幸福社区第一网格',
    isInAtList: true,
    sessionWebhook: `${base}/robot/sendBySession?session=${session}`,
    text: { content: ' 帮助' },
    robotCode: fake?.robotCode ?? 'dingfakerobot',
    msgtype: 'text',
    ...overrides,
  };
}

/** Robot APIs carry robotCode at the top; card delivery carries it in its deliver model. */
function robotCodeOf(body: Record<string, unknown>): unknown {
  const model = (body.imGroupOpenDeliverModel ?? body.imRobotOpenDeliverModel) as { robotCode?: unknown } | undefined;
  return body.robotCode ?? model?.robotCode;
}

/**
 * The sizes the fake holds DingTalk to: text content and markdown text up to 5000 characters
 * (what DingTalk shows whole; longer messages are cut or refused). A test notices a cut message.
 */
function tooLong(body: Record<string, unknown>): boolean {
  if (typeof body.msgParam !== 'string') return false;
  const param = JSON.parse(body.msgParam) as { content?: unknown; text?: unknown };
  return [param.content, param.text].some((v) => typeof v === 'string' && Array.from(v).length > 5000);
}
