/** Ranking (排名) of scored subjects and the period-on-period trend. */

export interface Ranked<T> {
  item: T;
  total: number;
  /** Competition ranking: equal totals share a rank, the next rank skips (1, 2, 2, 4). */
  rank: number;
}

/** Highest total first; equal totals keep the order of `tieBreak` (e.g. grid code). */
export function rank<T>(items: readonly T[], total: (item: T) => number, tieBreak: (a: T, b: T) => number): Ranked<T>[] {
  const sorted = [...items].sort((a, b) => total(b) - total(a) || tieBreak(a, b));
  const out: Ranked<T>[] = [];
  sorted.forEach((item, i) => {
    const t = total(item);
    const rankNo = i > 0 && out[i - 1].total === t ? out[i - 1].rank : i + 1;
    out.push({ item, total: t, rank: rankNo });
  });
  return out;
}

/** Change since the previous period, one decimal; null when there is nothing to compare with. */
export function trend(current: number, previous: number | null): number | null {
  return previous === null ? null : Math.round((current - previous) * 10) / 10;
}

/** The top and bottom `n` of a ranking, without overlap when the list is short. */
export function topAndBottom<T>(ranked: readonly Ranked<T>[], n: number): { top: Ranked<T>[]; bottom: Ranked<T>[] } {
  const top = ranked.slice(0, n);
  const bottom = ranked.slice(Math.max(n, ranked.length - n)).reverse();
  return { top, bottom };
}
