/**
 * Agenda composition (议程) from plain figures: the weekly community agenda (each grid's week,
 * last week's patrol problems with a proposed next step, carried items and 督办) and the monthly
 * town agenda (each community's month and next month's plan, missing plans, 重大疑难 hard cases).
 */
import { carryOver, type FreshItem, type ItemStatus, type Leader, type TrackedItem } from './carry-over';
import type { MeetingKind, MeetingOccurrence, Period } from './meeting';

export interface UnitRef {
  id: number;
  code: string;
  name: string;
}

export type HandlingLevel = 'grid' | 'community' | 'town' | 'county';
const LEVEL_RANK: Record<HandlingLevel, number> = { grid: 0, community: 1, town: 2, county: 3 };

/** A proposed next step for an open matter (the bot words it). */
export type NextStep = 'accept' | 'dispatch' | 'urge' | 'follow_up' | 'verify' | 'follow_higher';

/** What the agenda needs to know of one open or closed matter (an event, a decision's task). */
export interface MatterFacts {
  ref: string;
  /** SJ20261122-0007 / T20261124-0003 */
  number: string;
  title: string;
  unitId: number;
  reportedAt: Date;
  open: boolean;
  /** Lifecycle state name (events: reported/accepted/dispatched/in_progress/submitted …; tasks: dispatched/accepted …). */
  state: string;
  handlerLevel: HandlingLevel;
  overdue: boolean;
}

/** The proposed next step for an open matter, seen from a meeting held at `meetingLevel`. */
export function nextStepFor(m: Pick<MatterFacts, 'open' | 'state' | 'handlerLevel' | 'overdue'>, meetingLevel: HandlingLevel): NextStep | null {
  if (!m.open) return null;
  if (LEVEL_RANK[m.handlerLevel] > LEVEL_RANK[meetingLevel]) return 'follow_higher';
  if (m.overdue) return 'urge';
  const byState: Record<string, NextStep> = { reported: 'accept', accepted: 'dispatch', submitted: 'verify' };
  return byState[m.state] ?? 'follow_up';
}

export interface Ratio {
  done: number;
  of: number;
}

/** Percent rounded to one decimal, or null when there was nothing to count. */
export function percent(r: Ratio | null): number | null {
  if (!r || r.of <= 0) return null;
  return Math.round((r.done / r.of) * 1000) / 10;
}

export interface EventCounts {
  reported: number;
  /** `eventStanding` (domain/figures): reported = solved + open + returned. */
  solved: number;
  open: number;
  /** Sent back to the reporter (回退) and not resubmitted. */
  returned: number;
  settledOnSpot: number;
}

export interface GridWeek {
  grid: UnitRef;
  events: EventCounts;
  /** 信息报送: reports filed of those due; null while the info-report data is not available. */
  infoReports: Ratio | null;
  /** 巡查: days with a patrol of the working days; null while patrol data is not available. */
  patrols: Ratio | null;
  /** The week's notable matters (紧急/重大), newest first. */
  notable: string[];
  /** 未按期走访: households due a visit and not visited in time; null where no register is kept. */
  overdueVisits?: number | null;
}

export interface ChartBar {
  label: string;
  /** ASCII label for renderers without a CJK font (a unit code, a category index). */
  shortLabel: string;
  value: number;
}

export interface ChartData {
  /** What the bars count: the bot words the title. */
  measure: 'events_per_grid' | 'events_per_category';
  bars: ChartBar[];
}

export interface AgendaMatter extends MatterFacts {
  nextStep: NextStep | null;
}

export interface AgendaItem extends TrackedItem {
  nextStep: NextStep | null;
}

interface AgendaBase {
  kind: MeetingKind;
  unit: UnitRef;
  key: string;
  at: Date;
  reviews: Period;
  composedAt: Date;
  /** Items the previous meeting left open, still open: reported again, 督办 marked, supervised first. */
  carried: AgendaItem[];
  /** Items of the previous meeting solved since. */
  solvedSinceLast: TrackedItem[];
  /** What this meeting leaves open if nothing changes; stored with the meeting. */
  tracked: TrackedItem[];
  chart: ChartData;
}

