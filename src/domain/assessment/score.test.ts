import {
  DEFAULT_RULES,
  deductions,
  emptyFacts,
  gradeOf,
  handlingRate,
  manualPoints,
  mergeRules,
  patrolRatio,
  reportingEfficiency,
  scoreOf,
  sumFacts,
  tasksOnTimeRate,
  type AssessmentFacts,
} from '.';

/** A gridworker's month with every indicator at 100 %. */
function perfectMonth(): AssessmentFacts {
  return {
    ...emptyFacts(),
    tasks: { due: 4, onTime: 4 },
    infoReports: { done: 8, of: 8 },
    patrols: { done: 21, of: 21 },
    reporting: { reported: 10, withdrawn: 0 },
    handling: { handled: 4, taken: 4, returned: 0 },
    verification: { done: 2, of: 2 },
    satisfaction: { done: 5, of: 5 },
  };
}

const points = (facts: AssessmentFacts, indicator: string, rules = DEFAULT_RULES) => scoreOf(facts, rules).indicators.find((i) => i.indicator === indicator)!.points;

describe('the formulas', () => {
  it('上报效率 = (reported − withdrawn) / reported', () => {
    expect(reportingEfficiency({ reported: 10, withdrawn: 2 })).toEqual({ done: 8, of: 10 });
    expect(reportingEfficiency({ reported: 0, withdrawn: 0 })).toEqual({ done: 0, of: 0 });
  });

  it('任务办理率 = (handled + taken − returned) / (handled + taken)', () => {
    expect(handlingRate({ handled: 6, taken: 8, returned: 2 })).toEqual({ done: 12, of: 14 });
    expect(handlingRate({ handled: 0, taken: 0, returned: 0 })).toEqual({ done: 0, of: 0 });
  });

  it('tasks on time are those reported done by the deadline of those due', () => {
    expect(tasksOnTimeRate({ due: 5, onTime: 3 })).toEqual({ done: 3, of: 5 });
  });

  it('patrol days exclude leave days from the working days required', () => {
    const ratio = patrolRatio({
      workingDays: ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'],
      leaveDays: ['2026-11-05', '2026-11-06'],
      // a Saturday patrol and a patrol on a leave day add nothing
      patrolDays: ['2026-11-02', '2026-11-03', '2026-11-06', '2026-11-07'],
    });
    expect(ratio).toEqual({ done: 2, of: 3 });
  });

  it('a whole period on leave requires no patrol at all', () => {
    expect(patrolRatio({ workingDays: ['2026-11-02'], leaveDays: ['2026-11-02'], patrolDays: [] })).toEqual({ done: 0, of: 0 });
  });

  it('grades at 90 and 60 by default, and as configured', () => {
    expect(gradeOf(90, DEFAULT_RULES.grades)).toBe('excellent');
    expect(gradeOf(89.9, DEFAULT_RULES.grades)).toBe('pass');
    expect(gradeOf(60, DEFAULT_RULES.grades)).toBe('pass');
    expect(gradeOf(59.9, DEFAULT_RULES.grades)).toBe('fail');
    expect(gradeOf(85, mergeRules({ grades: { excellent: 85 } }).grades)).toBe('excellent');
  });
});

