/**
 * The Stream mode connection, on dingtalk-stream's DWClient, with the life cycle owned here:
 * DWClient 2.1.5 reconnects every second without backoff, can double its reconnect timers, does
 * not cancel a pending reconnect on disconnect(), ignores the server's `disconnect` frame and lets
 * a malformed frame or a throwing listener become an uncaught exception. So autoReconnect is off
 * and this class reconnects itself: one attempt at a time, exponential backoff with jitter, a
 * watchdog for silent connections, and a stop that cancels everything pending.
 */
import { DWClient, type DWClientDownStream } from 'dingtalk-stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../log';
import type { CredentialsAlarm } from './api-client';
import { apiErrorSchema, gatewayEndpointSchema } from './payloads';
import { reconnectDelayMs } from '../reconnect-backoff';

export interface ReconnectOptions {
  /** First wait after a failure. @defaultValue 1000 */
  baseMs?: number;
  /** Longest wait between attempts. @defaultValue 60000 */
  maxMs?: number;
  /** A connection that lived this long resets the backoff. @defaultValue 30000 */
  stableAfterMs?: number;
}

export interface WatchdogOptions {
  /** How often the connection is checked (and pinged when quiet). @defaultValue 15000 */
  intervalMs?: number;
  /** No frame and no pong for this long: the connection is dead, reconnect. @defaultValue 45000 */
  timeoutMs?: number;
}

export interface StreamClientOptions {
  clientId: string;
  clientSecret: string;
  /** POST address that hands out {endpoint, ticket} (DINGTALK_GATEWAY_URL). */
  gatewayUrl: string;
  /** CALLBACK topics to subscribe to. */
  topics: string[];
  logger: Logger;
  alarm: CredentialsAlarm;
  reconnect?: ReconnectOptions;
  watchdog?: WatchdogOptions;
  /** A gateway request or WebSocket handshake slower than this fails. @defaultValue 10000 */
  connectTimeoutMs?: number;
}

/** Acknowledges the frame on the connection it came from; false when that connection is gone. */
export type Ack = (response: unknown) => boolean;
export type FrameListener = (frame: DWClientDownStream, ack: Ack) => void;

/** The gateway answered the connection request with an error status. */
export class GatewayRefusedError extends Error {
  override name = 'GatewayRefusedError';
  constructor(
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(`DingTalk Stream gateway answered HTTP ${status}${code ? ` ${code}` : ''}`);
  }

  get credentialsRefused(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 429 && !/QpsLimit/i.test(this.code ?? '');
  }
}

const OPEN = 1;
const UA = 'gridbot-dingtalk-stream/1.0';

export class StreamClient extends DWClient {
  private readonly options: StreamClientOptions;
  private readonly topics: Set<string>;
  private stopped = true;
  private current?: WebSocket;
  private attempt?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  private watchdogTimer?: NodeJS.Timeout;
  private abort?: AbortController;
  private failures = 0;
  private connectedAt = 0;
  private lastTraffic = 0;
  private plannedDisconnect = false;

  constructor(options: StreamClientOptions, listener: FrameListener) {
    super({ clientId: options.clientId, clientSecret: options.clientSecret, keepAlive: false, ua: UA });
    this.options = options;
    this.topics = new Set(options.topics);
    this.config.autoReconnect = false;
    // A fresh array: the SDK's default subscriptions array is shared by every DWClient instance.
    this.config.subscriptions = options.topics.map((topic) => ({ type: 'CALLBACK', topic }));
    for (const topic of options.topics) {
      this.registerCallbackListener(topic, (frame) => listener(frame, this.ackerFor(frame)));
    }
  }

  /** True while a WebSocket to the gateway is open. */
  get isConnected(): boolean {
    return this.current?.readyState === OPEN;
  }

