/** What the events area needs from storage (implemented in adapters/db/repositories/event-repository.ts). */
import type { EventOrigin, EventState, GridEvent, TimelineEntry } from '../../domain/event/event';
import type { DuplicateCandidate } from '../../domain/event/duplicates';
import type { DailyNumbering } from '../../domain/calendar/daily-number';
import type { Tx } from '../ports';
import type { TasksRepos } from '../tasks/ports';

/** A stored event: the domain's value plus its row id and the task carrying the current dispatch. */
export interface StoredEvent extends GridEvent {
  id: number;
  taskId: number | null;
}

export interface EventRepo {
  /** Stores a new event under the next number of `numbering` (its own `number` is not used). */
  createNumbered(event: GridEvent, numbering: DailyNumbering, now: Date): Promise<StoredEvent>;
  byNumber(number: string): Promise<StoredEvent | null>;
  byId(id: number): Promise<StoredEvent | null>;
  byTaskId(taskId: number): Promise<StoredEvent | null>;
  save(event: StoredEvent, now: Date): Promise<void>;
  addEntry(eventId: number, entry: TimelineEntry): Promise<void>;
  timeline(eventId: number): Promise<TimelineEntry[]>;
  /**
   * Open events of a grid and category reported since `since`, newest first, at most
   * DUPLICATE_CANDIDATES: what a new report is compared with (only the fields compared and shown).
   */
  openSimilarCandidates(gridUnitId: number, category: string, since: Date): Promise<DuplicateCandidate[]>;
  /** The reporter's newest events, newest first. */
  byReporter(memberId: number, limit: number): Promise<StoredEvent[]>;
  /** Events from this outside origin (a resident's, an intake client's order), newest first. */
  byOrigin(origin: EventOrigin, limit: number): Promise<StoredEvent[]>;
  /** Events in one of `states` held by one of `unitIds`, oldest first. */
  heldBy(unitIds: number[], states: readonly EventState[], limit: number): Promise<StoredEvent[]>;
  /** Events dispatched to or by this member, newest first. */
  involving(memberId: number, limit: number): Promise<StoredEvent[]>;
}

/** The repositories the events area works with: its own, and the tasks it dispatches. */
export interface EventsRepos extends TasksRepos {
  events: EventRepo;
}

/**
 * Told of every timeline step of every event (report, accept, dispatch, close, reopen, rate, notes…),
 * inside the step's transaction, after it is stored: the resident side (the close notice) and
 * intake callbacks react here without the events area knowing them. A throw rolls the step back.
 */
export interface EventObserver {
  changed(tx: Tx<EventsRepos>, event: StoredEvent, entry: TimelineEntry): Promise<void>;
}

/** How a non-member origin reads on cards and timelines (居民, an intake client's name). */
export interface OriginNames {
  nameOf(tx: Tx<EventsRepos>, origin: EventOrigin): Promise<string>;
}
