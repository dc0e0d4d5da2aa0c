/**
 * The Wechaty connection with its life cycle owned here, as the DingTalk stream client owns its
 * own. Left to itself, Wechaty 1.20 with wechaty-puppet-service stays "logged in" but deaf when
 * the gRPC stream drops (it only emits an error), and its watchdog, fed only by the service's
 * events, resets a quiet but healthy connection every minute, and after a reset whose start fails
 * (service still away) nothing tries again. So: on any loss (stream dropped, start refused, logout,
 * no answer to a liveness ding) the Wechaty instance is stopped and a fresh one started, one
 * attempt at a time, with capped exponential backoff and jitter, for as long as it takes.
 */
import type { EventEmitter } from 'node:events';
import type { Message, Wechaty } from 'wechaty';
import type { Logger } from '../../log';
import { reconnectDelayMs } from '../reconnect-backoff';

export interface WechatyReconnectOptions {
  /** First wait after a failure. @defaultValue 1000 */
  baseMs?: number;
  /**
   * Longest wait between attempts. A refused connection costs nothing, and a bot deaf for a
   * minute after the service is back is noticed in the groups, so the cap is short.
   * @defaultValue 10000
   */
  maxMs?: number;
  /** A login that lasted this long resets the backoff. @defaultValue 30000 */
  stableAfterMs?: number;
}

export interface WechatyLivenessOptions {
  /** Quiet for this long: send a ding (the service answers with a dong). @defaultValue 15000 */
  intervalMs?: number;
  /**
   * Nothing at all heard for this long: the connection is dead, start again. Applies once the
   * puppet has answered a ding (some puppets never do; their errors and logouts still count).
   * @defaultValue 45000
   */
  timeoutMs?: number;
  /** A start (gRPC connect, event stream, puppet start) slower than this failed. @defaultValue 30000 */
  startTimeoutMs?: number;
}

/** Channel state for /readyz and /metrics: logged in or not, since when. */
export interface ConnectionState {
  connected: boolean;
  since: Date;
}

export interface WechatyConnectionOptions {
  /** A fresh, unstarted Wechaty each time (an instance is never started twice). */
  build(): Wechaty;
  logger: Logger;
  onLogin(at: Date): void;
  onLogout(): void;
  onMessage(message: Message): void;
  /**
   * Checked before each attempt; rejects when the service cannot be reached at all. A start
   * against a service that is down does not fail: its gRPC calls wait for the channel to connect.
   */
  probe?(): Promise<void>;
  reconnect?: WechatyReconnectOptions;
  liveness?: WechatyLivenessOptions;
}

/** gRPC status 14: the service is not reachable (dropped stream, refused connection). */
const GRPC_UNAVAILABLE = 14;

export class WechatyConnection {
  private stopped = true;
  private current?: Wechaty;
  private attempt?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  private livenessTimer?: NodeJS.Timeout;
  private failures = 0;
  private loggedInAt = 0;
  private lastHeard = 0;
  /** Silence only means death for a puppet that answers dings (seen once, assumed from then on). */
  private answersDing = false;
  private state: ConnectionState = { connected: false, since: new Date() };
  private loginWaiters: (() => void)[] = [];

  constructor(private readonly options: WechatyConnectionOptions) {}

  /** The logged-in Wechaty, or undefined while the account is away. */
  get bot(): Wechaty | undefined {
    return this.state.connected ? this.current : undefined;
  }

  get status(): ConnectionState {
    return { ...this.state };
  }

  /** Resolves at the next login (at once when logged in). */
  whenLoggedIn(): Promise<void> {
    if (this.state.connected) return Promise.resolve();
    return new Promise((resolve) => this.loginWaiters.push(resolve));
  }

  /** Connects; resolves after the first attempt, successful or not (later ones run on their own). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.failures = 0;
    await this.runAttempt();
  }

  /** Stops for good: cancels a pending attempt and stops the current instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.attempt;
    await this.teardown();
    this.setConnected(false);
  }

  private runAttempt(): Promise<void> {
    if (this.stopped || this.attempt) return this.attempt ?? Promise.resolve();
    this.attempt = this.startOnce().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  private async startOnce(): Promise<void> {
    await this.teardown();
    if (this.stopped) return;
    try {
      await this.options.probe?.();
    } catch (err) {
      this.failures += 1;
      this.options.logger.warn({ err: describe(err), attempt: this.failures }, 'Wechaty puppet service unreachable; retrying with backoff');
      this.scheduleAttempt(this.backoffMs());
      return;
    }
    if (this.stopped) return;
    const wechaty = this.options.build();
    this.current = this.wire(wechaty);
    this.lastHeard = Date.now();
    try {
      await withTimeout(wechaty.start(), this.liveness.startTimeoutMs, 'Wechaty start');
      if (this.current !== wechaty) return; // lost (or stopped) while starting
      this.watchStream(wechaty);
      this.startLiveness(wechaty);
      this.options.logger.info({ afterFailures: this.failures }, 'Wechaty started; waiting for login');
    } catch (err) {
      if (this.stopped || this.current !== wechaty) return;
      this.options.logger.warn({ err: describe(err), attempt: this.failures + 1 }, 'Wechaty start failed; retrying with backoff');
      await this.lose(wechaty, 'start failed');
    }
  }

  private wire(wechaty: Wechaty): Wechaty {
    const mine = () => this.current === wechaty;
    const heard = () => {
      if (mine()) this.lastHeard = Date.now();
    };
    wechaty.on('heartbeat', heard);
    wechaty.on('dong', () => {
      if (!mine()) return;
      heard();
      this.answersDing = true;
    });
    wechaty.on('login', () => {
      if (!mine()) return;
      heard();
      this.loggedInAt = Date.now();
      this.setConnected(true);
      this.options.logger.info({ afterFailures: this.failures }, 'Wechaty logged in');
      this.options.onLogin(new Date(this.loggedInAt));
    });
    wechaty.on('logout', () => {
      if (mine()) void this.lose(wechaty, 'logout');
    });
    wechaty.on('error', (err: unknown) => {
      if (!mine()) return;
      if (isConnectionLoss(err)) void this.lose(wechaty, describe(err));
      else this.options.logger.warn({ err: describe(err) }, 'Wechaty error');
    });
    wechaty.on('message', (message: Message) => {
      if (!mine()) return;
      heard();
      this.options.onMessage(message);
    });
    return wechaty;
  }

  /** React to the gRPC event stream ending at once, not to a watchdog a minute later. */
  private watchStream(wechaty: Wechaty): void {
    const stream = grpcManagerOf(wechaty);
    if (!stream) return; // another puppet: its errors and logouts are the signals
    stream.once('end', () => {
      if (this.current === wechaty) void this.lose(wechaty, 'puppet service stream ended');
    });
  }

