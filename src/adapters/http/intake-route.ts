/**
 * The intake's HTTP side (issue 17, DESIGN §7): `POST /api/intake/orders` (hotline orders, JSON,
 * `Authorization: Bearer <key>` or a signed request), Open311 GeoReport v2 under `/open311/v2/`
 * (`api_key` as the spec says), and `/api/openapi.json`. Every refusal is a 4xx that changes nothing:
 * the body is capped before it is read (413), parsed and checked before any write (400), the key or
 * signature checked first (401/403); a backlog past INBOUND_BACKLOG_LIMIT answers 429 with
 * Retry-After like the sandbox, storage away 503 with Retry-After (errors.ts).
 */
import crypto from 'node:crypto';
import type Koa from 'koa';
import type Router from '@koa/router';
import { MAX_ORDER_BODY_BYTES, parseOrder, type IntakeOrder } from '../../domain/intake';
import { DEFAULT_EVENT_CATALOGUE, type EventCatalogue } from '../../domain/event/categories';
import type { Clock, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import { CATALOGUE_SETTING } from '../../bot/events/commands';
import { open311Status, type IntakeClient, type IntakeOrderRecord, type IntakeService } from '../../bot/intake';
import type { ReceivedOrder } from '../../bot/intake/service';
import type { Admission } from '../../jobs/inbound-queue';
import type { Logger } from '../../log';
import { hashKey, verifySignature } from './intake-signature';
import { intakeOpenApi } from './openapi';

export interface IntakeRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
  service: IntakeService;
  admission?: Admission;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the raw body up to the cap: a declared or actual size past it is 413 before anything is parsed. */
async function rawBody(ctx: Koa.Context): Promise<string> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > MAX_ORDER_BODY_BYTES) throw new Refusal(413, 'too_large', `the body is larger than ${MAX_ORDER_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ORDER_BODY_BYTES) throw new Refusal(413, 'too_large', `the body is larger than ${MAX_ORDER_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const buffer = Buffer.concat(chunks);
  const text = buffer.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buffer)) throw new Refusal(400, 'not_utf8', 'the body is not UTF-8');
  return text;
}

const idOf = (externalId: string) => Buffer.from(externalId).toString('base64url');

