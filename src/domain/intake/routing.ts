/**
 * Where an order from outside lands: the grid whose boundary holds its coordinates; else the grid
 * whose known address words (road, compound, building names) appear in its address; else the
 * community inbox of the client's area, for a person to place it. Never a guess between two grids.
 */
import { containsPoint, type Boundary, type GeoPoint } from '../attendance/boundary';

export interface RoutableGrid {
  unitId: number;
  /** The grid's community (its parent), whose inbox takes what cannot be placed inside it. */
  communityUnitId: number;
  boundary: Boundary | null;
  /** Address words that belong to this grid only (e.g. `幸福路`, `阳光小区`). */
  addressWords: readonly string[];
}

export type Placement =
  | { kind: 'grid'; unitId: number; by: 'coordinates' | 'address' }
  | { kind: 'inbox'; unitId: number; reason: 'outside_every_boundary' | 'address_unknown' | 'address_ambiguous' };

function normalise(text: string): string {
  return text.replace(/[\s，,。.、]/g, '');
}

export function placeOrder(order: { point: GeoPoint | null; address: string | null }, grids: readonly RoutableGrid[], inboxUnitId: number): Placement {
  if (order.point) {
    const point = order.point;
    const inside = grids.filter((g) => g.boundary && containsPoint(g.boundary, point));
    // Two boundaries that overlap at a point: the one drawn tighter is no more right than the other.
    if (inside.length === 1) return { kind: 'grid', unitId: inside[0]!.unitId, by: 'coordinates' };
    if (inside.length > 1) return { kind: 'inbox', unitId: inboxUnitId, reason: 'address_ambiguous' };
    if (!order.address) return { kind: 'inbox', unitId: inboxUnitId, reason: 'outside_every_boundary' };
  }
  const address = normalise(order.address ?? '');
  if (!address) return { kind: 'inbox', unitId: inboxUnitId, reason: 'address_unknown' };
  // The longest matching word decides (`幸福路12号` beats `幸福路`); a tie between grids is ambiguous.
  let best = 0;
  let matched = new Set<number>();
  for (const grid of grids) {
    for (const word of grid.addressWords) {
      const w = normalise(word);
      if (!w || !address.includes(w)) continue;
      if (w.length > best) {
        best = w.length;
        matched = new Set([grid.unitId]);
      } else if (w.length === best) matched.add(grid.unitId);
    }
  }
  if (matched.size === 1) return { kind: 'grid', unitId: [...matched][0]!, by: 'address' };
  return { kind: 'inbox', unitId: inboxUnitId, reason: matched.size > 1 ? 'address_ambiguous' : 'address_unknown' };
}
