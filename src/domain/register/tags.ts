/**
 * The tag vocabulary (special groups, 重点单位 types) and the visit cadence each asks for. The
 * county changes it; these are the defaults a new deployment starts with.
 */

export type TagTarget = 'resident' | 'place';

export interface RegisterTag {
  name: string;
  target: TagTarget;
  /** Days between visits a household/place with this tag should get; null: no cadence. */
  cadenceDays: number | null;
}

export const DEFAULT_TAGS: RegisterTag[] = [
  { name: '独居老人', target: 'resident', cadenceDays: 7 },
  { name: '空巢老人', target: 'resident', cadenceDays: 14 },
  { name: '残疾人', target: 'resident', cadenceDays: 30 },
  { name: '低保户', target: 'resident', cadenceDays: 30 },
  { name: '特困人员', target: 'resident', cadenceDays: 30 },
  { name: '留守儿童', target: 'resident', cadenceDays: 14 },
  { name: '流动人口', target: 'resident', cadenceDays: 30 },
  { name: '重点关注人员', target: 'resident', cadenceDays: 7 },
  { name: '社区矫正对象', target: 'resident', cadenceDays: 7 },
  { name: '九小场所', target: 'place', cadenceDays: 30 },
  { name: '出租房', target: 'place', cadenceDays: 30 },
  { name: '重点单位', target: 'place', cadenceDays: 14 },
  { name: '店铺', target: 'place', cadenceDays: null },
  { name: '企业', target: 'place', cadenceDays: null },
];

export const MAX_CADENCE_DAYS = 366;

export function isValidTagName(name: string): boolean {
  return /^[\p{Script=Han}A-Za-z0-9（）()]{2,12}$/u.test(name);
}

/** The shortest cadence among `tags` in the vocabulary; null when none asks for visits. */
export function cadenceOf(tags: readonly string[], vocabulary: readonly RegisterTag[]): number | null {
  let best: number | null = null;
  for (const tag of tags) {
    const cadence = vocabulary.find((v) => v.name === tag)?.cadenceDays ?? null;
    if (cadence !== null && (best === null || cadence < best)) best = cadence;
  }
  return best;
}

const DAY_MS = 86_400_000;

/**
 * When the next visit is due: `cadenceDays` after the last one, or, never visited, after it was
 * registered (a new household is not overdue on its first day).
 */
export function visitDueAt(lastVisitAt: Date | null, registeredAt: Date, cadenceDays: number): Date {
  return new Date((lastVisitAt ?? registeredAt).getTime() + cadenceDays * DAY_MS);
}

export function isVisitOverdue(lastVisitAt: Date | null, registeredAt: Date, cadenceDays: number | null, now: Date): boolean {
  return cadenceDays !== null && visitDueAt(lastVisitAt, registeredAt, cadenceDays).getTime() <= now.getTime();
}

/** Splits 「独居老人,低保户」「独居老人、低保户」 into names. */
export function splitTags(raw: string): string[] {
  return [...new Set(raw.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean))];
}

export interface VisitStanding {
  registeredAt: Date;
  /** Last visit at or before the moment judged. */
  lastVisitAt: Date | null;
  cadenceDays: number | null;
}

/**
 * 走访覆盖率 as of `asOf`: of the households whose tags ask for visits (registered by then), those
 * visited within their cadence. Tags are judged as they are now (the register keeps no tag history).
 */
export function visitCoverage(households: readonly VisitStanding[], asOf: Date): { done: number; of: number } {
  const due = households.filter((h) => h.cadenceDays !== null && h.registeredAt.getTime() <= asOf.getTime());
  return { done: due.filter((h) => !isVisitOverdue(h.lastVisitAt, h.registeredAt, h.cadenceDays, asOf)).length, of: due.length };
}
