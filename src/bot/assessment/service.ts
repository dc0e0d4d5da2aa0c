/**
 * Assessment (考核) use cases: gather a member's, a grid's or a unit's facts for a period, score
 * them with the deployment's rules, rank the units below a community or a town, and record the
 * community's manual add / deduct entries.
 */
import { z } from 'zod';
import type { WorkingCalendar, LocalDate } from '../../domain/calendar/working-calendar';
import { HOLIDAY_MODES, planReportFiring, type HolidayMode } from '../../domain/inforeport/period';
import type { OrgUnit } from '../../domain/org/org';
import {
  INDICATORS,
  daysOf,
  emptyFacts,
  mergeRules,
  patrolRatio,
  previousPeriod,
  rank,
  scoreOf,
  sumFacts,
  trend,
  workingDaysOf,
  type AssessmentFacts,
  type AssessmentPeriod,
  type AssessmentRules,
  type AssessmentScore,
  type Ranked,
  type Ratio,
} from '../../domain/assessment';
import type { DaibanTally } from '../../domain/figures/figures';
import type { AttendanceDays, DaibanFigures, FiledReport, RecordedFacts, VisitCoverage } from './ports';
import type { AssessmentRepos } from './ports';
import { trainingRatio } from '../../domain/training/training';

/** Settings key of the deployment's rule overrides (any subset of the rules). */
export const RULES_SETTING = 'assessment.rules';
/** The info report area's holiday setting (顺延 / 跳过): which report days were due. */
const REPORT_HOLIDAY_SETTING = 'inforeport.holiday';

const share = z.number().min(0).max(1);
const points = z.number().min(0).max(100);
const byIndicator = <T extends z.ZodType>(t: T) => z.object(Object.fromEntries(INDICATORS.map((i) => [i, t.optional()])) as Record<(typeof INDICATORS)[number], z.ZodOptional<T>>).strict();

/** What a deployment may store under {@link RULES_SETTING}; anything else is ignored with the defaults kept. */
export const rulesOverrideSchema = z
  .object({
    weights: byIndicator(points).optional(),
    targets: byIndicator(share.gt(0)).optional(),
    deductions: z.object({ perSupervision: points.optional(), perOverdue: points.optional(), max: points.optional() }).strict().optional(),
    manual: z.object({ maxAdd: points.optional(), maxDeduct: points.optional() }).strict().optional(),
    grades: z.object({ excellent: points.optional(), pass: points.optional() }).strict().optional(),
    verificationHours: z.number().positive().max(24 * 30).optional(),
    noData: z.enum(['full', 'excluded']).optional(),
  })
  .strict();

export async function loadRules(repos: AssessmentRepos): Promise<AssessmentRules> {
  const stored = await repos.settings.get<unknown>(RULES_SETTING);
  const parsed = rulesOverrideSchema.safeParse(stored ?? {});
  return mergeRules(parsed.success ? parsed.data : null);
}

export interface Scored<T> {
  subject: T;
  facts: AssessmentFacts;
  score: AssessmentScore;
}

export interface UnitResult {
  unit: OrgUnit;
  /** For a grid its own score; for a community or town the mean of its grids' totals. */
  total: number;
  grids: Scored<OrgUnit>[];
  /** Change since the previous period, when asked for. */
  trend: number | null;
}

/** Tuesday and Friday report days (信息报送) of the period that have come, holidays shifted. */
export function reportDaysOf(period: Pick<AssessmentPeriod, 'start' | 'end'>, now: Date, calendar: WorkingCalendar, mode: HolidayMode = 'shift'): LocalDate[] {
  const days = daysOf(period, now, calendar.timeZone);
  const inside = new Set(days);
  const today = calendar.localDate(now);
  const due = new Set<LocalDate>();
  for (const day of days) {
    const weekday = calendar.weekday(day);
    if (weekday !== 2 && weekday !== 5) continue;
    const plan = planReportFiring(calendar, day, mode);
    // A report day still running (today) is not judged yet.
    if (plan.kind !== 'skip' && inside.has(plan.period) && plan.period < today) due.add(plan.period);
  }
  return [...due].sort();
}