export interface WeeklyAgenda extends AgendaBase {
  kind: 'weekly';
  grids: GridWeek[];
  totals: EventCounts & { infoReports: Ratio | null; patrols: Ratio | null };
  /** 上周巡查发现的问题 and whether each was solved; unsolved ones with a next step. */
  problems: AgendaMatter[];
}

export interface PreviousMeeting {
  tracked: readonly TrackedItem[];
}

export interface AgendaStatus extends ItemStatus {
  nextStep: NextStep | null;
}

export interface WeeklyAgendaInput {
  community: UnitRef;
  occurrence: MeetingOccurrence;
  grids: readonly GridWeek[];
  /** Matters found on patrol (reported events) in the reviewed week. */
  problems: readonly MatterFacts[];
  previous: PreviousMeeting | null;
  /** Current status of every item the previous meeting left open. */
  status(ref: string): AgendaStatus | undefined;
  leaders: readonly Leader[];
  now: Date;
}

function sumRatios(rs: (Ratio | null)[]): Ratio | null {
  const known = rs.filter((r): r is Ratio => r !== null);
  if (!known.length) return null;
  return { done: known.reduce((s, r) => s + r.done, 0), of: known.reduce((s, r) => s + r.of, 0) };
}

function withNextSteps(items: readonly TrackedItem[], status: (ref: string) => AgendaStatus | undefined): AgendaItem[] {
  const out = items.map((i) => ({ ...i, nextStep: status(i.ref)?.nextStep ?? null }));
  // Supervised first, then the longest-carried.
  return out.sort((a, b) => Number(b.supervisedSince !== null) - Number(a.supervisedSince !== null) || b.appearances - a.appearances);
}

export function composeWeeklyAgenda(input: WeeklyAgendaInput): WeeklyAgenda {
  const problems: AgendaMatter[] = [...input.problems]
    .sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime())
    .map((p) => ({ ...p, nextStep: nextStepFor(p, 'community') }));
  const fresh: FreshItem[] = problems.filter((p) => p.open).map((p) => ({ ref: p.ref, source: 'event', title: `${p.number} ${p.title}`, unitId: p.unitId }));
  const co = carryOver({ previous: input.previous?.tracked ?? [], status: input.status, fresh, leaders: input.leaders, now: input.now });
  const grids = [...input.grids].sort((a, b) => a.grid.code.localeCompare(b.grid.code));
  const totals = {
    reported: grids.reduce((s, g) => s + g.events.reported, 0),
    solved: grids.reduce((s, g) => s + g.events.solved, 0),
    open: grids.reduce((s, g) => s + g.events.open, 0),
    returned: grids.reduce((s, g) => s + g.events.returned, 0),
    settledOnSpot: grids.reduce((s, g) => s + g.events.settledOnSpot, 0),
    infoReports: sumRatios(grids.map((g) => g.infoReports)),
    patrols: sumRatios(grids.map((g) => g.patrols)),
  };
  return {
    kind: 'weekly',
    unit: input.community,
    key: input.occurrence.key,
    at: input.occurrence.at,
    reviews: input.occurrence.reviews,
    composedAt: input.now,
    grids,
    totals,
    problems,
    carried: withNextSteps(co.carried, input.status),
    solvedSinceLast: co.solved,
    tracked: co.tracked,
    chart: { measure: 'events_per_grid', bars: grids.map((g) => ({ label: g.grid.name, shortLabel: g.grid.code, value: g.events.reported })) },
  };
}

export interface CommunityMonth {
  community: UnitRef;
  events: EventCounts & { byCategory: Record<string, number>; escalated: number };
  /** Tasks due in the month, and those finished by their deadline. */
  tasks: Ratio;
  infoReports: Ratio | null;
  /** Grid-days with a patrol of the grid-working-days. */
  patrols: Ratio | null;
  /** 代办 due in the month and 办结 within their time limit (src/domain/figures); absent when the month had none. */
  daiban?: Ratio | null;
}

export interface MonthlyPlan {
  communityId: number;
  /** YYYY-MM */
  month: string;
  text: string;
  submittedBy: string;
  submittedAt: Date;
}

/** 重大疑难: escalated to the town or county, or open for more than this many days. */
export const HARD_CASE_OPEN_DAYS = 30;

