/** What the events area needs from storage (implemented in adapters/db/repositories/event-repository.ts). */
import type { EventState, Rating, Supervision, Urgency } from './lifecycle';

export interface EventRecord {
  id: number;
  /** SJ20261122-0007 */
  number: string;
  category: string;
  item: string | null;
  description: string;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  photos: string[];
  urgency: Urgency;
  state: EventState;
  gridId: number;
  gridPath: string;
  /** The unit whose handlers hold the matter now. */
  levelUnitId: number;
  levelUnitPath: string;
  reporterId: number;
  /** Who accepted it at the current level. */
  handlerId: number | null;
  assignee: { kind: 'member' | 'unit'; id: number } | null;
  taskId: number | null;
  dispatcherId: number | null;
  deadline: Date | null;
  /** The level that closed it: a 不满意 rating reopens it there. */
  closedUnitId: number | null;
  supervision: Supervision | null;
  rating: Rating | null;
  mergedInto: string | null;
  reopenCount: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export type NewEvent = Omit<EventRecord, 'id' | 'updatedAt'>;

/** A row of the timeline (流转记录). */
export interface EventLogEntry {
  eventId: number;
  at: Date;
  actorId: number | null;
  action: string;
  fromState: EventState;
  toState: EventState;
  unitId: number;
  note: string | null;
}

export interface EventRepo {
  create(input: NewEvent): Promise<EventRecord>;
  byNumber(number: string): Promise<EventRecord | null>;
  byTaskId(taskId: number): Promise<EventRecord | null>;
  save(event: EventRecord): Promise<void>;
  addLog(entry: EventLogEntry): Promise<void>;
  logs(eventId: number): Promise<EventLogEntry[]>;
  /** Events of a grid and category created since `since`, newest first. */
  recentInGrid(gridId: number, category: string, since: Date): Promise<EventRecord[]>;
  /** The reporter's newest events, newest first. */
  byReporter(memberId: number, limit: number): Promise<EventRecord[]>;
  /** Events in one of `states` held at one of `unitIds`, oldest first. */
  atLevels(unitIds: number[], states: EventState[], limit: number): Promise<EventRecord[]>;
  /** Events whose current task went to this member or dispatched by them, newest first. */
  involving(memberId: number, limit: number): Promise<EventRecord[]>;
}
