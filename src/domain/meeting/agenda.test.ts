import { DEFAULT_TIME_ZONE } from '../calendar/working-calendar';
import { composeMonthlyAgenda, composeWeeklyAgenda, hardCaseReasons, nextStepFor, percent, type CommunityMonth, type GridWeek, type MatterFacts } from './agenda';
import { weeklyOccurrence, monthlyOccurrence } from './meeting';
import { WorkingCalendar } from '../calendar/working-calendar';

const zone = DEFAULT_TIME_ZONE;
const now = new Date('2026-11-22T23:30:00Z');
const grid = (id: number, code: string, name: string, reported: number): GridWeek => ({
  grid: { id, code, name },
  events: { reported, solved: reported - 1, open: 1, returned: 0, settledOnSpot: 0 },
  infoReports: { done: 2, of: 2 },
  patrols: { done: 4, of: 5 },
  notable: [],
});
const matter = (ref: string, patch: Partial<MatterFacts> = {}): MatterFacts => ({
  ref: `event:${ref}`,
  number: ref,
  title: `问题${ref}`,
  unitId: 11,
  reportedAt: new Date('2026-11-18T02:00:00Z'),
  open: true,
  state: 'dispatched',
  handlerLevel: 'grid',
  overdue: false,
  ...patch,
});

describe('weekly agenda', () => {
  it('sums the grids, lists last week problems with next steps, tracks the unsolved ones and charts events per grid', () => {
    const agenda = composeWeeklyAgenda({
      community: { id: 3, code: '01001', name: '阳光社区' },
      occurrence: weeklyOccurrence(now, zone),
      grids: [grid(12, '01001002', '二网格', 2), grid(11, '01001001', '一网格', 5)],
      problems: [matter('SJ2', { state: 'reported' }), matter('SJ1', { open: false, state: 'closed', reportedAt: new Date('2026-11-17T02:00:00Z') })],
      previous: null,
      status: () => undefined,
      leaders: [],
      now,
    });
    expect(agenda.grids.map((g) => g.grid.code)).toEqual(['01001001', '01001002']);
    expect(agenda.totals).toMatchObject({ reported: 7, solved: 5, open: 2, infoReports: { done: 4, of: 4 }, patrols: { done: 8, of: 10 } });
    expect(agenda.problems.map((p) => [p.number, p.open, p.nextStep])).toEqual([
      ['SJ1', false, null],
      ['SJ2', true, 'accept'],
    ]);
    expect(agenda.tracked.map((i) => [i.ref, i.appearances])).toEqual([['event:SJ2', 1]]);
    expect(agenda.chart.bars).toEqual([
      { label: '一网格', shortLabel: '01001001', value: 5 },
      { label: '二网格', shortLabel: '01001002', value: 2 },
    ]);
  });
});

describe('next steps and hard cases', () => {
  it('proposes the next step from the state, the deadline and the level holding the matter', () => {
    expect(nextStepFor(matter('a', { state: 'accepted' }), 'community')).toBe('dispatch');
    expect(nextStepFor(matter('a', { overdue: true }), 'community')).toBe('urge');
    expect(nextStepFor(matter('a', { state: 'submitted' }), 'community')).toBe('verify');
    expect(nextStepFor(matter('a', { handlerLevel: 'town' }), 'community')).toBe('follow_higher');
    expect(nextStepFor(matter('a', { handlerLevel: 'town' }), 'town')).toBe('follow_up');
    expect(nextStepFor(matter('a', { open: false }), 'community')).toBeNull();
  });

  it('calls a matter a hard case when escalated to town or county, or open for more than 30 days', () => {
    const at = new Date('2026-12-01T01:00:00Z');
    expect(hardCaseReasons(matter('a', { handlerLevel: 'county' }), at)).toEqual(['escalated']);
    expect(hardCaseReasons(matter('a', { reportedAt: new Date('2026-10-31T00:59:00Z') }), at)).toEqual(['long_open']);
    expect(hardCaseReasons(matter('a', { reportedAt: new Date('2026-11-01T01:00:00Z') }), at)).toEqual([]);
    expect(hardCaseReasons(matter('a', { handlerLevel: 'town', open: false }), at)).toEqual([]);
    expect(percent({ done: 2, of: 3 })).toBe(66.7);
    expect(percent({ done: 0, of: 0 })).toBeNull();
  });
});

describe('monthly agenda', () => {
  it('lists the communities with their plans, the missing plans, the hard cases and the category chart', () => {
    const month = (id: number, code: string, name: string, byCategory: Record<string, number>): CommunityMonth => ({
      community: { id, code, name },
      events: { reported: 3, solved: 2, open: 1, returned: 0, settledOnSpot: 1, escalated: 0, byCategory },
      tasks: { done: 3, of: 4 },
      infoReports: null,
      patrols: null,
    });
    const at = new Date('2026-12-01T00:00:00Z');
    const agenda = composeMonthlyAgenda({
      town: { id: 2, code: '01', name: '幸福街道' },
      occurrence: monthlyOccurrence(at, new WorkingCalendar(), zone),
      communities: [month(4, '01002', '和平社区', { 矛盾纠纷: 1, 安全隐患: 2 }), month(3, '01001', '阳光社区', { 安全隐患: 3 })],
      planMonth: '2026-12',
      plans: [{ communityId: 3, month: '2026-12', text: '开展冬季消防检查', submittedBy: '李书记', submittedAt: at }],
      candidates: [
        { ...matter('SJ9', { handlerLevel: 'town' }), communityId: 4 },
        { ...matter('SJ8', { reportedAt: new Date('2026-10-01T00:00:00Z') }), communityId: 3 },
        { ...matter('SJ7'), communityId: 3 },
      ],
      previous: null,
      status: () => undefined,
      leaders: [],
      now: at,
    });
    expect(agenda.communities.map((c) => [c.community.name, c.plan?.text ?? null])).toEqual([
      ['阳光社区', '开展冬季消防检查'],
      ['和平社区', null],
    ]);
    expect(agenda.missingPlans.map((u) => u.name)).toEqual(['和平社区']);
    expect(agenda.hardCases.map((h) => [h.number, h.reasons])).toEqual([
      ['SJ8', ['long_open']],
      ['SJ9', ['escalated']],
    ]);
    expect(agenda.tracked.map((i) => i.ref)).toEqual(['event:SJ8', 'event:SJ9']);
    expect(agenda.totals.tasks).toEqual({ done: 6, of: 8 });
    expect(agenda.chart.bars.map((b) => [b.label, b.value])).toEqual([
      ['安全隐患', 5],
      ['矛盾纠纷', 1],
    ]);
  });
});
