/**
 * Likely duplicates of a new report: same grid and category, similar text (character bigrams,
 * which suit Chinese without word segmentation), reported recently.
 */
import { isOpenEvent, type GridEvent } from './event';

/** What is compared; a new report need not be an event yet. */
export type DuplicateSubject = Pick<GridEvent, 'gridUnitId' | 'category' | 'description' | 'reportedAt'> & {
  location?: string | null;
};

/** An open event a new report is compared with: the fields compared, and those shown. */
export type DuplicateCandidate = DuplicateSubject & Pick<GridEvent, 'number' | 'state'>;

/** The most recent open events of the grid and category a new report is compared with. */
export const DUPLICATE_CANDIDATES = 50;

export interface DuplicateOptions {
  /** @defaultValue 7 */
  withinDays?: number;
  /** Likelihood from which an event is shown as a likely duplicate. @defaultValue 0.35 */
  threshold?: number;
  /** @defaultValue 3 */
  limit?: number;
}

/** Letters, digits and CJK only, lower-cased: punctuation and spaces say nothing about sameness. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The bigrams of texts seen lately: the open events of a grid and category are compared with every
 * new report there, so their descriptions come back again and again. Bounded; the maps are never
 * changed once made.
 */
const REMEMBERED_TEXTS = 2048;
const remembered = new Map<string, Grams>();

/** A text's bigrams with their counts, and the sum of the counts. */
interface Grams {
  counts: Map<number, number>;
  total: number;
}

/** A text's bigrams, remembered. */
function bigrams(text: string): Grams {
  let grams = remembered.get(text);
  if (grams) return grams;
  grams = gramsOfText(text);
  if (remembered.size >= REMEMBERED_TEXTS) remembered.clear();
  remembered.set(text, grams);
  return grams;
}

/**
 * Character bigrams with their counts, each pair of code points as one number (a · 0x110000 + b,
 * below 2^53): a report is compared with up to DUPLICATE_CANDIDATES events, and numbers hash and
 * compare cheaper than two-character strings. A text of one character is its own unit.
 */
function gramsOfText(text: string): Grams {
  const grams = new Map<number, number>();
  const norm = normalise(text);
  let previous = -1;
  for (let i = 0; i < norm.length; i++) {
    const code = norm.codePointAt(i)!;
    if (code > 0xffff) i++;
    if (previous >= 0) {
      const gram = previous * 0x110000 + code;
      grams.set(gram, (grams.get(gram) ?? 0) + 1);
    }
    previous = code;
  }
  if (!grams.size && previous >= 0) grams.set(previous, 1);
  let total = 0;
  for (const n of grams.values()) total += n;
  return { counts: grams, total };
}

/** Sørensen–Dice coefficient over character bigrams: 1 for the same text, 0 for nothing shared. */
export function bigramSimilarity(a: string, b: string): number {
  return dice(bigrams(a), bigrams(b));
}

function dice(left: Grams, right: Grams): number {
  const total = left.total + right.total;
  if (total === 0) return 0;
  // The shared count is symmetric: walk the smaller map.
  const [small, large] = left.counts.size <= right.counts.size ? [left.counts, right.counts] : [right.counts, left.counts];
  let shared = 0;
  for (const [gram, count] of small) shared += Math.min(count, large.get(gram) ?? 0);
  return (2 * shared) / total;
}

/**
 * 0..1: how likely `existing` is the same matter as `report`. Zero unless same grid, same
 * category and reported within `withinDays` before the report; then the text similarity, with
 * the location's similarity blended in when both have one.
 */
export function duplicateLikelihood(report: DuplicateSubject, existing: DuplicateSubject, withinDays = 7): number {
  return likelihoodAgainst(gramsOf(report), report, existing, withinDays);
}

/** A report's bigrams, taken once for all the events it is compared with. */
interface ReportGrams {
  description: Grams;
  location: Grams | null;
}

function gramsOf(report: DuplicateSubject): ReportGrams {
  return { description: bigrams(report.description), location: report.location ? bigrams(report.location) : null };
}

function likelihoodAgainst(grams: ReportGrams, report: DuplicateSubject, existing: DuplicateSubject, withinDays: number): number {
  if (report.gridUnitId !== existing.gridUnitId) return 0;
  if (report.category.category !== existing.category.category) return 0;
  const age = report.reportedAt.getTime() - existing.reportedAt.getTime();
  if (age < 0 || age > withinDays * 86_400_000) return 0;
  const text = dice(grams.description, bigrams(existing.description));
  if (grams.location && existing.location) return 0.7 * text + 0.3 * dice(grams.location, bigrams(existing.location));
  return text;
}

/** Open events likely to be the same matter as the report, most likely first. */
export function findLikelyDuplicates<E extends DuplicateCandidate>(
  report: DuplicateSubject,
  recent: readonly E[],
  options: DuplicateOptions = {},
): Array<{ event: E; likelihood: number }> {
  const { withinDays = 7, threshold = 0.35, limit = 3 } = options;
  const grams = gramsOf(report);
  return recent
    .filter((event) => isOpenEvent(event))
    .map((event) => ({ event, likelihood: likelihoodAgainst(grams, report, event, withinDays) }))
    .filter((match) => match.likelihood >= threshold)
    .sort((a, b) => b.likelihood - a.likelihood)
    .slice(0, limit);
}