/** A report is on time when it was filed on its report day (local). */
export function infoReportRatio(due: readonly LocalDate[], filed: readonly FiledReport[], leave: readonly LocalDate[], calendar: WorkingCalendar): Ratio {
  const off = new Set(leave);
  const required = due.filter((d) => !off.has(d));
  const onTime = new Set(filed.filter((f) => calendar.localDate(f.reportedAt) <= f.period).map((f) => f.period));
  return { done: required.filter((d) => onTime.has(d)).length, of: required.length };
}

function sumRatios(rs: Ratio[]): Ratio | null {
  return rs.length ? { done: rs.reduce((s, r) => s + r.done, 0), of: rs.reduce((s, r) => s + r.of, 0) } : null;
}

/** Scores and figures of assessment; every call takes the acting transaction's calendar (`tx.calendar`). */
/** A community's or town's total: the mean of its grids' totals, one decimal (0 without grids). */
function unitTotal(grids: readonly Scored<OrgUnit>[]): number {
  return grids.length ? Math.round((grids.reduce((s, g) => s + g.score.total, 0) / grids.length) * 10) / 10 : 0;
}

export class AssessmentService {
  constructor(
    private readonly visits: VisitCoverage | null = null,
    private readonly daiban: DaibanFigures | null = null,
  ) {}

  /** 代办按时办结率 per grid in the period; null where 代办 is not composed. */
  private async daibanFacts(repos: AssessmentRepos, gridIds: number[], period: Pick<AssessmentPeriod, 'start' | 'end'>, now: Date): Promise<Map<number, Ratio> | null> {
    if (!this.daiban || !gridIds.length) return null;
    return this.daiban.ofGrids(repos, gridIds, period, now);
  }

  /** The 代办 figures of a unit's subtree in a period (统计); null where 代办 is not composed. */
  async daibanTally(repos: AssessmentRepos, unit: OrgUnit, period: Pick<AssessmentPeriod, 'start' | 'end'>, now: Date): Promise<DaibanTally | null> {
    return this.daiban ? this.daiban.tally(repos, unit.path, period, now) : null;
  }

  /** 走访覆盖率 per grid at the period's end (or now, while it runs); null without a register. */
  private async visitFacts(repos: AssessmentRepos, gridIds: number[], period: Pick<AssessmentPeriod, 'end'>, now: Date): Promise<Map<number, Ratio> | null> {
    if (!this.visits || !gridIds.length) return null;
    const asOf = new Date(Math.min(now.getTime(), period.end.getTime()));
    return this.visits.ofGrids(repos, gridIds, asOf);
  }

  /** Patrol and info report ratios of members, from the attendance area's records (also read by the meeting agendas). */
  async attendanceFacts(repos: Pick<AssessmentRepos, 'assessment' | 'settings'>, calendar: WorkingCalendar, memberIds: number[], period: Pick<AssessmentPeriod, 'start' | 'end'>, now: Date): Promise<Map<number, { patrols: Ratio; infoReports: Ratio }>> {
    const days: Map<number, AttendanceDays> = await repos.assessment.attendance(memberIds, period, calendar.timeZone);
    const filed = await repos.assessment.infoReportsFiled(memberIds, period, calendar.timeZone);
    const working = workingDaysOf(period, now, calendar);
    const mode = await repos.settings.get<string>(REPORT_HOLIDAY_SETTING);
    const reportDays = reportDaysOf(period, now, calendar, (HOLIDAY_MODES as readonly string[]).includes(mode ?? '') ? (mode as HolidayMode) : 'shift');
    const out = new Map<number, { patrols: Ratio; infoReports: Ratio }>();
    for (const id of memberIds) {
      const d = days.get(id) ?? { patrolDays: [], leaveDays: [] };
      out.set(id, {
        patrols: patrolRatio({ workingDays: working, leaveDays: d.leaveDays, patrolDays: d.patrolDays }),
        infoReports: infoReportRatio(reportDays, filed.filter((f) => f.memberId === id), d.leaveDays, calendar),
      });
    }
    return out;
  }

