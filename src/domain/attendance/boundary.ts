/**
 * Grid boundaries (网格边界): a GeoJSON Polygon or MultiPolygon set by an admin, and whether a
 * check-in location lies inside it. Coordinates follow GeoJSON: [longitude, latitude].
 */

export type Ring = ReadonlyArray<readonly [number, number]>;
/** Outer ring first, then holes. */
export type PolygonRings = readonly Ring[];

export interface Boundary {
  polygons: readonly PolygonRings[];
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export type BoundaryParse = { ok: true; boundary: Boundary } | { ok: false; reason: 'not_json' | 'not_polygon' | 'bad_ring' };

const MAX_POINTS = 5000;

function isPosition(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length >= 2 && p.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n)) && Math.abs(p[0] as number) <= 180 && Math.abs(p[1] as number) <= 90;
}

function toRings(raw: unknown): PolygonRings | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const rings: Ring[] = [];
  for (const ring of raw) {
    if (!Array.isArray(ring) || ring.length < 4 || ring.length > MAX_POINTS || !ring.every(isPosition)) return null;
    rings.push(ring.map((p: [number, number]) => [p[0], p[1]] as const));
  }
  return rings;
}

/** Reads a GeoJSON Polygon / MultiPolygon, or a Feature or FeatureCollection holding one. */
export function parseBoundary(text: string): BoundaryParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const geometry = geometryOf(json);
  if (!geometry) return { ok: false, reason: 'not_polygon' };
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return { ok: false, reason: 'bad_ring' };
  const parsed: PolygonRings[] = [];
  for (const p of polygons) {
    const rings = toRings(p);
    if (!rings) return { ok: false, reason: 'bad_ring' };
    parsed.push(rings);
  }
  return { ok: true, boundary: { polygons: parsed } };
}

interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown[];
}

function geometryOf(json: unknown): Geometry | null {
  if (typeof json !== 'object' || json === null) return null;
  const o = json as { type?: unknown; geometry?: unknown; features?: unknown; coordinates?: unknown };
  if ((o.type === 'Polygon' || o.type === 'MultiPolygon') && Array.isArray(o.coordinates)) return { type: o.type, coordinates: o.coordinates };
  if (o.type === 'Feature') return geometryOf(o.geometry);
  if (o.type === 'FeatureCollection' && Array.isArray(o.features) && o.features.length === 1) return geometryOf(o.features[0]);
  return null;
}

/** Even-odd ray casting; a point on an edge counts as inside (a gridworker on the boundary street). */
function inRing(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (onSegment(xi, yi, xj, yj, x, y)) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function onSegment(x1: number, y1: number, x2: number, y2: number, x: number, y: number): boolean {
  const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
  if (Math.abs(cross) > 1e-12) return false;
  return x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2);
}

/** Inside the outer ring of some polygon and outside its holes. */
export function containsPoint(boundary: Boundary, point: GeoPoint): boolean {
  const { longitude: x, latitude: y } = point;
  return boundary.polygons.some(([outer, ...holes]) => inRing(outer, x, y) && !holes.some((h) => inRing(h, x, y)));
}

/** A location typed as text: `30.2741,120.1551` (latitude, longitude), or null when it is a place name. */
export function parseCoordinates(text: string): GeoPoint | null {
  const m = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return null;
  const latitude = Number(m[1]);
  const longitude = Number(m[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { latitude, longitude };
}