  private startLiveness(wechaty: Wechaty): void {
    clearInterval(this.livenessTimer);
    const { intervalMs, timeoutMs } = this.liveness;
    this.livenessTimer = setInterval(() => {
      if (this.current !== wechaty) return;
      const quietMs = Date.now() - this.lastHeard;
      if (quietMs >= timeoutMs && this.answersDing) {
        void this.lose(wechaty, `nothing heard for ${quietMs} ms`);
      } else if (quietMs >= intervalMs) {
        try {
          wechaty.puppet.ding('gridbot-liveness');
        } catch (err) {
          void this.lose(wechaty, `ding failed: ${describe(err)}`);
        }
      }
    }, Math.max(100, Math.min(intervalMs, timeoutMs) / 3));
  }

  /** The one way out of a connection: stop it, say so, and plan the next attempt. */
  private async lose(wechaty: Wechaty, reason: string): Promise<void> {
    if (this.current !== wechaty || this.stopped) return;
    const wasLoggedIn = this.state.connected;
    const uptimeMs = wasLoggedIn ? Date.now() - this.loggedInAt : 0;
    if (uptimeMs >= (this.options.reconnect?.stableAfterMs ?? 30_000)) this.failures = 0;
    this.failures += 1;
    this.setConnected(false);
    if (wasLoggedIn) {
      this.options.logger.warn({ reason, uptimeMs }, 'Wechaty connection lost; starting again');
      this.options.onLogout();
    }
    await this.teardown({ abandon: true });
    this.scheduleAttempt(this.backoffMs());
  }

  /**
   * Stops the current instance. An abandoned (lost) connection's gRPC channel is closed first: its
   * stop call would otherwise wait for the service and, once it is back, stop the puppet the next
   * connection has just started.
   */
  private async teardown(opts: { abandon?: boolean } = {}): Promise<void> {
    clearInterval(this.livenessTimer);
    this.livenessTimer = undefined;
    const wechaty = this.current;
    this.current = undefined;
    if (!wechaty) return;
    if (opts.abandon) closeGrpcChannel(wechaty);
    // A stop talks to the service (gRPC stop) and may wait on a dead one; it must not hold us up.
    await withTimeout(wechaty.stop(), 10_000, 'Wechaty stop').catch((err: unknown) =>
      this.options.logger.debug({ err: describe(err) }, 'Wechaty stop of a lost connection failed'),
    );
  }

  /** One pending attempt at most; nothing once stopped. */
  private scheduleAttempt(delayMs: number): void {
    if (this.stopped || this.reconnectTimer) return;
    this.options.logger.info({ delayMs, attempt: this.failures + 1 }, 'Wechaty reconnect planned');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.runAttempt();
    }, delayMs);
  }

  private backoffMs(): number {
    return reconnectDelayMs(this.failures, { baseMs: this.options.reconnect?.baseMs, maxMs: this.options.reconnect?.maxMs ?? 10_000 });
  }

  private setConnected(connected: boolean): void {
    if (this.state.connected === connected) return;
    this.state = { connected, since: new Date() };
    if (!connected) return;
    const waiters = this.loginWaiters;
    this.loginWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private get liveness(): Required<WechatyLivenessOptions> {
    return {
      intervalMs: this.options.liveness?.intervalMs ?? 15_000,
      timeoutMs: this.options.liveness?.timeoutMs ?? 45_000,
      startTimeoutMs: this.options.liveness?.startTimeoutMs ?? 30_000,
    };
  }
}

/** A dropped stream, a refused connection, or Wechaty's own watchdog giving up on the puppet. */
export function isConnectionLoss(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === GRPC_UNAVAILABLE) return true;
    if (typeof message === 'string' && /\b14 UNAVAILABLE\b|ECONNREFUSED|Connection dropped|WatchdogAgent reset/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function closeGrpcChannel(wechaty: Wechaty): void {
  const manager = grpcManagerOf(wechaty) as unknown as { eventStream?: { cancel(): void }; client?: { close(): void } } | undefined;
  try {
    // The event stream first: a service allows one stream, and closing the channel leaves it open.
    manager?.eventStream?.cancel();
  } catch {
    // already ended
  }
  try {
    manager?.client?.close();
  } catch {
    // no client (never connected, or already closed)
  }
}

/** wechaty-puppet-service's gRPC manager (its event stream's events), when that is the puppet. */
function grpcManagerOf(wechaty: Wechaty): EventEmitter | undefined {
  try {
    const manager = (wechaty.puppet as unknown as { grpcManager?: EventEmitter }).grpcManager;
    return typeof manager?.once === 'function' ? manager : undefined;
  } catch {
    return undefined; // the getter throws when the puppet is not a puppet service
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