  /** 培训学时 of members: the hours of the period's year up to its end, of the yearly requirement. */
  async trainingFacts(repos: Pick<AssessmentRepos, 'training'>, calendar: WorkingCalendar, memberIds: number[], period: Pick<AssessmentPeriod, 'start' | 'end'>): Promise<Map<number, Ratio>> {
    const last = calendar.localDate(new Date(period.end.getTime() - 1));
    const hours = await repos.training.hoursByMember(memberIds, `${last.slice(0, 4)}-01-01`, last);
    return new Map(memberIds.map((id) => [id, trainingRatio(hours.get(id) ?? 0)]));
  }

  async memberScore(repos: AssessmentRepos, calendar: WorkingCalendar, memberId: number, period: AssessmentPeriod, now: Date): Promise<Scored<number>> {
    const rules = await loadRules(repos);
    const recorded = (await repos.assessment.memberFacts([memberId], period, { now, verificationHours: rules.verificationHours })).get(memberId);
    const attendance = (await this.attendanceFacts(repos, calendar, [memberId], period, now)).get(memberId)!;
    const adjustments = await repos.assessment.adjustments('member', [memberId], period);
    const training = (await this.trainingFacts(repos, calendar, [memberId], period)).get(memberId)!;
    // A gridworker answers for the visits of the grids they work in.
    const member = await repos.org.member(memberId);
    const gridIds = (member?.roles ?? []).filter((g) => g.role === 'gridworker').map((g) => g.unitId);
    const visits = await this.visitFacts(repos, gridIds, period, now);
    const daiban = await this.daibanFacts(repos, gridIds, period, now);
    const facts: AssessmentFacts = { ...(recorded ?? emptyFacts()), ...attendance, training, adjustments, visits: visits && sumRatios([...visits.values()]), daiban: daiban && sumRatios([...daiban.values()]) };
    return { subject: memberId, facts, score: scoreOf(facts, rules) };
  }

  /** Scores of grids: their own events and tasks, their gridworkers' patrols and reports. */
  async gridScores(repos: AssessmentRepos, calendar: WorkingCalendar, grids: OrgUnit[], period: AssessmentPeriod, now: Date): Promise<Scored<OrgUnit>[]> {
    if (!grids.length) return [];
    const rules = await loadRules(repos);
    const ids = grids.map((g) => g.id);
    const recorded: Map<number, RecordedFacts> = await repos.assessment.gridFacts(ids, period, { now, verificationHours: rules.verificationHours });
    const workers = await repos.assessment.gridworkers(ids);
    const attendance = await this.attendanceFacts(repos, calendar, [...new Set([...workers.values()].flat())], period, now);
    const adjustments = await repos.assessment.adjustments('grid', ids, period);
    const training = await this.trainingFacts(repos, calendar, [...new Set([...workers.values()].flat())], period);
    const visits = await this.visitFacts(repos, ids, period, now);
    const daiban = await this.daibanFacts(repos, ids, period, now);
    return grids.map((grid) => {
      const trained = (workers.get(grid.id) ?? []).map((id) => training.get(id)!);
      const mine = (workers.get(grid.id) ?? []).map((id) => attendance.get(id)!);
      const sum = (pick: (a: { patrols: Ratio; infoReports: Ratio }) => Ratio): Ratio | null =>
        mine.length ? { done: mine.reduce((s, a) => s + pick(a).done, 0), of: mine.reduce((s, a) => s + pick(a).of, 0) } : null;
      const facts: AssessmentFacts = {
        ...(recorded.get(grid.id) ?? emptyFacts()),
        patrols: sum((a) => a.patrols),
        infoReports: sum((a) => a.infoReports),
        training: trained.length ? { done: trained.reduce((s, r) => s + r.done, 0), of: trained.reduce((s, r) => s + r.of, 0) } : null,
        adjustments: adjustments.filter((a) => a.subjectId === grid.id).map((a) => ({ points: a.points, reason: a.reason })),
        visits: visits?.get(grid.id) ?? null,
        daiban: daiban?.get(grid.id) ?? null,
      };
      return { subject: grid, facts, score: scoreOf(facts, rules) };
    });
  }

