/**
 * The public account (工作公开) of a grid or community for one month: how many matters were
 * reported, solved, handled on time, how satisfied the residents were, and a few solved examples.
 *
 * It is built from figures and categories only. No free text of a report, result or place ever
 * enters it — a description may carry a name, a phone or a door number — so nothing personal can
 * leak, and nothing finer than the grid (at most a building) is named.
 */
import type { CategoryRef, EventRating, EventState, HandlingLevel } from '../event/event';
import { eventStanding, isSatisfied, tallyEvents, tallySatisfaction, tallyTasks, type FigureRange, type OpinionSource, type TaskFigureFacts } from '../figures';

export interface PublicEventFacts {
  state: EventState;
  level: HandlingLevel;
  category: CategoryRef;
  reportedAt: Date;
  closedAt: Date | null;
  rating: EventRating | null;
}

export interface PublicExample {
  category: string;
  item: string | null;
  reportedAt: Date;
  /** Whole days from report to closing, at least 1 (a matter closed the same day shows 1). */
  days: number;
  rating: EventRating | null;
}

export interface PublicAccount {
  reported: number;
  solved: number;
  open: number;
  /** Dispatched work of these events that fell due, and how much of it was done on time. */
  onTime: { done: number; of: number };
  /** 群众满意率: residents' ratings and 回访 answers given in the period, and how many were satisfied. */
  satisfaction: { done: number; of: number };
  examples: PublicExample[];
}

export const PUBLIC_EXAMPLES = 3;

export function buildPublicAccount(input: { events: readonly PublicEventFacts[]; tasks: readonly TaskFigureFacts[]; opinions: readonly { source: OpinionSource; rating: EventRating }[]; range: FigureRange; now: Date }): PublicAccount {
  const tally = tallyEvents(input.events);
  const tasks = tallyTasks(input.tasks, input.range, input.now);
  const satisfaction = tallySatisfaction(input.opinions).public;
  const solved = input.events.filter((e) => eventStanding(e.state) === 'solved' && e.closedAt !== null);
  // Rated satisfied first, then the most recently closed: what a resident would want to see.
  const rank = (e: PublicEventFacts) => (e.rating && isSatisfied(e.rating) ? 0 : e.rating === null ? 1 : 2);
  const examples = [...solved]
    .sort((a, b) => rank(a) - rank(b) || b.closedAt!.getTime() - a.closedAt!.getTime())
    .slice(0, PUBLIC_EXAMPLES)
    .map((e) => ({ category: e.category.category, item: e.category.item, reportedAt: e.reportedAt, days: Math.max(1, Math.ceil((e.closedAt!.getTime() - e.reportedAt.getTime()) / 86_400_000)), rating: e.rating }));
  return { reported: tally.reported, solved: tally.solved, open: tally.open, onTime: { done: tasks.onTime, of: tasks.due }, satisfaction, examples };
}

/** A share as a whole percent, or null when there is nothing to divide (shown as —). */
export function percent(part: { done: number; of: number }): number | null {
  return part.of === 0 ? null : Math.round((part.done / part.of) * 100);
}
