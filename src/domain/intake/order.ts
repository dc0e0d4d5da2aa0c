/**
 * A work order pushed from outside (12345 hotline, other platforms) through `POST /api/intake/orders`:
 * what a client may send, read into a value or refused with a stable code. Nothing here trusts the
 * client: sizes are bounded, types checked, the deadline must be a real instant in the future.
 */
import type { GeoPoint } from '../attendance/boundary';

/** The largest request body the intake accepts (bytes); larger is refused with 413 before parsing. */
export const MAX_ORDER_BODY_BYTES = 64 * 1024;

export interface IntakeOrder {
  /** The client's own id for the order; with the client it makes the idempotency key. */
  externalId: string;
  category: string;
  description: string;
  address: string | null;
  point: GeoPoint | null;
  contact: { name: string | null; phone: string | null };
  /** The order's own deadline: it drives the reminders of the event it becomes. */
  deadline: Date | null;
}

export type OrderRefusal =
  | 'not_an_object'
  | 'missing_external_id'
  | 'bad_external_id'
  | 'missing_category'
  | 'missing_description'
  | 'text_too_long'
  | 'bad_coordinates'
  | 'bad_deadline'
  | 'deadline_in_past'
  | 'no_place';

export type OrderParse = { ok: true; order: IntakeOrder } | { ok: false; reason: OrderRefusal; field?: string };

const EXTERNAL_ID = /^[A-Za-z0-9._:\-]{1,64}$/;
const LIMITS = { category: 64, description: 2000, address: 200, name: 64, phone: 32 } as const;

function text(raw: unknown, max: number): { ok: true; value: string | null } | { ok: false } {
  if (raw === undefined || raw === null) return { ok: true, value: null };
  if (typeof raw !== 'string') return { ok: false };
  const value = raw.trim();
  if (value.length > max) return { ok: false };
  return { ok: true, value: value.length ? value : null };
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function readPoint(lat: unknown, long: unknown): GeoPoint | null | 'bad' {
  if (lat === undefined && long === undefined) return null;
  const latitude = typeof lat === 'string' ? Number(lat) : lat;
  const longitude = typeof long === 'string' ? Number(long) : long;
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return 'bad';
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return 'bad';
  return { latitude, longitude };
}

/** Reads the JSON body of a hotline push. Own fields only: inherited keys (`__proto__`) are never read. */
export function parseOrder(raw: unknown, now: Date): OrderParse {
  if (!isRecord(raw)) return { ok: false, reason: 'not_an_object' };
  const own = (k: string): unknown => (Object.prototype.hasOwnProperty.call(raw, k) ? raw[k] : undefined);
  const externalId = own('external_id');
  if (externalId === undefined || externalId === null || externalId === '') return { ok: false, reason: 'missing_external_id', field: 'external_id' };
  if (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId)) return { ok: false, reason: 'bad_external_id', field: 'external_id' };

  const fields: Record<keyof typeof LIMITS, string | null> = { category: null, description: null, address: null, name: null, phone: null };
  const contact = own('contact');
  const sources: Record<keyof typeof LIMITS, unknown> = {
    category: own('category'),
    description: own('description'),
    address: own('address'),
    name: isRecord(contact) && Object.prototype.hasOwnProperty.call(contact, 'name') ? contact.name : undefined,
    phone: isRecord(contact) && Object.prototype.hasOwnProperty.call(contact, 'phone') ? contact.phone : undefined,
  };
  for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const read = text(sources[key], LIMITS[key]);
    if (!read.ok) return { ok: false, reason: 'text_too_long', field: key === 'name' || key === 'phone' ? `contact.${key}` : key };
    fields[key] = read.value;
  }
  if (!fields.category) return { ok: false, reason: 'missing_category', field: 'category' };
  if (!fields.description) return { ok: false, reason: 'missing_description', field: 'description' };

  const point = readPoint(own('lat'), own('long'));
  if (point === 'bad') return { ok: false, reason: 'bad_coordinates', field: 'lat/long' };
  if (!point && !fields.address) return { ok: false, reason: 'no_place', field: 'address' };

  let deadline: Date | null = null;
  const rawDeadline = own('deadline');
  if (rawDeadline !== undefined && rawDeadline !== null) {
    // An instant with its offset (RFC 3339): a bare local time would be read in whoever's zone.
    if (typeof rawDeadline !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(rawDeadline)) return { ok: false, reason: 'bad_deadline', field: 'deadline' };
    deadline = new Date(rawDeadline);
    if (Number.isNaN(deadline.getTime())) return { ok: false, reason: 'bad_deadline', field: 'deadline' };
    if (deadline.getTime() <= now.getTime()) return { ok: false, reason: 'deadline_in_past', field: 'deadline' };
  }

  return {
    ok: true,
    order: { externalId, category: fields.category, description: fields.description, address: fields.address, point, contact: { name: fields.name, phone: fields.phone }, deadline },
  };
}
