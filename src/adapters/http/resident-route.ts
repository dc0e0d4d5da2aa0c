/**
 * The residents' pages behind a grid's QR card (DESIGN §7): `/r/:gridCode` the report form,
 * `/r/t/:token` a resident's private tracking page (and its rating), `/r/photo/:id` an uploaded
 * photo, `/public/:unitCode` the public monthly account of a grid or community.
 *
 * No login. A device is an HttpOnly cookie (`gridbot_device`, 128 random bits, path /r); abuse is
 * held off before anything is read or stored: the Redis limits per device and per address
 * (resident-limits.ts), a body cap, photo type by magic bytes, and the device a gridworker
 * silenced (无效/骚扰). Pages carry a strict CSP (no inline script, nothing from elsewhere) and
 * no-referrer, so a tracking link never leaks to another site.
 */
import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Logger } from '../../log';
import type { Clock, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import { t } from '../../bot/texts';
import { DEVICE_KEY, newDeviceKey, PHOTO_ID, TRACKING_TOKEN, type ResidentSubmission, type ResidentWebService, type SubmitRefusal } from '../../bot/resident-web';
import { parsePeriod, periodContaining, previousPeriod } from '../../domain/assessment/period';
import { MAX_DESCRIPTION_CHARS, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_PLACE_CHARS, MAX_REQUEST_BYTES, sniffPhotoType } from '../../domain/resident';
import type { EventRating } from '../../domain/event/event';
import { isOutage } from '../../jobs/retry';
import { BadFormError, BodyTooLargeError, field, parseForm, readBody } from './multipart';
import type { ResidentLimits, LimitVerdict } from './resident-limits';
import { LOCATE_JS, messagePage, publicPage, reportPage, RESIDENT_CSS, trackingPage, type FormValues, type PageAssets } from './resident-pages';

export const DEVICE_COOKIE = 'gridbot_device';
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const RATINGS: readonly EventRating[] = ['satisfied', 'basically_satisfied', 'unsatisfied'];

export interface ResidentRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
  service: ResidentWebService;
  limits: ResidentLimits;
  baseUrl(): string | null;
}

const version = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 8);