export function mountIntake(router: Router, deps: IntakeRouteDeps): void {
  const { uow, service, logger } = deps;

  /** Open311's error shape `[{code, description}]`; ours `{error, description}`. */
  const refuse = (ctx: Koa.Context, r: Refusal, open311: boolean) => {
    ctx.status = r.status;
    ctx.body = open311 ? [{ code: r.status, description: `${r.code}: ${r.message}` }] : { error: r.code, description: r.message };
    logger.info({ path: ctx.path, status: r.status, reason: r.code }, 'intake request refused');
  };

  const guarded =
    (open311: boolean, handler: (ctx: Koa.Context) => Promise<void>): Koa.Middleware =>
    async (ctx) => {
      const wait = deps.admission?.retryAfterSeconds() ?? null;
      if (wait !== null) {
        deps.admission?.refused(wait);
        ctx.set('Retry-After', String(wait));
        return refuse(ctx, new Refusal(429, 'overloaded', `retry after ${wait} s`), open311);
      }
      try {
        await handler(ctx);
      } catch (err) {
        if (err instanceof Refusal) return refuse(ctx, err, open311);
        throw err;
      }
    };

  const clientByKey = async (key: string | undefined): Promise<IntakeClient | null> => {
    if (!key || key.length > 200) return null;
    const hash = hashKey(key);
    return uow.read((repos) => repos.intake.clientByKeyHash(hash));
  };

  /** A key (Bearer), or a signed request naming its client (X-Gridbot-Client); a signature present is always checked. */
  const authenticate = async (ctx: Koa.Context, body: string, openKey: string | undefined, refusedStatus: number): Promise<IntakeClient> => {
    const auth = ctx.get('authorization');
    const bearer = auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    const signature = ctx.get('x-gridbot-signature') || undefined;
    let client = await clientByKey(bearer ?? openKey);
    if (!client && !bearer && !openKey && signature) {
      const id = ctx.get('x-gridbot-client');
      client = /^\d{1,9}$/.test(id) ? await uow.read((repos) => repos.intake.client(Number(id))) : null;
      if (client?.revokedAt) client = null;
    }
    if (!client) throw new Refusal(refusedStatus, 'unauthorized', 'unknown or revoked key');
    if (signature || !(bearer ?? openKey)) {
      const check = verifySignature(client.signingSecret, { timestamp: ctx.get('x-gridbot-timestamp') || undefined, signature }, body, deps.clock.now());
      if (!check.ok) throw new Refusal(401, check.reason, 'the request signature does not verify');
    }
    return client;
  };

  const receive = async (client: IntakeClient, order: IntakeOrder, source: 'hotline' | 'open311', serviceCode: string | null): Promise<ReceivedOrder> => {
    const key = `intake-${client.id}-${idOf(order.externalId)}`;
    const outcome = await uow.runOnce(key, (tx) => service.receive(tx, client, order, source, serviceCode));
    if (outcome.ran) return outcome.result;
    // A replay (or a concurrent twin that lost the race): what the first made.
    const existing = await uow.read((repos) => repos.intake.orderByExternalId(client.id, order.externalId));
    if (!existing) throw new Error(`intake order ${key} handled but not stored`);
    const event = existing.eventId ? await uow.read((repos) => repos.events.byId(existing.eventId!)) : null;
    return { created: false, order: existing, event };
  };

  // ---- hotline push ----------------------------------------------------------------------------------

  router.post(
    '/api/intake/orders',
    guarded(false, async (ctx) => {
      const body = await rawBody(ctx);
      const client = await authenticate(ctx, body, undefined, 401);
      if (!/^application\/json\b/i.test(ctx.get('content-type'))) throw new Refusal(415, 'unsupported_media_type', 'send application/json');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new Refusal(400, 'malformed_json', 'the body is not JSON');
      }
      const parsed = parseOrder(json, deps.clock.now());
      if (!parsed.ok) throw new Refusal(400, parsed.reason, parsed.field ? `field ${parsed.field}` : parsed.reason);
      const received = await receive(client, parsed.order, 'hotline', null);
      ctx.status = received.created ? 201 : 200;
      ctx.body = hotlineView(received);
    }),
  );

  // ---- Open311 GeoReport v2 ----------------------------------------------------------------------------

  const catalogue = (): Promise<EventCatalogue> => uow.read(async (repos) => (await repos.settings.get<EventCatalogue>(CATALOGUE_SETTING)) ?? DEFAULT_EVENT_CATALOGUE);
  const open311Key = async (ctx: Koa.Context, key: unknown, body = ''): Promise<IntakeClient> => authenticate(ctx, body, typeof key === 'string' ? key : undefined, 403);

  router.get(
    '/open311/v2/services.json',
    guarded(true, async (ctx) => {
      ctx.body = (await catalogue()).map((c) => ({
        service_code: c.name,
        service_name: c.name,
        description: c.items.map((i) => i.name).join('、'),
        metadata: false,
        type: 'realtime',
        keywords: [...c.keywords].join(','),
        group: '网格事件',
      }));
    }),
  );

  router.get(
    '/open311/v2/services/:code.json',
    guarded(true, async (ctx) => {
      const code = String(ctx.params.code ?? '');
      if (!(await catalogue()).some((c) => c.name === code)) throw new Refusal(404, 'unknown_service', `no service ${code}`);
      ctx.body = { service_code: code, attributes: [] };
    }),
  );

  router.post(
    '/open311/v2/requests.json',
    guarded(true, async (ctx) => {
      const body = await rawBody(ctx);
      const form = readForm(ctx, body);
      const client = await open311Key(ctx, form.get('api_key') ?? undefined, body);
      const code = form.get('service_code') ?? '';
      const services = await catalogue();
      if (!code) throw new Refusal(400, 'missing_service_code', 'service_code is required');
      if (!services.some((c) => c.name === code)) throw new Refusal(404, 'unknown_service', `no service ${code}`);
      const idempotency = ctx.get('idempotency-key');
      if (idempotency && !/^[A-Za-z0-9._:\-]{1,64}$/.test(idempotency)) throw new Refusal(400, 'bad_idempotency_key', 'Idempotency-Key: 1–64 of A-Za-z0-9._:-');
      const name = [form.get('first_name'), form.get('last_name')].filter(Boolean).join(' ');
      const raw = {
        external_id: idempotency || contentId(form),
        category: code,
        description: form.get('description') || code,
        address: form.get('address_string') || undefined,
        lat: form.get('lat') ?? undefined,
        long: form.get('long') ?? undefined,
        contact: { name: name || undefined, phone: form.get('phone') || undefined },
      };
      const parsed = parseOrder(raw, deps.clock.now());
      if (!parsed.ok) throw new Refusal(400, parsed.reason, parsed.field ? `field ${parsed.field}` : parsed.reason);
      const received = await receive(client, parsed.order, 'open311', code);
      ctx.status = 200;
      ctx.body = [{ service_request_id: String(received.order.id), service_notice: received.event ? `事件 ${received.event.number}` : '待社区落格', account_id: null }];
    }),
  );

  router.get(
    '/open311/v2/requests.json',
    guarded(true, async (ctx) => {
      const client = await open311Key(ctx, ctx.query.api_key);
      const q = ctx.query;
      const one = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      const ids = one(q.service_request_id)?.split(',').map((s) => s.trim());
      if (ids && (ids.length > 100 || ids.some((s) => !/^\d{1,9}$/.test(s)))) throw new Refusal(400, 'bad_service_request_id', 'comma-separated numeric ids');
      const status = one(q.status);
      if (status !== undefined && status !== 'open' && status !== 'closed') throw new Refusal(400, 'bad_status', 'status is open or closed');
      const date = (name: string): Date | undefined => {
        const v = one(q[name]);
        if (v === undefined) return undefined;
        const d = new Date(v);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(d.getTime())) throw new Refusal(400, `bad_${name}`, `${name} is a W3C date-time`);
        return d;
      };
      const start = date('start_date');
      const end = date('end_date');
      const serviceCode = one(q.service_code);
      const orders = await uow.read((repos) =>
        repos.intake.ordersOf(client.id, { ...(ids ? { ids: ids.map(Number) } : {}), ...(serviceCode ? { serviceCode } : {}), ...(status ? { status } : {}), ...(start ? { start } : {}), ...(end ? { end } : {}), limit: 1000 }),
      );
      ctx.body = await requestViews(orders);
    }),
  );

  router.get(
    '/open311/v2/requests/:id.json',
    guarded(true, async (ctx) => {
      const client = await open311Key(ctx, ctx.query.api_key);
      const id = String(ctx.params.id ?? '');
      const order = /^\d{1,9}$/.test(id) ? await uow.read((repos) => repos.intake.order(Number(id))) : null;
      // Another client's order reads as missing: nothing about it is revealed.
      if (!order || order.clientId !== client.id) throw new Refusal(404, 'not_found', `no service request ${id}`);
      ctx.body = await requestViews([order]);
    }),
  );

  router.get('/api/openapi.json', (ctx) => {
    ctx.body = intakeOpenApi;
  });

  const requestViews = async (orders: IntakeOrderRecord[]) =>
    uow.read(async (repos) => {
      const out = [];
      for (const o of orders) {
        const event = o.eventId ? await repos.events.byId(o.eventId) : null;
        out.push({
          service_request_id: String(o.id),
          status: open311Status(o.status),
          status_notes: event?.result ?? null,
          service_name: o.serviceCode ?? o.category,
          service_code: o.serviceCode ?? o.category,
          description: o.description,
          agency_responsible: event ? ((await repos.org.unit(event.handler.unitId))?.name ?? null) : null,
          service_notice: event ? `事件 ${event.number}` : '待社区落格',
          requested_datetime: o.createdAt.toISOString(),
          updated_datetime: o.updatedAt.toISOString(),
          expected_datetime: o.deadline?.toISOString() ?? null,
          address: o.address,
          address_id: null,
          zipcode: null,
          lat: o.latitude,
          long: o.longitude,
          media_url: null,
        });
      }
      return out;
    });
}

