import { containsPoint, parseBoundary, parseCoordinates } from './boundary';

const square = JSON.stringify({
  type: 'Feature',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [[120.1, 30.2], [120.2, 30.2], [120.2, 30.3], [120.1, 30.3], [120.1, 30.2]],
      [[120.14, 30.24], [120.16, 30.24], [120.16, 30.26], [120.14, 30.26], [120.14, 30.24]],
    ],
  },
});

describe('grid boundary', () => {
  const parsed = parseBoundary(square);
  if (!parsed.ok) throw new Error('square did not parse');

  it('puts a point inside the outer ring and outside the hole inside', () => {
    expect(containsPoint(parsed.boundary, { latitude: 30.21, longitude: 120.11 })).toBe(true);
    expect(containsPoint(parsed.boundary, { latitude: 30.2, longitude: 120.15 })).toBe(true); // on the edge
  });

  it('puts a point in the hole or beyond the ring outside', () => {
    expect(containsPoint(parsed.boundary, { latitude: 30.25, longitude: 120.15 })).toBe(false);
    expect(containsPoint(parsed.boundary, { latitude: 30.35, longitude: 120.15 })).toBe(false);
  });

  it('refuses what is not a polygon', () => {
    expect(parseBoundary('{"type":"Point","coordinates":[1,2]}')).toEqual({ ok: false, reason: 'not_polygon' });
    expect(parseBoundary('nope')).toEqual({ ok: false, reason: 'not_json' });
    expect(parseBoundary('{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}')).toEqual({ ok: false, reason: 'bad_ring' });
  });

  it('reads coordinates typed as text, latitude first', () => {
    expect(parseCoordinates('30.25, 120.15')).toEqual({ latitude: 30.25, longitude: 120.15 });
    expect(parseCoordinates('幸福路12号')).toBeNull();
  });
});
