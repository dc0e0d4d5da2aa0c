/**
 * The leaders' web console (驾驶舱): `/console/login/:token` turns a one-time link from chat into a
 * session cookie, `/console` is the page, `/console/api/*` its data, `/console/assets/*` its script,
 * style and ECharts, served by gridbot itself with cache headers (no CDN).
 *
 * Security: the cookie is HttpOnly, SameSite=Strict, Secure behind an https PUBLIC_URL, and only
 * its SHA-256 is stored; changes (logout, a download link) need the session's CSRF token in a
 * header and a same-origin Origin; every response carries a strict Content-Security-Policy (no
 * inline script, nothing from elsewhere) and no-referrer, so the link's token never leaks.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Logger } from '../../log';
import type { Clock, Tx, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import { FILE_TOKEN, fileLinkUrl } from '../../bot/files';
import { ConsoleService, LOGIN_LINK_MINUTES } from '../../bot/console';
import type { SignedIn } from '../../bot/console/service';
import { consoleTiles } from '../../bot/console/tiles';
import { t, type TextKey } from '../../bot/texts';
import { zhCN } from '../../bot/texts/zh-CN';

export const CONSOLE_COOKIE = 'gridbot_console';
/** The policy; the page itself may also load images from the base-map tile origin, when one is set. */
const csp = (tileOrigin: string | null = null) => `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:${tileOrigin ? ` ${tileOrigin}` : ''}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
const NUMBER = /^[A-Z]{1,2}\d{8}-\d{1,6}$/;

export interface ConsoleRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
  /** PUBLIC_URL or this server (for links and the Secure flag). */
  baseUrl(): string | null;
  service?: ConsoleService;
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function loadAsset(file: string, type: string): Asset {
  const body = fs.readFileSync(file);
  return { body, type, etag: `"${crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}"` };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function mountConsole(router: Router, deps: ConsoleRouteDeps): void {
  const service = deps.service ?? new ConsoleService();
  const here = path.join(__dirname, 'console');
  const assets: Record<string, Asset> = {
    'console.js': loadAsset(path.join(here, 'console.js'), 'application/javascript; charset=utf-8'),
    'console.css': loadAsset(path.join(here, 'console.css'), 'text/css; charset=utf-8'),
    'echarts.min.js': loadAsset(require.resolve('echarts/dist/echarts.min.js'), 'application/javascript; charset=utf-8'),
  };
  const version = (name: string) => assets[name].etag.slice(1, 9);
  const template = fs.readFileSync(path.join(here, 'page.html'), 'utf8');
  const uiTexts = JSON.stringify(Object.fromEntries(Object.entries(zhCN).filter(([k]) => k.startsWith('console.ui.')))).replace(/</g, '\\u003c');
  /** A request of the page is its own unit of work (a fresh key: a browser's request is not redelivered). */
  const once = async <T>(work: (tx: Tx<BotRepos>) => Promise<T>): Promise<T> => {
    const outcome = await deps.uow.runOnce(`console-${crypto.randomUUID()}`, work);
    if (!outcome.ran) throw new Error('a fresh unit-of-work key was already handled');
    return outcome.result;
  };
  const secure = () => (deps.baseUrl() ?? '').startsWith('https:');

  const headers = async (ctx: Context, next: Next) => {
    ctx.set('content-security-policy', csp());
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('x-frame-options', 'DENY');
    await next();
  };
  const page = (ctx: Context, status: number, key: TextKey, params: Record<string, string> = {}) => {
    ctx.status = status;
    ctx.set('cache-control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(t('console.title'))}</title><link rel="stylesheet" href="/console/assets/console.css?v=${version('console.css')}"></head><body><main class="notice"><p>${escapeHtml(t(key, params))}</p></main></body></html>`;
  };
  const signedIn = (ctx: Context): Promise<SignedIn | null> => deps.uow.read((repos) => service.signedIn(repos, ctx.cookies.get(CONSOLE_COOKIE), deps.clock.now()));
  const api = (handler: (ctx: Context, who: SignedIn) => Promise<void>) => async (ctx: Context) => {
    ctx.set('cache-control', 'no-store');
    const who = await signedIn(ctx);
    if (!who) {
      ctx.status = 401;
      ctx.body = { error: t('console.signedOut') };
      return;
    }
    await handler(ctx, who);
  };
  /** A change needs the session's CSRF token in a header, and a same-origin request. */
  const guarded = (handler: (ctx: Context, who: SignedIn) => Promise<void>) =>
    api(async (ctx, who) => {
      const given = Buffer.from(ctx.get('x-csrf-token'));
      const expected = Buffer.from(who.session.csrf);
      const origin = ctx.get('origin');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected) || (origin && origin !== ctx.origin)) {
        ctx.status = 403;
        ctx.body = { error: t('console.badRequest') };
        return;
      }
      await handler(ctx, who);
    });

  router.use('/console', headers);

  router.get('/console/login/:token', async (ctx) => {
    const token = String(ctx.params.token);
    if (!FILE_TOKEN.test(token)) return page(ctx, 404, 'console.login.unknown');
    const outcome = await deps.uow.runOnce(`console-login-${token}`, (tx) => service.login(tx, token));
    if (!outcome.ran) return page(ctx, 410, 'console.login.used');
    const result = outcome.result;
    if (!result.ok) {
      const key = ({ unknown: 'console.login.unknown', expired: 'console.login.expired', used: 'console.login.used', not_allowed: 'console.login.notAllowed' } as const)[result.reason];
      return page(ctx, result.reason === 'unknown' ? 404 : result.reason === 'not_allowed' ? 403 : 410, key, { minutes: String(LOGIN_LINK_MINUTES) });
    }
    ctx.cookies.set(CONSOLE_COOKIE, result.cookie, { httpOnly: true, sameSite: 'strict', secure: secure(), path: '/console', expires: result.session.expiresAt, overwrite: true });
    deps.logger.info({ memberId: result.session.memberId }, 'console session opened');
    // A page of our own, not a redirect: a SameSite=Strict cookie is not sent on a redirect that a
    // link in the chat app started, but is on the navigation this page makes.
    ctx.set('cache-control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/console"><title>${escapeHtml(t('console.title'))}</title></head><body><p><a href="/console">${escapeHtml(t('console.title'))}</a></p></body></html>`;
  });

  router.get('/console', async (ctx) => {
    const who = await signedIn(ctx);
    if (!who) return page(ctx, 401, 'console.signedOut');
    const tiles = await deps.uow.read((repos) => consoleTiles(repos.settings));
    if (tiles) ctx.set('content-security-policy', csp(tiles.origin));
    ctx.set('cache-control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = template
      .replaceAll('{{title}}', escapeHtml(t('console.title')))
      .replaceAll('{{member}}', escapeHtml(who.member.name))
      .replaceAll('{{csrf}}', escapeHtml(who.session.csrf))
      .replaceAll('{{texts}}', uiTexts)
      .replaceAll('{{v.css}}', version('console.css'))
      .replaceAll('{{v.js}}', version('console.js'))
      .replaceAll('{{v.echarts}}', version('echarts.min.js'));
  });

  router.get('/console/assets/:name', (ctx) => {
    const name = String(ctx.params.name);
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!asset) {
      ctx.status = 404;
      ctx.body = '';
      return;
    }
    ctx.set('etag', asset.etag);
    // Addresses carry the content's hash (?v=), so a browser may keep them for a year.
    ctx.set('cache-control', 'public, max-age=31536000, immutable');
    if (ctx.get('if-none-match') === asset.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = asset.type;
    ctx.body = asset.body;
  });

  router.get(
    '/console/api/overview',
    api(async (ctx, who) => {
      ctx.body = await deps.uow.readReplica((repos, calendar) => service.overview(repos, calendar, who, deps.clock.now()));
    }),
  );
  router.get(
    '/console/api/map',
    api(async (ctx, who) => {
      ctx.body = await deps.uow.readReplica((repos, calendar) => service.map(repos, calendar, who, deps.clock.now()));
    }),
  );
  router.get(
    '/console/api/queues',
    api(async (ctx, who) => {
      ctx.body = await deps.uow.readReplica((repos) => service.queues(repos, who, deps.clock.now()));
    }),
  );
  router.get(
    '/console/api/items/:number',
    api(async (ctx, who) => {
      const number = String(ctx.params.number);
      const item = NUMBER.test(number) ? await once((tx) => service.item(tx.repos, who, number, tx.now)) : null;
      if (!item) {
        ctx.status = 404;
        ctx.body = { error: t('console.notFound') };
        return;
      }
      ctx.body = item;
    }),
  );
  router.post(
    '/console/api/downloads/:kind',
    guarded(async (ctx, who) => {
      const link = await once((tx) => service.download(tx, who, String(ctx.params.kind), tx.calendar.timeZone));
      if (!link) {
        ctx.status = 400;
        ctx.body = { error: t('console.badRequest') };
        return;
      }
      const name = t('ledger.fileName', { kind: t(`ledger.kind.${link.kind}`), unit: link.unit.name, period: link.periodKey });
      ctx.body = { url: fileLinkUrl(deps.baseUrl(), link.token, name) };
    }),
  );
  router.post(
    '/console/logout',
    guarded(async (ctx) => {
      await once((tx) => tx.repos.console.endSession(sessionHashOf(ctx), tx.now));
      ctx.cookies.set(CONSOLE_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: secure(), path: '/console', expires: new Date(0) });
      ctx.body = { ok: true };
    }),
  );
}

function sessionHashOf(ctx: Context): string {
  return crypto.createHash('sha256').update(ctx.cookies.get(CONSOLE_COOKIE) ?? '').digest('hex');
}
