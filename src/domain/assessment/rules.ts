/**
 * The scoring rules of assessment (考核细则), as data a deployment can override: each indicator's
 * weight and target, the deductions for 督办 and overdue items, the caps of manual add / deduct
 * entries and the grade thresholds. The defaults follow the county regulations: 100 points.
 */

/** The indicators, in the order the breakdown shows them. */
export const INDICATORS = [
  'tasksOnTime', // 任务按时办结率
  'infoReportsOnTime', // 信息按时报送率
  'patrolDays', // 巡查天数 / 应巡查工作日（请假除外）
  'reportingEfficiency', // 上报效率 = (上报 − 退回) / 上报
  'handlingRate', // 任务办理率 = (处置 + 接单 − 回退) / (处置 + 接单)
  'verificationOnTime', // 核查及时率
  'satisfaction', // 群众满意率
  'trainingHours', // 培训学时 / 每年40学时 (weight 0 unless a deployment sets one)
  'visitCoverage', // 走访覆盖率: households due a visit (by their tags' cadence) visited in time
  'daibanOnTime', // 代办按时办结率: 代办 (help with applications) 办结 within the time limit / due
] as const;
export type Indicator = (typeof INDICATORS)[number];

export const GRADES = ['excellent', 'pass', 'fail'] as const;
/** 优秀 / 合格 / 不合格 */
export type Grade = (typeof GRADES)[number];

/**
 * What an indicator with nothing to measure (no task due, no event rated) earns: `full` marks
 * (nothing was asked, nothing was missed), or it is `excluded` and the others are scaled to 100.
 */
export type NoDataPolicy = 'full' | 'excluded';

export interface AssessmentRules {
  /** Points of each indicator; they add up to 100 by default. */
  weights: Record<Indicator, number>;
  /** The rate (0–1) at which an indicator earns full points; below it, points in proportion. */
  targets: Record<Indicator, number>;
  deductions: {
    /** Points off for each 督办 (supervision by the level above) in the period. @defaultValue 2 */
    perSupervision: number;
    /** Points off for each item overdue (逾期) in the period. @defaultValue 1 */
    perOverdue: number;
    /** At most this many points off for 督办 and overdue items together. @defaultValue 20 */
    max: number;
  };
  /** Caps on the community's manual entries (加分 / 扣分) within one period. */
  manual: { maxAdd: number; maxDeduct: number };
  /** Grade thresholds: ≥ excellent 优秀, ≥ pass 合格, else 不合格. */
  grades: { excellent: number; pass: number };
  /** Hours a dispatcher has to verify (核查) a submitted item. @defaultValue 24 */
  verificationHours: number;
  noData: NoDataPolicy;
}

export const DEFAULT_RULES: AssessmentRules = {
  weights: {
    tasksOnTime: 20,
    infoReportsOnTime: 15,
    patrolDays: 20,
    reportingEfficiency: 10,
    handlingRate: 15,
    verificationOnTime: 10,
    satisfaction: 10,
    // Off by default so that existing totals do not move; a deployment gives it points (and takes them elsewhere).
    trainingHours: 0,
    // Off until the county gives it points in the assessment settings (the 100 stay as they were).
    visitCoverage: 0,
    // Off until the county gives it points (代办 counts only where gridworkers record it).
    daibanOnTime: 0,
  },
  targets: {
    tasksOnTime: 1,
    infoReportsOnTime: 1,
    patrolDays: 1,
    reportingEfficiency: 1,
    handlingRate: 1,
    verificationOnTime: 1,
    satisfaction: 0.95,
    trainingHours: 1,
    visitCoverage: 1,
    daibanOnTime: 1,
  },
  deductions: { perSupervision: 2, perOverdue: 1, max: 20 },
  manual: { maxAdd: 10, maxDeduct: 20 },
  grades: { excellent: 90, pass: 60 },
  verificationHours: 24,
  noData: 'full',
};

/** A deployment's overrides (any subset), as stored in the settings. */
export interface RulesOverride {
  weights?: Partial<Record<Indicator, number>>;
  targets?: Partial<Record<Indicator, number>>;
  deductions?: Partial<AssessmentRules['deductions']>;
  manual?: Partial<AssessmentRules['manual']>;
  grades?: Partial<AssessmentRules['grades']>;
  verificationHours?: number;
  noData?: NoDataPolicy;
}

export function mergeRules(override: RulesOverride | null | undefined, base: AssessmentRules = DEFAULT_RULES): AssessmentRules {
  if (!override) return base;
  return {
    weights: { ...base.weights, ...override.weights },
    targets: { ...base.targets, ...override.targets },
    deductions: { ...base.deductions, ...override.deductions },
    manual: { ...base.manual, ...override.manual },
    grades: { ...base.grades, ...override.grades },
    verificationHours: override.verificationHours ?? base.verificationHours,
    noData: override.noData ?? base.noData,
  };
}

export function gradeOf(total: number, grades: AssessmentRules['grades']): Grade {
  if (total >= grades.excellent) return 'excellent';
  if (total >= grades.pass) return 'pass';
  return 'fail';
}
