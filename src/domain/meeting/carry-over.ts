/**
 * Carry-over (遗留事项) and 督办: what a meeting leaves open is reported again at the next one; an
 * item open at two meetings in a row and still open goes to the personal supervision (包案督办) of a
 * named leader, and stays on every agenda, marked, until it is solved.
 */

/** Where a tracked item comes from. */
export type ItemSource = 'event' | 'decision';

export interface Leader {
  memberId: number;
  name: string;
}

/** An item a meeting left open, as stored with that meeting. */
export interface TrackedItem {
  /** Stable across meetings: `event:SJ20261122-0007`, `task:T20261124-0003`. */
  ref: string;
  source: ItemSource;
  title: string;
  /** The grid (or community) the item belongs to. */
  unitId: number;
  /** How many meetings in a row the item has been on, the one it is stored with included. */
  appearances: number;
  /** 督办: the leader supervising it personally, once it went to supervision. */
  supervisor: Leader | null;
  supervisedSince: Date | null;
}

/** What is known of an item now; `undefined` from the lookup means it no longer exists. */
export interface ItemStatus {
  solved: boolean;
}

/** A new open item this meeting discusses for the first time. */
export interface FreshItem {
  ref: string;
  source: ItemSource;
  title: string;
  unitId: number;
}

export interface CarryOverInput {
  /** The items the previous meeting of the same kind and unit left open. */
  previous: readonly TrackedItem[];
  status(ref: string): ItemStatus | undefined;
  /** Open items first discussed now (duplicates of carried ones are ignored). */
  fresh: readonly FreshItem[];
  /** Leaders who may take an item into supervision, in order of preference. */
  leaders: readonly Leader[];
  now: Date;
}

export interface CarryOverResult {
  /** Previous items still open, reported again (appearances counted, 督办 marked). */
  carried: TrackedItem[];
  /** Those of `carried` that went to supervision at this meeting. */
  newlySupervised: TrackedItem[];
  /** Previous items solved since: they leave the agenda. */
  solved: TrackedItem[];
  /** Previous items that no longer exist (withdrawn, deleted). */
  gone: TrackedItem[];
  /** Fresh items, first appearance. */
  fresh: TrackedItem[];
  /** What this meeting leaves open if nothing changes: carried + fresh; stored with it. */
  tracked: TrackedItem[];
}

/** Open at this many meetings in a row and still open → 督办. */
export const SUPERVISION_AFTER_MEETINGS = 2;

export function carryOver(input: CarryOverInput): CarryOverResult {
  const carried: TrackedItem[] = [];
  const newlySupervised: TrackedItem[] = [];
  const solved: TrackedItem[] = [];
  const gone: TrackedItem[] = [];
  const load = new Map<number, number>();
  for (const item of input.previous) if (item.supervisor) load.set(item.supervisor.memberId, (load.get(item.supervisor.memberId) ?? 0) + 1);

  for (const item of input.previous) {
    const status = input.status(item.ref);
    if (!status) {
      gone.push(item);
      continue;
    }
    if (status.solved) {
      if (item.supervisor) load.set(item.supervisor.memberId, (load.get(item.supervisor.memberId) ?? 1) - 1);
      solved.push(item);
      continue;
    }
    const next: TrackedItem = { ...item, appearances: item.appearances + 1 };
    if (!next.supervisor && item.appearances >= SUPERVISION_AFTER_MEETINGS) {
      next.supervisor = pickLeader(input.leaders, load);
      next.supervisedSince = input.now;
      if (next.supervisor) load.set(next.supervisor.memberId, (load.get(next.supervisor.memberId) ?? 0) + 1);
      newlySupervised.push(next);
    }
    carried.push(next);
  }

  const known = new Set(input.previous.map((i) => i.ref));
  const fresh: TrackedItem[] = [];
  for (const f of input.fresh) {
    if (known.has(f.ref)) continue;
    known.add(f.ref);
    fresh.push({ ...f, appearances: 1, supervisor: null, supervisedSince: null });
  }
  return { carried, newlySupervised, solved, gone, fresh, tracked: [...carried, ...fresh] };
}

/** An item is supervised once it went to 督办, with or without a leader to name. */
export function isSupervised(item: Pick<TrackedItem, 'supervisedSince'>): boolean {
  return item.supervisedSince !== null;
}

/** The leader carrying the fewest supervised items; ties go to the earlier one in the list. */
function pickLeader(leaders: readonly Leader[], load: ReadonlyMap<number, number>): Leader | null {
  let best: Leader | null = null;
  for (const l of leaders) if (!best || (load.get(l.memberId) ?? 0) < (load.get(best.memberId) ?? 0)) best = l;
  return best;
}
