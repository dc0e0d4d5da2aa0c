/** What the events area needs from storage (implemented in adapters/db/repositories/event-repository.ts). */
import type { EventState, GridEvent, TimelineEntry } from '../../domain/event/event';
import type { TasksRepos } from '../tasks/ports';

/** A stored event: the domain's value plus its row id and the task carrying the current dispatch. */
export interface StoredEvent extends GridEvent {
  id: number;
  taskId: number | null;
}

export interface EventRepo {
  create(event: GridEvent, now: Date): Promise<StoredEvent>;
  byNumber(number: string): Promise<StoredEvent | null>;
  byTaskId(taskId: number): Promise<StoredEvent | null>;
  save(event: StoredEvent, now: Date): Promise<void>;
  addEntry(eventId: number, entry: TimelineEntry): Promise<void>;
  timeline(eventId: number): Promise<TimelineEntry[]>;
  /** Events of a grid and category reported since `since`, newest first. */
  recentInGrid(gridUnitId: number, category: string, since: Date): Promise<StoredEvent[]>;
  /** The reporter's newest events, newest first. */
  byReporter(memberId: number, limit: number): Promise<StoredEvent[]>;
  /** Events in one of `states` held by one of `unitIds`, oldest first. */
  heldBy(unitIds: number[], states: readonly EventState[], limit: number): Promise<StoredEvent[]>;
  /** Events dispatched to or by this member, newest first. */
  involving(memberId: number, limit: number): Promise<StoredEvent[]>;
}

/** The repositories the events area works with: its own, and the tasks it dispatches. */
export interface EventsRepos extends TasksRepos {
  events: EventRepo;
}
