/**
 * What assessment (考核), statistics and ledgers (台账) need from storage: manual entries, and
 * read queries over the other areas' tables (events, tasks, attendance), which this area reads
 * and never writes.
 */
import type { LocalDate } from '../../domain/calendar/working-calendar';
import type { AssessmentFacts } from '../../domain/assessment';
import type { TrainingRepos } from '../training/ports';
import type { CoreRepos } from '../ports';
import type { DaibanTally } from '../../domain/figures/figures';

export interface Range {
  start: Date;
  end: Date;
}

export type SubjectKind = 'grid' | 'member';

export interface Adjustment {
  id: number;
  subjectKind: SubjectKind;
  subjectId: number;
  points: number;
  reason: string;
  unitId: number;
  actorId: number;
  effectiveAt: Date;
  createdAt: Date;
}

/** Facts the platform records for a subject, without the manual entries (those come separately). */
/** What the assessment repository counts; training hours come from the training area. */
export type RecordedFacts = Omit<AssessmentFacts, 'adjustments' | 'training'>;

export interface FactsOptions {
  /** Items due after this instant are not yet counted (the period may still be running). */
  now: Date;
  verificationHours: number;
}

/** A row of 事件台账. */
export interface EventLedgerRow {
  number: string;
  gridUnitId: number;
  category: string;
  item: string | null;
  urgency: string;
  description: string;
  location: string | null;
  /** The reporting member; null for a resident's or an intake order's event (see originKind). */
  reporterId: number | null;
  /** member | resident | intake */
  originKind: string;
  reportedAt: Date;
  state: string;
  handlerLevel: string;
  closedByLevel: string | null;
  deadline: Date | null;
  closedAt: Date | null;
  rating: string | null;
  reopenCount: number;
  supervision: string | null;
  result: string | null;
}

/** A row of 任务台账. */
export interface TaskLedgerRow {
  number: string;
  title: string;
  priority: string;
  state: string;
  gridId: number | null;
  scopeUnitId: number;
  dispatcherId: number;
  assigneeId: number;
  eventNumber: string | null;
  dispatchedAt: Date;
  deadline: Date;
  submittedAt: Date | null;
  finishedAt: Date | null;
  escalation: string | null;
  result: string | null;
}

export interface FiledReport {
  memberId: number;
  unitId: number;
  /** The report day it answers, local `YYYY-MM-DD`. */
  period: LocalDate;
  reportedAt: Date;
  unchanged: boolean;
  /** Categories mentioned (住户变动, 安全隐患 …). */
  categories: string[];
}

/** Patrol and leave days of members (巡查 / 请假), from the attendance area's tables. */
export interface AttendanceDays {
  patrolDays: LocalDate[];
  leaveDays: LocalDate[];
}

export interface EventStats {
  byCategory: Map<string, number>;
  byState: Map<string, number>;
  /** The level that closed it, or that holds it now. */
  byLevel: Map<string, number>;
  byUrgency: Map<string, number>;
  total: number;
  closed: number;
  /** Mean hours from report to close, over those closed in the range; null when none. */
  meanHoursToClose: number | null;
}

export interface TaskStats {
  due: number;
  onTime: number;
  open: number;
  overdueOpen: number;
}

export interface AssessmentRepo {
  addAdjustment(input: Omit<Adjustment, 'id'>): Promise<Adjustment>;
  adjustments(kind: SubjectKind, subjectIds: number[], range: Range): Promise<Adjustment[]>;

  /** Facts per grid (events of the grid, tasks of the grid). */
  gridFacts(gridIds: number[], range: Range, options: FactsOptions): Promise<Map<number, RecordedFacts>>;
  /** Facts per member (events they reported, tasks assigned to or dispatched by them). */
  memberFacts(memberIds: number[], range: Range, options: FactsOptions): Promise<Map<number, RecordedFacts>>;
  /** The active gridworkers of each grid (as the org repository's `membersWithRole` reads them), in one pass. */
  gridworkers(gridIds: number[]): Promise<Map<number, number[]>>;
  /** Patrol days (民情日志) and approved leave days (请假) per member, within the range. */
  attendance(memberIds: number[], range: Range, zone: string): Promise<Map<number, AttendanceDays>>;
  /** Info reports (信息报送) filed by the members for periods (report days) within the range. */
  infoReportsFiled(memberIds: number[], range: Range, zone: string): Promise<FiledReport[]>;

  eventLedger(gridIds: number[], range: Range): Promise<EventLedgerRow[]>;
  taskLedger(unitIds: number[], range: Range): Promise<TaskLedgerRow[]>;
  eventStats(gridIds: number[], range: Range): Promise<EventStats>;
  taskStats(unitIds: number[], range: Range, now: Date): Promise<TaskStats>;

}

/** The repositories assessment, statistics and ledgers work with. */
export interface AssessmentRepos extends TrainingRepos {
  assessment: AssessmentRepo;
}

/**
 * 走访覆盖率 of grids as of a moment: households whose tags ask for visits, and those visited in
 * time. Supplied by the register area (composed in src/bot/modules.ts); absent, the indicator has
 * no data.
 */
/**
 * 代办 figures of grids in a period, by the one definition (src/domain/figures `tallyDaiban`): the
 * 代办 area provides it (composed in src/bot/modules.ts); without it 代办 is not counted.
 */
export interface DaibanFigures {
  /** 代办按时办结率 per grid: 按时办结 of 到期. */
  ofGrids(repos: CoreRepos, gridIds: number[], range: { start: Date; end: Date }, now: Date): Promise<Map<number, { done: number; of: number }>>;
  /** The period's tally of a subtree, for 统计. */
  tally(repos: CoreRepos, unitPath: string, range: { start: Date; end: Date }, now: Date): Promise<DaibanTally>;
}

export interface VisitCoverage {
  ofGrids(repos: CoreRepos, gridIds: number[], asOf: Date): Promise<Map<number, { done: number; of: number }>>;
}
