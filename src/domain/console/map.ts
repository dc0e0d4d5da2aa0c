/**
 * What the leaders' console draws: where an event sits on the map, and how old an open item is.
 * Pure: given the stored location text, the grid's boundary and `now`.
 */
import { parseBoundary, type GeoPoint } from '../attendance/boundary';

const COORDS = /(-?\d{1,3}\.\d+)\s*[,，]\s*(-?\d{1,3}\.\d+)/;

/** Coordinates written into an event's location (`幸福路（30.27410,120.15510）`, latitude first). */
export function pointInText(location: string | null): GeoPoint | null {
  const m = location ? COORDS.exec(location) : null;
  if (!m) return null;
  const latitude = Number(m[1]);
  const longitude = Number(m[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { latitude, longitude };
}

/** The centre of a boundary's outer rings (mean of the vertices), or null without a usable boundary. */
export function boundaryCentre(geojson: string | null): GeoPoint | null {
  if (!geojson) return null;
  const parsed = parseBoundary(geojson);
  if (!parsed.ok) return null;
  let lon = 0;
  let lat = 0;
  let n = 0;
  for (const polygon of parsed.boundary.polygons) {
    const outer = polygon[0] ?? [];
    // The closing vertex repeats the first one.
    for (const [x, y] of outer.slice(0, -1)) {
      lon += x;
      lat += y;
      n += 1;
    }
  }
  return n ? { latitude: lat / n, longitude: lon / n } : null;
}

/**
 * Where an event is drawn: its own coordinates when the report carried a location, else its grid's
 * centre (marked approximate), else nowhere.
 */
export function eventPlace(location: string | null, gridCentre: GeoPoint | null): { point: GeoPoint; approximate: boolean } | null {
  const own = pointInText(location);
  if (own) return { point: own, approximate: false };
  return gridCentre ? { point: gridCentre, approximate: true } : null;
}

/** Age buckets of the queues: under a day, 1–3 days, 3–7 days, over a week. */
export const AGE_BUCKETS = ['lt1d', '1to3d', '3to7d', 'gt7d'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export function ageBucket(since: Date, now: Date): AgeBucket {
  const days = (now.getTime() - since.getTime()) / 86_400_000;
  if (days < 1) return 'lt1d';
  if (days < 3) return '1to3d';
  if (days < 7) return '3to7d';
  return 'gt7d';
}
