/** What the meetings area needs from storage (implemented in adapters/db/repositories/meeting-repository.ts). */
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { MeetingKind } from '../../domain/meeting/meeting';
import type { EventCounts, HandlingLevel, MatterFacts, MonthlyPlan, Period, Ratio } from '../../domain/meeting';
import type { TrackedItem } from '../../domain/meeting/carry-over';
import type { TasksRepos } from '../tasks/ports';
import type { AssessmentRepo, AssessmentRepos } from '../assessment/ports';

export type MeetingStatus = 'open' | 'closed';

export interface StoredMeeting {
  id: number;
  /** HY-01001-W2026-11-23: also the task source ref of its decisions. */
  number: string;
  kind: MeetingKind;
  unitId: number;
  periodKey: string;
  heldAt: Date;
  status: MeetingStatus;
  /** The agenda snapshot as posted (JSON, see snapshot.ts). */
  agenda: string;
  chairId: number | null;
  composedAt: Date;
  closedAt: Date | null;
}

export interface MinuteEntry {
  id: number;
  meetingId: number;
  /** 决议 (a decision that became a task) or 记录 (a note). */
  kind: 'decision' | 'note';
  text: string;
  responsibleId: number | null;
  responsibleName: string | null;
  deadline: Date | null;
  taskNumber: string | null;
  authorId: number;
  at: Date;
}

/** One event as the agenda reads it. */
export interface EventFacts extends MatterFacts {
  gridUnitId: number;
  category: string;
  urgency: string;
}

export interface GridEventCounts extends EventCounts {
  gridUnitId: number;
  byCategory: Record<string, number>;
  /** Reported in the period and now held at the town or county. */
  escalated: number;
}

/** What the agenda reads of the other areas' data (events, tasks, info reports, patrols). */
export interface AgendaSources {
  /** Per grid: events reported in the period and where they stand now. */
  eventCounts(gridUnitIds: number[], period: Period): Promise<GridEventCounts[]>;
  /** Events reported in the period (oldest first, at most `limit`). */
  eventsReported(gridUnitIds: number[], period: Period, now: Date, limit: number): Promise<EventFacts[]>;
  /** Open events held at the town or county, or reported before `openBefore` (oldest first, at most `limit`). */
  hardCaseCandidates(gridUnitIds: number[], openBefore: Date, now: Date, limit: number): Promise<EventFacts[]>;
  /** Current facts of tracked matters by ref (`event:SJ…`, `task:T…`); missing refs no longer exist. */
  matters(refs: string[], now: Date): Promise<Map<string, MatterFacts>>;
  /** Tasks of these scope units due in the period, and those finished by their deadline. */
  /** 到期 and 按期 of the units' tasks, as 统计 and 考核 count them (domain/figures). */
  tasksDue(unitIds: number[], period: Period, now: Date): Promise<Ratio>;
  /** The active gridworkers of each grid (their info reports and patrols make the grid's figures). */
  gridworkers(gridUnitIds: number[]): Promise<Map<number, number[]>>;
}

/** Per-member 信息报送 and 巡查 ratios, counted as the assessment counts them (the composition hands in its service). */
export interface AttendanceFacts {
  attendanceFacts(repos: Pick<AssessmentRepos, 'assessment' | 'settings'>, calendar: WorkingCalendar, memberIds: number[], period: { start: Date; end: Date }, now: Date): Promise<Map<number, { patrols: Ratio; infoReports: Ratio }>>;
}

export interface MeetingRepo extends AgendaSources {
  byPeriod(unitId: number, kind: MeetingKind, periodKey: string): Promise<StoredMeeting | null>;
  /** The latest meeting of the unit and kind before this period. */
  previous(unitId: number, kind: MeetingKind, periodKey: string): Promise<StoredMeeting | null>;
  /** The unit's newest meeting (any kind), open ones first. */
  latest(unitId: number, status?: MeetingStatus): Promise<StoredMeeting | null>;
  create(input: Omit<StoredMeeting, 'id' | 'closedAt' | 'status'>): Promise<StoredMeeting>;
  saveAgenda(meetingId: number, agenda: string, composedAt: Date): Promise<void>;
  close(meetingId: number, by: number, at: Date): Promise<void>;

  items(meetingId: number): Promise<TrackedItem[]>;
  replaceItems(meetingId: number, items: TrackedItem[]): Promise<void>;
  addItem(meetingId: number, item: TrackedItem): Promise<void>;

  addMinute(entry: Omit<MinuteEntry, 'id'>): Promise<MinuteEntry>;
  minutes(meetingId: number): Promise<MinuteEntry[]>;

  savePlan(plan: MonthlyPlan & { submittedById: number }): Promise<'created' | 'updated'>;
  plans(unitIds: number[], month: string): Promise<MonthlyPlan[]>;

  byId(meetingId: number): Promise<StoredMeeting | null>;
}

export type { HandlingLevel };

/**
 * The repositories the meetings area works with: its own, the tasks its decisions become, and
 * the assessment's reads of attendance for the agenda's figures.
 */
export interface MeetingsRepos extends TasksRepos {
  meetings: MeetingRepo;
  assessment: AssessmentRepo;
}
