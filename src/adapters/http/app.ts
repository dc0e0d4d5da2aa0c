/**
 * The Koa app: health, readiness, metrics, the queue dashboard behind ADMIN_TOKEN, and whatever
 * routes the channels mount (WeCom callbacks, the sandbox).
 */
import crypto from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';
import { httpFailureOf } from './errors';

export interface HttpDeps {
  logger: Logger;
  metrics: Metrics;
  adminToken: string | undefined;
  /** Resolves when DB and Redis answer; rejects with what is down. */
  ready(): Promise<void>;
  /** State of the channels that hold a connection in this process, with their waiting messages. */
  channels(): Promise<Record<string, ChannelReadiness>>;
  /**
   * Channels that cannot send at all right now (their messages are held). They do not make the
   * process unready — it still receives and works — but /readyz names them.
   */
  channelOutages?(): Promise<{ channel: string; since: string; reason: string }[]>;
  /** Refreshes gauges (queue depth) just before a scrape. */
  beforeScrape(): Promise<void>;
  /** The queue dashboard, served under /admin/queues to holders of ADMIN_TOKEN. */
  dashboard: Koa.Middleware | null;
  mounts: ((router: Router) => void)[];
}

export interface ChannelReadiness {
  connected: boolean;
  /** ISO time the connection last went up or down. */
  since: string;
  /** Messages waiting in the channel's outbox (waiting, delayed, being sent). */
  queued: number;
}

/** A channel on /readyz: its connection (if this process holds one) and its outage (if any). */
type ReadyzChannel = Partial<ChannelReadiness> & { since: string; status?: 'outage'; reason?: string; outageSince?: string };

const ADMIN_COOKIE = 'gridbot_admin';

export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export function createHttpApp(deps: HttpDeps): Koa {
  // Behind the deployment's reverse proxy (docs/deploy.md): the client's address is the last entry
  // of X-Forwarded-For, the one the proxy appended; earlier entries are whatever the client sent.
  const app = new Koa({ proxy: true, maxIpsCount: 1 });
  const router = new Router();

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const failure = httpFailureOf(err);
      if (failure.status >= 500) deps.logger.error({ err, path: ctx.path, method: ctx.method, status: failure.status }, 'http request failed');
      else deps.logger.info({ path: ctx.path, method: ctx.method, status: failure.status, reason: failure.reason }, 'http request refused');
      ctx.status = failure.status;
      if (failure.retryAfterSeconds) ctx.set('Retry-After', String(failure.retryAfterSeconds));
      ctx.body = { error: failure.reason };
    }
  });

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    try {
      await deps.ready();
      // A platform away is no reason to take this process out of rotation (the other channels'
      // callbacks and the held messages still need it): 200, with the state said in the body —
      // each connection this process holds, and each channel that cannot send (an outage).
      const channels: Record<string, ReadyzChannel> = { ...(await deps.channels()) };
      for (const o of (await deps.channelOutages?.()) ?? []) {
        const held = channels[o.channel];
        channels[o.channel] = held ? { ...held, status: 'outage', reason: o.reason, outageSince: o.since } : { status: 'outage', since: o.since, reason: o.reason };
      }
      const degraded = Object.values(channels).some((c) => c.connected === false || c.status === 'outage');
      ctx.body = Object.keys(channels).length ? { status: degraded ? 'degraded' : 'ready', channels } : { status: 'ready' };
    } catch (err) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', reason: (err as Error).message };
    }
  });

  router.get('/metrics', async (ctx) => {
    await deps.beforeScrape().catch((err: unknown) => deps.logger.warn({ err }, 'metrics refresh failed'));
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  // Admin pages: `Authorization: Bearer <ADMIN_TOKEN>`, or once `?token=<ADMIN_TOKEN>` in a browser,
  // which sets an HttpOnly cookie for the rest of the visit.
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/admin/')) return next();
    const token = deps.adminToken;
    const queryToken = typeof ctx.query.token === 'string' ? ctx.query.token : undefined;
    if (token && queryToken && bearerMatches(`Bearer ${queryToken}`, token)) {
      ctx.cookies.set(ADMIN_COOKIE, queryToken, { httpOnly: true, sameSite: 'strict', path: '/admin', maxAge: 8 * 3600_000 });
      ctx.redirect(ctx.path);
      return;
    }
    const cookie = ctx.cookies.get(ADMIN_COOKIE);
    if (bearerMatches(ctx.get('authorization'), token) || (cookie && bearerMatches(`Bearer ${cookie}`, token))) return next();
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Bearer');
    ctx.body = { error: 'unauthorized' };
  });
  if (deps.dashboard) app.use(deps.dashboard);

  for (const mount of deps.mounts) mount(router);
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
