import { countsForPublicSatisfaction, eventStanding, isTaskDue, isTaskOnTime, ratingSource, reportDayRatio, tallyEventGroups, tallyEvents, tallySatisfaction, tallyTasks, type TaskFigureFacts } from './figures';

const at = (iso: string) => new Date(`${iso}+08:00`);
const november = { start: at('2026-11-01T00:00:00'), end: at('2026-12-01T00:00:00') };
const now = at('2026-11-24T12:00:00');
const task = (t: Partial<TaskFigureFacts>): TaskFigureFacts => ({ state: 'done', deadline: at('2026-11-10T17:30:00'), submittedAt: null, finishedAt: null, ...t });

describe('event figures', () => {
  it('an event sent back is 退回, neither solved nor open, and the parts add up', () => {
    expect(eventStanding('returned')).toBe('returned');
    expect(eventStanding('settled_on_spot')).toBe('solved');
    expect(eventStanding('submitted')).toBe('open');
    const tally = tallyEvents([
      { state: 'closed', level: 'grid' },
      { state: 'returned', level: 'grid' },
      { state: 'reported', level: 'town' },
      { state: 'settled_on_spot', level: 'grid' },
      { state: 'in_progress', level: 'county' },
    ]);
    expect(tally).toEqual({ reported: 5, solved: 2, open: 2, returned: 1, settledOnSpot: 1, escalated: 2 });
    expect(tally.solved + tally.open + tally.returned).toBe(tally.reported);
  });

  it('counted in groups (as the database hands them over) gives the same figures as row by row', () => {
    const rows = [
      ...Array.from({ length: 3 }, () => ({ state: 'closed' as const, level: 'grid' as const })),
      { state: 'returned' as const, level: 'grid' as const },
      ...Array.from({ length: 2 }, () => ({ state: 'reported' as const, level: 'town' as const })),
    ];
    const grouped = tallyEventGroups([
      { facts: { state: 'closed', level: 'grid' }, count: 3 },
      { facts: { state: 'returned', level: 'grid' }, count: 1 },
      { facts: { state: 'reported', level: 'town' }, count: 2 },
    ]);
    expect(grouped).toEqual(tallyEvents(rows));
    expect(grouped).toEqual({ reported: 6, solved: 3, open: 2, returned: 1, settledOnSpot: 0, escalated: 2 });
  });
});

describe('task figures', () => {
  it('on time by the 办结, not by when it was checked', () => {
    const checkedLate = task({ submittedAt: at('2026-11-09T10:00:00'), finishedAt: at('2026-11-11T10:00:00') });
    expect(isTaskOnTime(checkedLate)).toBe(true);
    expect(isTaskOnTime(task({ finishedAt: at('2026-11-11T10:00:00') }))).toBe(false);
  });

  it('due once the deadline passed or the work was done; never when withdrawn or handed back', () => {
    expect(isTaskDue(task({ state: 'accepted' }), november, now)).toBe(true);
    expect(isTaskDue(task({ state: 'accepted', deadline: at('2026-11-28T17:30:00') }), november, now)).toBe(false);
    expect(isTaskDue(task({ deadline: at('2026-11-28T17:30:00'), finishedAt: at('2026-11-20T10:00:00') }), november, now)).toBe(true);
    expect(isTaskDue(task({ state: 'withdrawn' }), november, now)).toBe(false);
    expect(isTaskDue(task({ state: 'returned' }), november, now)).toBe(false);
    expect(isTaskDue(task({ deadline: at('2026-10-30T17:30:00') }), november, now)).toBe(false);
    expect(tallyTasks([task({ submittedAt: at('2026-11-09T10:00:00') }), task({ state: 'accepted' })], november, now)).toEqual({ due: 2, onTime: 1, late: 1 });
  });
});

describe('one report day', () => {
  it('leaves out who is on approved leave, as 考核 does', () => {
    expect(reportDayRatio([1, 2], new Set([2]), new Set([1]))).toEqual({ done: 1, of: 1 });
    expect(reportDayRatio([1, 2], new Set([2]), new Set([2]))).toEqual({ done: 0, of: 1 });
  });
});

describe('群众满意率 and the members’ 评价', () => {
  it('counts residents’ ratings and 回访 answers as the public figure, members rating members apart', () => {
    expect(ratingSource(null)).toBe('resident');
    expect(ratingSource(7)).toBe('member');
    expect(countsForPublicSatisfaction('followup')).toBe(true);
    expect(countsForPublicSatisfaction('member')).toBe(false);
    expect(
      tallySatisfaction([
        { source: 'resident', rating: 'satisfied' },
        { source: 'followup', rating: 'unsatisfied' },
        { source: 'followup', rating: 'basically_satisfied' },
        { source: 'member', rating: 'satisfied' },
        { source: 'member', rating: 'unsatisfied' },
      ]),
    ).toEqual({ public: { done: 2, of: 3 }, members: { done: 1, of: 2 } });
  });
});
