import { DEFAULT_TAGS, cadenceOf, isVisitOverdue, visitCoverage, visitDueAt } from './tags';

const day = (d: string) => new Date(`${d}T09:00:00+08:00`);

describe('visit cadences', () => {
  it('takes the shortest cadence of a household’s tags', () => {
    expect(cadenceOf(['低保户', '独居老人'], DEFAULT_TAGS)).toBe(7);
    expect(cadenceOf(['店铺'], DEFAULT_TAGS)).toBeNull();
    expect(cadenceOf([], DEFAULT_TAGS)).toBeNull();
  });

  it('is due a cadence after the last visit, or after registration when never visited', () => {
    expect(visitDueAt(day('2026-11-02'), day('2026-10-01'), 7)).toEqual(day('2026-11-09'));
    expect(visitDueAt(null, day('2026-11-01'), 7)).toEqual(day('2026-11-08'));
    expect(isVisitOverdue(day('2026-11-02'), day('2026-10-01'), 7, day('2026-11-08'))).toBe(false);
    expect(isVisitOverdue(day('2026-11-02'), day('2026-10-01'), 7, day('2026-11-09'))).toBe(true);
    expect(isVisitOverdue(null, day('2026-10-01'), null, day('2027-01-01'))).toBe(false);
  });

  it('counts coverage over households that need visits and existed at the time', () => {
    const asOf = day('2026-11-30');
    expect(
      visitCoverage(
        [
          { registeredAt: day('2026-10-01'), lastVisitAt: day('2026-11-28'), cadenceDays: 7 },
          { registeredAt: day('2026-10-01'), lastVisitAt: day('2026-11-01'), cadenceDays: 7 },
          { registeredAt: day('2026-10-01'), lastVisitAt: null, cadenceDays: null },
          { registeredAt: day('2026-12-05'), lastVisitAt: null, cadenceDays: 7 },
        ],
        asOf,
      ),
    ).toEqual({ done: 1, of: 2 });
  });
});