export function mountResidents(router: Router, deps: ResidentRouteDeps): void {
  const assets: PageAssets = { css: `/r/assets/resident.css?v=${version(RESIDENT_CSS)}`, js: `/r/assets/locate.js?v=${version(LOCATE_JS)}` };
  const secure = () => (deps.baseUrl() ?? '').startsWith('https:');
  const zone = () => deps.uow.read(async (_repos, calendar) => calendar.timeZone);

  const html = (ctx: Context, status: number, body: string) => {
    ctx.status = status;
    ctx.set('cache-control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = body;
  };
  const message = (ctx: Context, status: number, text: string, back?: string) => html(ctx, status, messagePage(text, [{ text, cls: status >= 400 ? 'error' : 'ok' }], assets, back));
  const refuseLimit = (ctx: Context, verdict: Exclude<LimitVerdict, { ok: true }>, key: 'resident.err.deviceLimit' | 'resident.err.addressLimit' | 'resident.err.requestLimit') => {
    ctx.set('retry-after', String(verdict.retryAfterSeconds));
    message(ctx, 429, t(key, { minutes: String(Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60))) }));
  };

  /** Headers on every page; storage that is away reads as a busy page, never a 5xx body of JSON. */
  const guard = async (ctx: Context, next: Next) => {
    ctx.set('content-security-policy', CSP);
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('x-frame-options', 'DENY');
    try {
      await next();
    } catch (err) {
      if (!isOutage(err)) throw err;
      deps.logger.warn({ err, path: ctx.path }, 'residents page: storage unreachable');
      ctx.set('retry-after', '5');
      message(ctx, 503, t('resident.err.busy'));
    }
  };
  /** Page views, photos and ratings: one allowance per address a minute. */
  const viewLimit = async (ctx: Context, next: Next) => {
    const verdict = await deps.limits.request(ctx.ip);
    if (!verdict.ok) return refuseLimit(ctx, verdict, 'resident.err.requestLimit');
    await next();
  };
  const deviceOf = (ctx: Context): string => {
    const known = ctx.cookies.get(DEVICE_COOKIE);
    if (known && DEVICE_KEY.test(known)) return known;
    const fresh = newDeviceKey();
    ctx.cookies.set(DEVICE_COOKIE, fresh, { httpOnly: true, sameSite: 'lax', secure: secure(), path: '/r', maxAge: 365 * 86_400_000, overwrite: true });
    return fresh;
  };
  const gridworkersOf = (gridId: number) => deps.uow.read(async (repos) => (await repos.org.membersWithRole(gridId, 'gridworker')).map((m) => m.name));

  router.use('/r', guard);
  router.use('/public', guard);

  router.get('/r/assets/:name', (ctx) => {
    const name = String(ctx.params.name);
    const [type, body] = name === 'resident.css' ? ['text/css; charset=utf-8', RESIDENT_CSS] : name === 'locate.js' ? ['application/javascript; charset=utf-8', LOCATE_JS] : [null, null];
    if (!type) return message(ctx, 404, t('resident.page.unknownGrid'));
    ctx.set('cache-control', 'public, max-age=31536000, immutable');
    ctx.type = type;
    ctx.body = body;
  });

  router.get('/r/photo/:id', viewLimit, async (ctx) => {
    const id = String(ctx.params.id);
    const photo = PHOTO_ID.test(id) ? await deps.uow.read((repos) => repos.residentWeb.photo(id)) : null;
    if (!photo) return message(ctx, 404, t('resident.track.unknown'));
    ctx.set('cache-control', 'private, max-age=86400');
    ctx.set('content-security-policy', "default-src 'none'; sandbox");
    ctx.type = photo.mimeType;
    ctx.body = photo.bytes;
  });

  router.get('/r/t/:token', viewLimit, async (ctx) => {
    const token = String(ctx.params.token);
    const view = TRACKING_TOKEN.test(token) ? await deps.uow.read((repos) => deps.service.track(repos, token)) : null;
    if (!view) return message(ctx, 404, t('resident.track.unknown'));
    const flashKey = typeof ctx.query.rated === 'string' ? 'resident.track.rateDone' : null;
    html(ctx, 200, trackingPage({ view, token, zone: await zone(), assets, fresh: ctx.query.new === '1', link: trackingUrl(deps.baseUrl(), ctx, token), ...(flashKey ? { flash: { text: t(flashKey), cls: 'ok' } } : {}) }));
  });

  router.post('/r/t/:token/rate', viewLimit, async (ctx) => {
    const token = String(ctx.params.token);
    if (!TRACKING_TOKEN.test(token)) return message(ctx, 404, t('resident.track.unknown'));
    let parts;
    try {
      parts = parseForm(ctx.get('content-type'), await readBody(ctx.req, 16 * 1024));
    } catch (err) {
      if (err instanceof BodyTooLargeError || err instanceof BadFormError) return message(ctx, 400, t('resident.err.badForm'), `/r/t/${token}`);
      throw err;
    }
    const rating = field(parts, 'rating') as EventRating;
    if (!RATINGS.includes(rating)) return message(ctx, 400, t('resident.err.badForm'), `/r/t/${token}`);
    const outcome = await deps.uow.runOnce(`resident-rate-${crypto.randomUUID()}`, (tx) => deps.service.rate(tx, token, rating, field(parts, 'reason')));
    const result = outcome.ran ? outcome.result : ({ ok: false, reason: 'unknown' } as const);
    if (!result.ok) {
      const key = ({ unknown: 'resident.track.unknown', not_closed: 'resident.track.notClosed', reason_required: 'resident.track.reasonRequired' } as const)[result.reason];
      return message(ctx, result.reason === 'unknown' ? 404 : 409, t(key), `/r/t/${token}`);
    }
    ctx.status = 303;
    ctx.redirect(`/r/t/${token}?rated=1`);
  });

  router.get('/r/:gridCode', viewLimit, async (ctx) => {
    const grid = await deps.uow.read((repos) => deps.service.gridOf(repos, String(ctx.params.gridCode)));
    if (!grid) return message(ctx, 404, t('resident.page.unknownGrid'));
    deviceOf(ctx);
    html(ctx, 200, reportPage({ grid, gridworkers: await gridworkersOf(grid.id), nonce: crypto.randomBytes(16).toString('base64url'), assets }));
  });

  router.post('/r/:gridCode', async (ctx) => {
    const code = String(ctx.params.gridCode);
    const device = deviceOf(ctx);
    // The limits come first: a refused request is not read, parsed or stored.
    const verdict = await deps.limits.report(device, ctx.ip);
    if (!verdict.ok) return refuseLimit(ctx, verdict, verdict.by === 'device' ? 'resident.err.deviceLimit' : 'resident.err.addressLimit');
    const origin = ctx.get('origin');
    if (origin && origin !== 'null' && origin !== ctx.origin && origin !== new URL(deps.baseUrl() ?? ctx.origin).origin) return message(ctx, 403, t('resident.err.badForm'));
    const grid = await deps.uow.read((repos) => deps.service.gridOf(repos, code));
    if (!grid) return message(ctx, 404, t('resident.page.unknownGrid'));
    let parts;
    try {
      parts = parseForm(ctx.get('content-type'), await readBody(ctx.req, MAX_REQUEST_BYTES));
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        ctx.set('connection', 'close');
        return message(ctx, 413, t('resident.err.tooLarge', { count: String(MAX_PHOTOS), mb: String(MAX_PHOTO_BYTES / 1024 / 1024) }), `/r/${grid.code}`);
      }
      if (err instanceof BadFormError) return message(ctx, 400, t('resident.err.badForm'), `/r/${grid.code}`);
      throw err;
    }
    const values: FormValues = { description: field(parts, 'description'), place: field(parts, 'place'), phone: field(parts, 'phone') };
    const again = async (status: number, error: string) => html(ctx, status, reportPage({ grid, gridworkers: await gridworkersOf(grid.id), nonce: crypto.randomBytes(16).toString('base64url'), error, values, assets }));
    const files = parts.filter((p) => p.name === 'photos' && p.filename !== undefined && p.data.length > 0);
    if (files.length > MAX_PHOTOS) return again(400, t('resident.err.tooManyPhotos', { count: String(MAX_PHOTOS) }));
    const photos: ResidentSubmission['photos'] = [];
    for (const f of files) {
      if (f.data.length > MAX_PHOTO_BYTES) return again(413, t('resident.err.photoTooLarge', { mb: String(MAX_PHOTO_BYTES / 1024 / 1024) }));
      const type = sniffPhotoType(f.data);
      if (!type) return again(415, t('resident.err.photoType'));
      photos.push({ mimeType: type, bytes: Buffer.from(f.data) });
    }
    const coordinate = (name: string, limit: number) => {
      const n = Number(field(parts, name));
      return field(parts, name) !== '' && Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
    };
    const submission: ResidentSubmission = { gridCode: grid.code, deviceKey: device, ...values, latitude: coordinate('lat', 90), longitude: coordinate('lng', 180), photos };
    // One report per form shown: a double tap (or a resend) of the same form is the same report.
    // A refused form is shown again with a fresh nonce, so the corrected one is a new attempt.
    const nonce = field(parts, 'nonce');
    const key = `resident-report-${crypto.createHash('sha256').update(`${device}\u0000${NONCE.test(nonce) ? nonce : crypto.randomUUID()}`).digest('hex').slice(0, 40)}`;
    const outcome = await retryDeadlock(() => deps.uow.runOnce(key, (tx) => deps.service.submit(tx, submission)));
    if (!outcome.ran) return message(ctx, 409, t('resident.err.badForm'), `/r/${grid.code}`);
    const result = outcome.result;
    if (!result.ok) {
      const status = result.reason === 'silenced' ? 403 : result.reason === 'unknown_grid' ? 404 : 400;
      return again(status, refusalText(result.reason));
    }
    deps.logger.info({ grid: grid.code, number: result.number, photos: photos.length }, 'resident report received');
    ctx.status = 303;
    ctx.redirect(`/r/t/${result.token}?new=1`);
  });

  router.get('/public/:unitCode', async (ctx) => {
    const verdict = await deps.limits.request(ctx.ip);
    if (!verdict.ok) return refuseLimit(ctx, verdict, 'resident.err.requestLimit');
    const code = String(ctx.params.unitCode);
    const tz = await zone();
    const now = deps.clock.now();
    const asked = typeof ctx.query.period === 'string' ? parsePeriod(ctx.query.period, now, tz) : null;
    const period = asked && asked.kind === 'month' ? asked : previousPeriod(periodContaining('month', now, tz), tz);
    const found = await deps.uow.read(async (repos) => {
      const unit = /^[A-Za-z0-9-]{2,32}$/.test(code) ? await repos.org.unitByCode(code) : null;
      if (!unit || (unit.level !== 'grid' && unit.level !== 'community')) return null;
      return { unit, account: await deps.service.publicAccount(repos, unit, period, now) };
    });
    if (!found) return message(ctx, 404, t('public.unknownUnit'));
    ctx.set('cache-control', 'public, max-age=300');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = publicPage({ ...found, period, zone: tz, assets });
  });
}

/**
 * Reports arriving together (a new device's double tap, a crowd at one grid) may deadlock on
 * MariaDB; the database rolled the loser back whole, so it is simply run again, as the server's
 * message says ("try restarting transaction"), a few times with a short random pause.
 */
async function retryDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const code = (err as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (err as { code?: unknown }).code;
      if (attempt >= 4 || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
    }
  }
}

function refusalText(reason: SubmitRefusal): string {
  switch (reason) {
    case 'description_too_long':
      return t('resident.err.description_too_long', { max: String(MAX_DESCRIPTION_CHARS) });
    case 'place_too_long':
      return t('resident.err.place_too_long', { max: String(MAX_PLACE_CHARS) });
    default:
      return t(`resident.err.${reason}`);
  }
}

function trackingUrl(baseUrl: string | null, ctx: Context, token: string): string {
  return `${(baseUrl ?? ctx.origin).replace(/\/$/, '')}/r/t/${token}`;
}
