import { parseBoundary, type Boundary } from '../attendance/boundary';
import { placeOrder, type RoutableGrid } from './routing';

function square(x: number, y: number): Boundary {
  const r = parseBoundary(JSON.stringify({ type: 'Polygon', coordinates: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]] }));
  if (!r.ok) throw new Error('bad test boundary');
  return r.boundary;
}

const grids: RoutableGrid[] = [
  { unitId: 301, communityUnitId: 30, boundary: square(120.15, 30.27), addressWords: ['幸福路', '阳光小区'] },
  { unitId: 302, communityUnitId: 30, boundary: square(120.16, 30.27), addressWords: ['幸福路12号', '和平街'] },
  { unitId: 303, communityUnitId: 30, boundary: null, addressWords: ['和平街'] },
];

describe('placeOrder', () => {
  it('places by the boundary holding the coordinates, before the address', () => {
    expect(placeOrder({ point: { latitude: 30.275, longitude: 120.165 }, address: '阳光小区' }, grids, 30)).toEqual({ kind: 'grid', unitId: 302, by: 'coordinates' });
  });
  it('falls back to the address when the point is outside every boundary', () => {
    expect(placeOrder({ point: { latitude: 31, longitude: 121 }, address: '阳光小区3幢' }, grids, 30)).toEqual({ kind: 'grid', unitId: 301, by: 'address' });
    expect(placeOrder({ point: { latitude: 31, longitude: 121 }, address: null }, grids, 30)).toEqual({ kind: 'inbox', unitId: 30, reason: 'outside_every_boundary' });
  });
  it('lets the longest address word decide, and sends a tie or nothing known to the inbox', () => {
    expect(placeOrder({ point: null, address: '幸福路 12号 门口' }, grids, 30)).toEqual({ kind: 'grid', unitId: 302, by: 'address' });
    expect(placeOrder({ point: null, address: '和平街5号' }, grids, 30)).toEqual({ kind: 'inbox', unitId: 30, reason: 'address_ambiguous' });
    expect(placeOrder({ point: null, address: '人民大道1号' }, grids, 30)).toEqual({ kind: 'inbox', unitId: 30, reason: 'address_unknown' });
  });
});
