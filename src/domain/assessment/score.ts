/**
 * The 100-point score of a gridworker or a grid for one period, from the facts the platform saw.
 * Each formula is its own function so that a regulation's wording maps to one line of code.
 */
import type { LocalDate } from '../calendar/working-calendar';
import { INDICATORS, gradeOf, type AssessmentRules, type Grade, type Indicator } from './rules';

/** A share: `done` of `of`. */
export interface Ratio {
  done: number;
  of: number;
}

/** Tasks (限时办结) whose deadline fell in the period. */
export interface TaskFacts {
  /** Due in the period (withdrawn and handed-back tasks are not counted). */
  due: number;
  /** Of those, reported done (办结) by the deadline. */
  onTime: number;
}

/** 上报: events reported in the period, and how many of them were sent back (回退) as not valid. */
export interface ReportingFacts {
  reported: number;
  withdrawn: number;
}

/** 处置 / 接单 / 回退 counted on the assignee's task actions in the period. */
export interface HandlingFacts {
  handled: number;
  taken: number;
  returned: number;
}

/** 巡查: days in the period, as local dates. */
export interface PatrolDays {
  workingDays: readonly LocalDate[];
  leaveDays: readonly LocalDate[];
  patrolDays: readonly LocalDate[];
}

export interface AssessmentFacts {
  tasks: TaskFacts;
  /** Info reports (信息报送) due and filed on time; null while the platform does not record them. */
  infoReports: Ratio | null;
  /** Patrol days required and done; null while the platform does not record them. */
  patrols: Ratio | null;
  reporting: ReportingFacts;
  handling: HandlingFacts;
  /** Submitted items the subject had to verify (核查), and how many within the limit. */
  verification: Ratio;
  /** 群众满意率: residents' ratings and 回访 answers in the period, 满意 and 基本满意 of all. */
  satisfaction: Ratio;
  /** Members' 评价 of the work in the period (a separate figure, never in 群众满意率). */
  memberRatings?: Ratio;
  /** Training hours of the year to the period's end, of the yearly requirement; null where not counted. */
  training: Ratio | null;
  /** 督办 received in the period. */
  supervisions: number;
  /** Items that went overdue (逾期) in the period. */
  overdue: number;
  /** Manual entries by the community (加分 positive, 扣分 negative). */
  adjustments: readonly { points: number; reason: string }[];
  /** 走访: households due a visit and those visited within their cadence; absent where the register is not kept. */
  visits?: Ratio | null;
  /** 代办: requests due (their time limit in the period) and those 办结 in time (src/domain/figures); absent where not recorded. */
  daiban?: Ratio | null;
}

// ---- the formulas --------------------------------------------------------------------------

/** 任务按时办结率 = on time / due. */
export function tasksOnTimeRate(f: TaskFacts): Ratio {
  return { done: f.onTime, of: f.due };
}

/** 上报效率 = (上报 − 退回) / 上报. */
export function reportingEfficiency(f: ReportingFacts): Ratio {
  return { done: Math.max(0, f.reported - f.withdrawn), of: f.reported };
}

/** 任务办理率 = (处置 + 接单 − 回退) / (处置 + 接单). */
export function handlingRate(f: HandlingFacts): Ratio {
  const of = f.handled + f.taken;
  return { done: Math.max(0, of - f.returned), of };
}

/**
 * 巡查率: working days with a patrol of the working days that were not leave days (请假 days are
 * excluded from what is required, and a patrol on a day off does not add to it).
 */
export function patrolRatio(days: PatrolDays): Ratio {
  const leave = new Set(days.leaveDays);
  const required = new Set(days.workingDays.filter((d) => !leave.has(d)));
  const done = new Set(days.patrolDays.filter((d) => required.has(d)));
  return { done: done.size, of: required.size };
}

export function rateOf(r: Ratio): number | null {
  return r.of > 0 ? r.done / r.of : null;
}

// ---- the score -----------------------------------------------------------------------------

export interface IndicatorScore {
  indicator: Indicator;
  ratio: Ratio | null;
  /** done / of, or null when there was nothing to measure. */
  rate: number | null;
  weight: number;
  /** Points earned (before scaling for excluded indicators). */
  points: number;
  /** Whether the indicator counted (false when excluded for lack of data). */
  counted: boolean;
}

export interface AssessmentScore {
  indicators: IndicatorScore[];
  /** Points from the indicators, scaled to 100 when some were excluded. */
  base: number;
  supervisionDeduction: number;
  overdueDeduction: number;
  /** Net manual points after the caps. */
  manual: number;
  /** Clamped to 0–100, one decimal. */
  total: number;
  grade: Grade;
}