  /** Connects; resolves after the first attempt, successful or not (later ones run on their own). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.failures = 0;
    await this.runAttempt();
  }

  /** Stops receiving: cancels a pending reconnect, aborts an attempt, closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.stopWatchdog();
    this.abort?.abort();
    const socket = this.current ?? this.sdkSocket();
    this.current = undefined;
    if (socket && socket.readyState !== 3 /* CLOSED */) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      this.disconnect();
      const timer = setTimeout(() => socket.terminate(), 2_000);
      await closed;
      clearTimeout(timer);
    }
    await this.attempt;
  }

  // --- seams into DWClient ----------------------------------------------------------------------

  /** The SDK posts to a module constant; this asks DINGTALK_GATEWAY_URL instead. */
  override async getEndpoint(): Promise<this> {
    const signal = AbortSignal.any([this.abort?.signal ?? new AbortController().signal, AbortSignal.timeout(this.connectTimeoutMs)]);
    const response = await fetch(this.options.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId: this.options.clientId, clientSecret: this.options.clientSecret, ua: UA, subscriptions: this.config.subscriptions }),
      signal,
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = apiErrorSchema.safeParse(body ?? {});
      throw new GatewayRefusedError(response.status, error.success ? error.data.code : undefined);
    }
    const { endpoint, ticket } = gatewayEndpointSchema.parse(body);
    // dw_url is private in the SDK's typings; _connect() reads it.
    Object.assign(this, { dw_url: `${endpoint}${endpoint.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}` });
    return this;
  }

  /** A malformed frame must not become an uncaught exception inside the SDK's socket handler. */
  override onDownStream(data: string): void {
    this.lastTraffic = Date.now();
    try {
      super.onDownStream(data);
    } catch (err) {
      this.options.logger.warn({ err: describe(err), bytes: String(data).length }, 'malformed DingTalk Stream frame ignored');
    }
  }

  /** The server announces a planned disconnect ~10 s ahead: reconnect now, without backoff. */
  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers.topic !== 'disconnect') return;
    this.options.logger.info({ reason: reasonOf(downstream.data) }, 'DingTalk Stream gateway asked to reconnect');
    const socket = this.current;
    if (!socket) return;
    this.plannedDisconnect = true;
    socket.close(1000, 'server asked to reconnect');
    setTimeout(() => socket.terminate(), 2_000).unref();
  }

  /** Only subscribed topics reach listeners (an emit('error') without listener would throw). */
  override onCallback(message: DWClientDownStream): void {
    const topic = message.headers?.topic;
    if (!this.topics.has(topic)) {
      this.options.logger.debug({ topic }, 'DingTalk Stream frame for an unknown topic ignored');
      return;
    }
    try {
      super.onCallback(message);
    } catch (err) {
      this.options.logger.error({ err: describe(err), topic }, 'DingTalk Stream listener failed; frame left unacknowledged');
    }
  }

  // --- the life cycle ---------------------------------------------------------------------------

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 10_000;
  }

  private runAttempt(): Promise<void> {
    if (this.stopped || this.attempt || this.current) return this.attempt ?? Promise.resolve();
    this.attempt = this.connectOnce().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  private async connectOnce(): Promise<void> {
    this.abort = new AbortController();
    try {
      await this.getEndpoint();
      if (this.stopped) return;
      await this.openSocket();
    } catch (err) {
      if (this.stopped) return;
      this.failures += 1;
      if (err instanceof GatewayRefusedError && err.credentialsRefused) {
        this.options.alarm.raise('stream gateway', { status: err.status, code: err.code });
      } else {
        this.options.logger.warn({ err: describe(err), attempt: this.failures }, 'DingTalk Stream connection failed; retrying with backoff');
      }
      this.scheduleReconnect(this.backoffMs());
    }
  }

  private async openSocket(): Promise<void> {
    const handshake = this._connect();
    const timer = setTimeout(() => this.sdkSocket()?.terminate(), this.connectTimeoutMs);
    try {
      await handshake;
    } finally {
      clearTimeout(timer);
    }
    const socket = this.sdkSocket();
    if (!socket) throw new Error('the SDK opened no socket');
    if (this.stopped) {
      socket.terminate();
      return;
    }
    this.current = socket;
    this.connectedAt = Date.now();
    this.lastTraffic = Date.now();
    socket.on('close', (code: number) => this.onClosed(socket, code));
    socket.on('pong', () => (this.lastTraffic = Date.now()));
    socket.on('ping', () => (this.lastTraffic = Date.now()));
    if (socket.readyState !== OPEN) {
      this.onClosed(socket, 1006);
      return;
    }
    this.options.alarm.clear();
    this.options.logger.info({ afterFailures: this.failures }, 'DingTalk Stream connected');
    this.startWatchdog(socket);
  }

  private onClosed(socket: WebSocket, code: number): void {
    if (socket !== this.current) return;
    this.current = undefined;
    this.stopWatchdog();
    if (this.stopped) return;
    const planned = this.plannedDisconnect;
    this.plannedDisconnect = false;
    const uptimeMs = Date.now() - this.connectedAt;
    if (planned || uptimeMs >= (this.options.reconnect?.stableAfterMs ?? 30_000)) this.failures = 0;
    this.failures += planned ? 0 : 1;
    this.options.logger.warn({ code, uptimeMs, planned }, 'DingTalk Stream connection closed; reconnecting');
    this.scheduleReconnect(planned ? Math.floor(Math.random() * 250) : this.backoffMs());
  }

  /** One pending reconnect at most; nothing once stopped. */
  private scheduleReconnect(delayMs: number): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.runAttempt();
    }, delayMs);
  }

  private backoffMs(): number {
    return reconnectDelayMs(this.failures, { baseMs: this.options.reconnect?.baseMs, maxMs: this.options.reconnect?.maxMs ?? 60_000 });
  }

  private startWatchdog(socket: WebSocket): void {
    this.stopWatchdog();
    const intervalMs = this.options.watchdog?.intervalMs ?? 15_000;
    const timeoutMs = this.options.watchdog?.timeoutMs ?? 45_000;
    this.watchdogTimer = setInterval(() => {
      const quietMs = Date.now() - this.lastTraffic;
      if (quietMs >= timeoutMs) {
        this.options.logger.warn({ quietMs }, 'DingTalk Stream connection silent; reconnecting');
        socket.terminate();
      } else if (quietMs >= intervalMs && socket.readyState === OPEN) {
        socket.ping();
      }
    }, intervalMs);
  }

  private stopWatchdog(): void {
    clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  private ackerFor(frame: DWClientDownStream): Ack {
    // The frame came from the socket the SDK holds right now (possibly a moment before openSocket
    // adopted it as `current`); an acknowledgement only makes sense on that very connection.
    const socket = this.sdkSocket();
    const messageId = frame.headers?.messageId;
    return (response) => {
      if (this.stopped || !messageId || !socket || socket !== this.sdkSocket() || socket.readyState !== OPEN) return false;
      this.socketCallBackResponse(messageId, response);
      return true;
    };
  }

  /** The socket DWClient keeps in a field its typings call private. */
  private sdkSocket(): WebSocket | undefined {
    return (this as unknown as { socket?: WebSocket }).socket;
  }
}

function reasonOf(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
