import { carryOver, isSupervised, type Leader, type TrackedItem } from './carry-over';

const secretary: Leader = { memberId: 7, name: '李书记' };
const deputy: Leader = { memberId: 8, name: '王副书记' };
const at = (d: string) => new Date(`${d}T00:30:00Z`);

/** Runs one meeting: the previous meeting's items, which refs are solved now, and the fresh items. */
function meeting(previous: TrackedItem[], solved: string[], fresh: string[], now: Date, leaders: Leader[] = [secretary]) {
  return carryOver({
    previous,
    status: (ref) => ({ solved: solved.includes(ref) }),
    fresh: fresh.map((ref) => ({ ref, source: 'event' as const, title: `问题 ${ref}`, unitId: 11 })),
    leaders,
    now,
  });
}

describe('carry-over and 督办 over three weekly meetings', () => {
  it('drops an item solved in week 2, reports an open one a second time, and puts it under 督办 in week 3 where it stays', () => {
    const week1 = meeting([], [], ['event:A', 'event:B'], at('2026-11-09'));
    expect(week1.tracked.map((i) => [i.ref, i.appearances, isSupervised(i)])).toEqual([
      ['event:A', 1, false],
      ['event:B', 1, false],
    ]);

    const week2 = meeting(week1.tracked, ['event:A'], ['event:C'], at('2026-11-16'));
    expect(week2.solved.map((i) => i.ref)).toEqual(['event:A']);
    expect(week2.carried.map((i) => [i.ref, i.appearances, i.supervisor])).toEqual([['event:B', 2, null]]);
    expect(week2.newlySupervised).toEqual([]);
    expect(week2.tracked.map((i) => i.ref)).toEqual(['event:B', 'event:C']);

    const week3 = meeting(week2.tracked, [], [], at('2026-11-23'));
    expect(week3.carried.map((i) => [i.ref, i.appearances, i.supervisor?.name])).toEqual([
      ['event:B', 3, '李书记'],
      ['event:C', 2, undefined],
    ]);
    expect(week3.newlySupervised.map((i) => i.ref)).toEqual(['event:B']);
    expect(week3.carried[0].supervisedSince).toEqual(at('2026-11-23'));

    const week4 = meeting(week3.tracked, [], [], at('2026-11-30'));
    const b = week4.carried.find((i) => i.ref === 'event:B')!;
    expect([b.appearances, b.supervisor?.name, b.supervisedSince]).toEqual([4, '李书记', at('2026-11-23')]);
    expect(week4.newlySupervised.map((i) => i.ref)).toEqual(['event:C']);

    const week5 = meeting(week4.tracked, ['event:B'], [], at('2026-12-07'));
    expect(week5.solved.map((i) => i.ref)).toEqual(['event:B']);
    expect(week5.carried.map((i) => i.ref)).toEqual(['event:C']);
  });

  it('spreads supervision over the leaders by load and keeps an assigned leader', () => {
    const items: TrackedItem[] = ['X', 'Y', 'Z'].map((r) => ({ ref: r, source: 'event', title: r, unitId: 1, appearances: 2, supervisor: null, supervisedSince: null }));
    const next = meeting(items, [], [], at('2026-11-23'), [secretary, deputy]);
    expect(next.carried.map((i) => i.supervisor?.name)).toEqual(['李书记', '王副书记', '李书记']);
    const again = meeting(next.tracked, [], [], at('2026-11-30'), [deputy, secretary]);
    expect(again.carried.map((i) => i.supervisor?.name)).toEqual(['李书记', '王副书记', '李书记']);
  });

  it('marks an item supervised even when the community has no leader to name', () => {
    const items: TrackedItem[] = [{ ref: 'X', source: 'event', title: 'X', unitId: 1, appearances: 2, supervisor: null, supervisedSince: null }];
    const next = meeting(items, [], [], at('2026-11-23'), []);
    expect(isSupervised(next.carried[0])).toBe(true);
    expect(next.carried[0].supervisor).toBeNull();
  });

  it('ignores a fresh item that is already carried and reports vanished items apart', () => {
    const items: TrackedItem[] = [{ ref: 'X', source: 'event', title: 'X', unitId: 1, appearances: 1, supervisor: null, supervisedSince: null }];
    const next = carryOver({ previous: items, status: () => ({ solved: false }), fresh: [{ ref: 'X', source: 'event', title: 'X', unitId: 1 }], leaders: [], now: at('2026-11-23') });
    expect(next.tracked.map((i) => [i.ref, i.appearances])).toEqual([['X', 2]]);
    const vanished = carryOver({ previous: items, status: () => undefined, fresh: [], leaders: [], now: at('2026-11-23') });
    expect(vanished.gone.map((i) => i.ref)).toEqual(['X']);
    expect(vanished.tracked).toEqual([]);
  });
});