function hotlineView(r: ReceivedOrder) {
  return {
    service_request_id: String(r.order.id),
    external_id: r.order.externalId,
    status: r.order.status,
    event_number: r.event?.number ?? null,
    placement: r.order.eventId ? { kind: 'grid', by: r.order.placement } : { kind: 'inbox', reason: r.order.placement },
    replay: !r.created,
  };
}

function readForm(ctx: Koa.Context, body: string): URLSearchParams {
  const type = ctx.get('content-type');
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return new URLSearchParams(body);
  if (/^application\/json\b/i.test(type)) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Refusal(400, 'malformed_json', 'the body is not JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Refusal(400, 'not_an_object', 'the body is not a JSON object');
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string' || typeof v === 'number') form.set(k, String(v));
    return form;
  }
  throw new Refusal(415, 'unsupported_media_type', 'send application/x-www-form-urlencoded');
}

/**
 * Open311 has no external id: without an `Idempotency-Key` header the request's own content is its
 * id (every parameter but api_key, sorted), so a client library resending the same request after a
 * timeout makes one order.
 */
function contentId(form: URLSearchParams): string {
  const pairs = [...form.entries()].filter(([k]) => k !== 'api_key').sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));
  return 'o311-' + crypto.createHash('sha256').update(JSON.stringify(pairs)).digest('hex').slice(0, 40);
}