describe('the 100-point score', () => {
  it('gives 100 and 优秀 for a perfect month', () => {
    const s = scoreOf(perfectMonth(), DEFAULT_RULES);
    expect(s.total).toBe(100);
    expect(s.grade).toBe('excellent');
    // 培训学时 carries no points unless a deployment gives it a weight.
    expect(s.indicators.map((i) => i.points)).toEqual([20, 15, 20, 10, 15, 10, 10, 0, 0, 0]);
  });

  it('scores each indicator in proportion to its target', () => {
    const facts = { ...perfectMonth(), tasks: { due: 4, onTime: 3 }, satisfaction: { done: 9, of: 10 } };
    expect(points(facts, 'tasksOnTime')).toBe(15); // 20 × 3/4
    expect(points(facts, 'satisfaction')).toBeCloseTo((10 * 0.9) / 0.95, 6); // target 95 %
    expect(scoreOf(facts, DEFAULT_RULES).total).toBe(94.5);
  });

  it('with no tasks at all, the task indicators earn full points (nothing was due, nothing missed)', () => {
    const facts = { ...perfectMonth(), tasks: { due: 0, onTime: 0 }, handling: { handled: 0, taken: 0, returned: 0 } };
    const s = scoreOf(facts, DEFAULT_RULES);
    expect(s.total).toBe(100);
    expect(s.indicators.find((i) => i.indicator === 'tasksOnTime')!.rate).toBeNull();
  });

  it('with no tasks and the "excluded" policy, the other indicators are scaled to 100', () => {
    const facts = { ...perfectMonth(), tasks: { due: 0, onTime: 0 }, patrols: { done: 10, of: 20 } };
    const s = scoreOf(facts, mergeRules({ noData: 'excluded' }));
    // 80 weight counted; earned 60 + 10 (half the patrol points) = 70 → 70 × 100 / 80
    expect(s.base).toBe(87.5);
  });

  it('all tasks overdue: no task points and one point off per overdue item', () => {
    const facts = { ...perfectMonth(), tasks: { due: 5, onTime: 0 }, overdue: 5 };
    const s = scoreOf(facts, DEFAULT_RULES);
    expect(points(facts, 'tasksOnTime')).toBe(0);
    expect(s.overdueDeduction).toBe(5);
    expect(s.total).toBe(75);
    expect(s.grade).toBe('pass');
  });

  it('leaves out what the platform does not record yet and scales the rest', () => {
    const facts = { ...perfectMonth(), infoReports: null, patrols: null, tasks: { due: 2, onTime: 1 } };
    const s = scoreOf(facts, DEFAULT_RULES);
    // counted weight 65; earned 10 + 10 + 15 + 10 + 10 = 55 → 55 × 100 / 65
    expect(s.base).toBe(84.6);
    expect(s.indicators.filter((i) => !i.counted).map((i) => i.indicator)).toEqual(['infoReportsOnTime', 'patrolDays', 'trainingHours', 'visitCoverage', 'daibanOnTime']);
  });

  it('counts training hours of the year when the rules give them a weight', () => {
    const rules = mergeRules({ weights: { patrolDays: 10, trainingHours: 10 } });
    const facts = { ...perfectMonth(), training: { done: 30, of: 40 } };
    expect(points(facts, 'trainingHours', rules)).toBe(7.5);
    expect(scoreOf(facts, rules).total).toBe(97.5);
  });

  it('deducts for 督办 first and caps all deductions', () => {
    expect(deductions({ supervisions: 3, overdue: 2 }, DEFAULT_RULES.deductions)).toEqual({ supervision: 6, overdue: 2 });
    expect(deductions({ supervisions: 8, overdue: 30 }, DEFAULT_RULES.deductions)).toEqual({ supervision: 16, overdue: 4 });
  });

  it('caps manual add and deduct entries separately and never leaves 0–100', () => {
    expect(manualPoints([{ points: 8, reason: 'a' }, { points: 5, reason: 'b' }, { points: -3, reason: 'c' }], DEFAULT_RULES.manual)).toBe(7);
    const up = scoreOf({ ...perfectMonth(), adjustments: [{ points: 5, reason: '表彰' }] }, DEFAULT_RULES);
    expect(up.total).toBe(100);
    const down = scoreOf({ ...perfectMonth(), tasks: { due: 3, onTime: 0 }, overdue: 3, supervisions: 10, adjustments: [{ points: -20, reason: '投诉' }] }, DEFAULT_RULES);
    expect(down.total).toBe(40); // 80 (tasks 0 of 20, the rest full) − 20 capped deductions − 20 manual
    expect(down.grade).toBe('fail');
  });

  it('sums the facts of several gridworkers into their grid', () => {
    const a = { ...perfectMonth(), tasks: { due: 2, onTime: 2 }, patrols: { done: 20, of: 20 } };
    const b = { ...perfectMonth(), tasks: { due: 2, onTime: 0 }, patrols: null, overdue: 2 };
    const grid = sumFacts([a, b]);
    expect(grid.tasks).toEqual({ due: 4, onTime: 2 });
    expect(grid.patrols).toEqual({ done: 20, of: 20 });
    expect(grid.overdue).toBe(2);
  });

  it('counts visit coverage once the county gives it points', () => {
    const facts = { ...perfectMonth(), visits: { done: 3, of: 4 } };
    expect(scoreOf(facts, DEFAULT_RULES).total).toBe(100);
    const weighted = mergeRules({ weights: { visitCoverage: 10, satisfaction: 0 } });
    const s = scoreOf(facts, weighted);
    expect(s.indicators.find((i) => i.indicator === 'visitCoverage')).toMatchObject({ rate: 0.75, points: 7.5, counted: true });
    expect(s.total).toBe(97.5);
  });

  it('counts 代办按时办结率 once the county gives it points', () => {
    const facts = { ...perfectMonth(), daiban: { done: 1, of: 2 } };
    expect(scoreOf(facts, DEFAULT_RULES).total).toBe(100);
    const s = scoreOf(facts, mergeRules({ weights: { daibanOnTime: 10, satisfaction: 0 } }));
    expect(s.indicators.find((i) => i.indicator === 'daibanOnTime')).toMatchObject({ rate: 0.5, points: 5, counted: true });
    expect(s.total).toBe(95);
  });
});