function ratioOf(indicator: Indicator, f: AssessmentFacts): Ratio | null {
  switch (indicator) {
    case 'tasksOnTime':
      return tasksOnTimeRate(f.tasks);
    case 'infoReportsOnTime':
      return f.infoReports;
    case 'patrolDays':
      return f.patrols;
    case 'reportingEfficiency':
      return reportingEfficiency(f.reporting);
    case 'handlingRate':
      return handlingRate(f.handling);
    case 'verificationOnTime':
      return f.verification;
    case 'satisfaction':
      return f.satisfaction;
    case 'trainingHours':
      return f.training;
    case 'visitCoverage':
      return f.visits ?? null;
    case 'daibanOnTime':
      return f.daiban ?? null;
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function indicatorScore(indicator: Indicator, ratio: Ratio | null, rules: AssessmentRules): IndicatorScore {
  const weight = rules.weights[indicator];
  // Not recorded at all (the platform has no such data yet): left out, the others scaled to 100.
  if (ratio === null) return { indicator, ratio, rate: null, weight, points: 0, counted: false };
  const rate = rateOf(ratio);
  if (rate === null) {
    const counted = rules.noData === 'full';
    return { indicator, ratio, rate, weight, points: counted ? weight : 0, counted };
  }
  const target = rules.targets[indicator];
  const share = target > 0 ? Math.min(1, rate / target) : 1;
  return { indicator, ratio, rate, weight, points: weight * share, counted: true };
}

/** Net manual points: additions capped at `maxAdd`, deductions at `maxDeduct`. */
export function manualPoints(adjustments: AssessmentFacts['adjustments'], caps: AssessmentRules['manual']): number {
  const added = adjustments.filter((a) => a.points > 0).reduce((s, a) => s + a.points, 0);
  const deducted = adjustments.filter((a) => a.points < 0).reduce((s, a) => s - a.points, 0);
  return Math.min(added, caps.maxAdd) - Math.min(deducted, caps.maxDeduct);
}

/** 督办 and overdue deductions, together at most `max`; 督办 is taken first. */
export function deductions(facts: Pick<AssessmentFacts, 'supervisions' | 'overdue'>, rules: AssessmentRules['deductions']): { supervision: number; overdue: number } {
  const supervision = Math.min(rules.max, facts.supervisions * rules.perSupervision);
  const overdue = Math.min(rules.max - supervision, facts.overdue * rules.perOverdue);
  return { supervision, overdue };
}

export function scoreOf(facts: AssessmentFacts, rules: AssessmentRules): AssessmentScore {
  const indicators = INDICATORS.map((i) => indicatorScore(i, ratioOf(i, facts), rules));
  const countedWeight = indicators.filter((s) => s.counted).reduce((s, i) => s + i.weight, 0);
  const totalWeight = indicators.reduce((s, i) => s + i.weight, 0);
  const earned = indicators.reduce((s, i) => s + i.points, 0);
  const base = countedWeight > 0 ? (earned * totalWeight) / countedWeight : totalWeight;
  const off = deductions(facts, rules.deductions);
  const manual = manualPoints(facts.adjustments, rules.manual);
  const total = round1(Math.max(0, Math.min(100, base - off.supervision - off.overdue + manual)));
  return { indicators, base: round1(base), supervisionDeduction: off.supervision, overdueDeduction: off.overdue, manual, total, grade: gradeOf(total, rules.grades) };
}

/** Facts of several subjects summed (a grid from its gridworkers, a community from its grids). */
export function sumFacts(all: readonly AssessmentFacts[]): AssessmentFacts {
  const sumRatio = (pick: (f: AssessmentFacts) => Ratio | null): Ratio | null => {
    const present = all.map(pick).filter((r): r is Ratio => r !== null);
    return present.length ? { done: present.reduce((s, r) => s + r.done, 0), of: present.reduce((s, r) => s + r.of, 0) } : null;
  };
  const sum = (pick: (f: AssessmentFacts) => number) => all.reduce((s, f) => s + pick(f), 0);
  return {
    tasks: { due: sum((f) => f.tasks.due), onTime: sum((f) => f.tasks.onTime) },
    infoReports: sumRatio((f) => f.infoReports),
    patrols: sumRatio((f) => f.patrols),
    reporting: { reported: sum((f) => f.reporting.reported), withdrawn: sum((f) => f.reporting.withdrawn) },
    handling: { handled: sum((f) => f.handling.handled), taken: sum((f) => f.handling.taken), returned: sum((f) => f.handling.returned) },
    verification: sumRatio((f) => f.verification) ?? { done: 0, of: 0 },
    satisfaction: sumRatio((f) => f.satisfaction) ?? { done: 0, of: 0 },
    memberRatings: sumRatio((f) => f.memberRatings ?? null) ?? { done: 0, of: 0 },
    training: sumRatio((f) => f.training),
    supervisions: sum((f) => f.supervisions),
    overdue: sum((f) => f.overdue),
    adjustments: all.flatMap((f) => f.adjustments),
    visits: sumRatio((f) => f.visits ?? null),
    daiban: sumRatio((f) => f.daiban ?? null),
  };
}

export function emptyFacts(): AssessmentFacts {
  return {
    tasks: { due: 0, onTime: 0 },
    infoReports: null,
    patrols: null,
    reporting: { reported: 0, withdrawn: 0 },
    handling: { handled: 0, taken: 0, returned: 0 },
    verification: { done: 0, of: 0 },
    satisfaction: { done: 0, of: 0 },
    training: null,
    supervisions: 0,
    overdue: 0,
    adjustments: [],
  };
}