export type HardCaseReason = 'escalated' | 'long_open';

export function hardCaseReasons(m: Pick<MatterFacts, 'open' | 'handlerLevel' | 'reportedAt'>, now: Date): HardCaseReason[] {
  if (!m.open) return [];
  const reasons: HardCaseReason[] = [];
  if (LEVEL_RANK[m.handlerLevel] >= LEVEL_RANK.town) reasons.push('escalated');
  if (now.getTime() - m.reportedAt.getTime() > HARD_CASE_OPEN_DAYS * 86_400_000) reasons.push('long_open');
  return reasons;
}

export interface HardCase extends AgendaMatter {
  communityId: number;
  reasons: HardCaseReason[];
}

export interface MonthlyAgenda extends AgendaBase {
  kind: 'monthly';
  communities: (CommunityMonth & { plan: MonthlyPlan | null })[];
  planMonth: string;
  missingPlans: UnitRef[];
  hardCases: HardCase[];
  totals: EventCounts & { escalated: number; tasks: Ratio; infoReports: Ratio | null; patrols: Ratio | null };
}

export interface MonthlyAgendaInput {
  town: UnitRef;
  occurrence: MeetingOccurrence;
  communities: readonly CommunityMonth[];
  /** The month the plans are for (YYYY-MM) and the plans submitted for it. */
  planMonth: string;
  plans: readonly MonthlyPlan[];
  /** Open matters that may be hard cases (the repository may pre-filter), with their community. */
  candidates: readonly (MatterFacts & { communityId: number })[];
  previous: PreviousMeeting | null;
  status(ref: string): AgendaStatus | undefined;
  leaders: readonly Leader[];
  now: Date;
}

export function composeMonthlyAgenda(input: MonthlyAgendaInput): MonthlyAgenda {
  const communities = [...input.communities]
    .sort((a, b) => a.community.code.localeCompare(b.community.code))
    .map((c) => ({ ...c, plan: input.plans.find((p) => p.communityId === c.community.id && p.month === input.planMonth) ?? null }));
  const hardCases: HardCase[] = input.candidates
    .map((m) => ({ ...m, reasons: hardCaseReasons(m, input.now), nextStep: nextStepFor(m, 'town') }))
    .filter((m) => m.reasons.length > 0)
    .sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
  const fresh: FreshItem[] = hardCases.map((h) => ({ ref: h.ref, source: 'event', title: `${h.number} ${h.title}`, unitId: h.unitId }));
  const co = carryOver({ previous: input.previous?.tracked ?? [], status: input.status, fresh, leaders: input.leaders, now: input.now });
  const sum = (f: (c: CommunityMonth) => number) => communities.reduce((s, c) => s + f(c), 0);
  const byCategory = new Map<string, number>();
  for (const c of communities) for (const [k, v] of Object.entries(c.events.byCategory)) byCategory.set(k, (byCategory.get(k) ?? 0) + v);
  const categories = [...byCategory.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    kind: 'monthly',
    unit: input.town,
    key: input.occurrence.key,
    at: input.occurrence.at,
    reviews: input.occurrence.reviews,
    composedAt: input.now,
    communities,
    planMonth: input.planMonth,
    missingPlans: communities.filter((c) => !c.plan).map((c) => c.community),
    hardCases,
    totals: {
      reported: sum((c) => c.events.reported),
      solved: sum((c) => c.events.solved),
      open: sum((c) => c.events.open),
      returned: sum((c) => c.events.returned),
      settledOnSpot: sum((c) => c.events.settledOnSpot),
      escalated: sum((c) => c.events.escalated),
      tasks: { done: sum((c) => c.tasks.done), of: sum((c) => c.tasks.of) },
      infoReports: sumRatios(communities.map((c) => c.infoReports)),
      patrols: sumRatios(communities.map((c) => c.patrols)),
    },
    carried: withNextSteps(co.carried, input.status),
    solvedSinceLast: co.solved,
    tracked: co.tracked,
    chart: { measure: 'events_per_category', bars: categories.map(([label, value], i) => ({ label, shortLabel: `C${i + 1}`, value })) },
  };
}

export type Agenda = WeeklyAgenda | MonthlyAgenda;
