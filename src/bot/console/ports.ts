/**
 * What the leaders' web console needs from storage: its sessions, and read queries over the other
 * areas' tables (events, tasks, check-ins, boundaries), which it reads and never writes.
 */
import type { AssessmentRepos } from '../assessment/ports';
import type { DaibanRepo } from '../daiban/ports';

export interface ConsoleSession {
  memberId: number;
  csrf: string;
  expiresAt: Date;
}

export interface NewConsoleSession extends ConsoleSession {
  /** SHA-256 (hex) of the cookie value. */
  idHash: string;
  createdAt: Date;
}

export interface ConsoleEventRow {
  id: number;
  number: string;
  category: string;
  urgency: string;
  state: string;
  handlerLevel: string;
  location: string | null;
  gridUnitId: number;
  reportedAt: Date;
  deadline: Date | null;
  supervision: string | null;
}

export interface ConsoleTaskRow {
  id: number;
  number: string;
  title: string;
  state: string;
  deadline: Date;
  dispatchedAt: Date;
  gridId: number | null;
  scopeUnitId: number;
  escalation: string | null;
}

export interface TimelineRow {
  at: Date;
  action: string;
  toState: string;
  note: string | null;
}

export interface OutsideCheckRow {
  memberId: number;
  unitId: number;
  at: Date;
  latitude: number;
  longitude: number;
}

/** A notice (通知) some of whose recipients within the units have not confirmed it (回执) yet. */
export interface ConsoleNoticeRow {
  number: string;
  body: string;
  sentAt: Date;
  deadline: Date | null;
  /** Recipients within the units, and those of them who have not confirmed. */
  recipients: number;
  awaiting: number;
}

export interface ConsoleRepo {
  createSession(session: NewConsoleSession): Promise<void>;
  /** The session behind a cookie, when it is neither ended nor expired. */
  session(idHash: string, now: Date): Promise<ConsoleSession | null>;
  endSession(idHash: string, now: Date): Promise<void>;
  /** Ends every running session of a member; returns how many were running. */
  endSessionsOf(memberId: number, now: Date): Promise<number>;

  /** Events of these grids reported since `since`, and every event of theirs still open. */
  /** Open events and those reported since `since`, newest first, at most `limit` of each. */
  mapEvents(gridIds: number[], since: Date, openStates: readonly string[], limit: number): Promise<ConsoleEventRow[]>;
  /** Events reported since `since` per grid, counted in the database (the heat view). */
  mapGridCounts(gridIds: number[], since: Date): Promise<Map<number, number>>;
  /** Events of these grids still open, oldest first. */
  openEvents(gridIds: number[], openStates: readonly string[]): Promise<ConsoleEventRow[]>;
  /** Tasks of these units still owed (in `activeStates`). */
  activeTasks(unitIds: number[], activeStates: readonly string[]): Promise<ConsoleTaskRow[]>;
  eventByNumber(number: string): Promise<(ConsoleEventRow & { description: string }) | null>;
  eventTimeline(eventId: number): Promise<TimelineRow[]>;
  taskByNumber(number: string): Promise<ConsoleTaskRow | null>;
  taskTimeline(taskId: number): Promise<TimelineRow[]>;
  outsideChecks(unitIds: number[], since: Date): Promise<OutsideCheckRow[]>;
  /** Notices still awaiting receipts from recipients within these units, oldest first. */
  noticesAwaitingReceipts(unitIds: number[]): Promise<ConsoleNoticeRow[]>;
  /** A notice with its recipients within these units (confirmed ones with when and the reply). */
  noticeReceipts(number: string, unitIds: number[]): Promise<{ notice: ConsoleNoticeRow; receipts: { memberId: number; confirmedAt: Date | null; reply: string | null }[] } | null>;
  /** GeoJSON boundary text per unit id, for those that have one. */
  boundaries(unitIds: number[]): Promise<Map<number, string>>;
}

/** The console reads through the assessment's repositories too (the figures). */
export interface ConsoleRepos extends AssessmentRepos {
  console: ConsoleRepo;
  /** The open 代办 of the member's units (a queue of its own). */
  daiban: DaibanRepo;
}