  /** The grids within a unit (the unit itself when it is a grid). */
  async gridsUnder(repos: AssessmentRepos, unit: OrgUnit): Promise<OrgUnit[]> {
    return (await repos.org.subtree(unit.path)).filter((u) => u.level === 'grid');
  }

  /** The children of a unit ranked: grids by their score, higher units by the mean of their grids. */
  async rankChildren(repos: AssessmentRepos, calendar: WorkingCalendar, unit: OrgUnit, period: AssessmentPeriod, now: Date, withTrend = false): Promise<Ranked<UnitResult>[]> {
    const children = unit.level === 'grid' ? [unit] : await repos.org.children(unit.id);
    const results = await this.unitResults(repos, calendar, children, period, now);
    if (withTrend) {
      const before = await this.unitResults(repos, calendar, children, previousPeriod(period, calendar.timeZone), now);
      for (const r of results) {
        const prev = before.find((b) => b.unit.id === r.unit.id);
        r.trend = trend(r.total, prev && prev.grids.length ? prev.total : null);
      }
    }
    return rank(results, (r) => r.total, (a, b) => a.unit.code.localeCompare(b.unit.code));
  }

  /** The units' results from one scoring of all their grids (one set of period queries, not one per unit). */
  private async unitResults(repos: AssessmentRepos, calendar: WorkingCalendar, units: OrgUnit[], period: AssessmentPeriod, now: Date): Promise<UnitResult[]> {
    const gridsOf = new Map<number, OrgUnit[]>();
    for (const unit of units) gridsOf.set(unit.id, await this.gridsUnder(repos, unit));
    const all = [...new Map([...gridsOf.values()].flat().map((g) => [g.id, g])).values()];
    const scored = new Map((await this.gridScores(repos, calendar, all, period, now)).map((g) => [g.subject.id, g]));
    return units.map((unit) => {
      const grids = (gridsOf.get(unit.id) ?? []).map((g) => scored.get(g.id)!);
      return { unit, total: unitTotal(grids), grids, trend: null };
    });
  }

  /**
   * A unit's facts and its children ranked with the trend, from one scoring of its grids per period
   * (what `unitFacts` and `rankChildren(…, true)` give, without scoring every grid three times).
   */
  async unitOverview(repos: AssessmentRepos, calendar: WorkingCalendar, unit: OrgUnit, period: AssessmentPeriod, now: Date): Promise<{ facts: AssessmentFacts; ranking: Ranked<UnitResult>[] }> {
    const children = unit.level === 'grid' ? [unit] : await repos.org.children(unit.id);
    const grids = await this.gridsUnder(repos, unit);
    const current = await this.gridScores(repos, calendar, grids, period, now);
    const previous = await this.gridScores(repos, calendar, grids, previousPeriod(period, calendar.timeZone), now);
    const resultsOf = (scored: Scored<OrgUnit>[]): UnitResult[] =>
      children.map((child) => {
        const mine = scored.filter((g) => g.subject.path.startsWith(child.path));
        return { unit: child, total: unitTotal(mine), grids: mine, trend: null };
      });
    const results = resultsOf(current);
    const before = resultsOf(previous);
    for (const r of results) {
      const prev = before.find((b) => b.unit.id === r.unit.id);
      r.trend = trend(r.total, prev && prev.grids.length ? prev.total : null);
    }
    return { facts: sumFacts(current.map((g) => g.facts)), ranking: rank(results, (r) => r.total, (a, b) => a.unit.code.localeCompare(b.unit.code)) };
  }

  /** Facts of a whole unit (for 统计): its grids' facts summed. */
  async unitFacts(repos: AssessmentRepos, calendar: WorkingCalendar, unit: OrgUnit, period: AssessmentPeriod, now: Date): Promise<AssessmentFacts> {
    const grids = await this.gridScores(repos, calendar, await this.gridsUnder(repos, unit), period, now);
    return sumFacts(grids.map((g) => g.facts));
  }
}
