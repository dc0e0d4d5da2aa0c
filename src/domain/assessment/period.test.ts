import { DEFAULT_TIME_ZONE as zone, WorkingCalendar } from '../calendar/working-calendar';
import { parsePeriod, previousPeriod, workingDaysOf, rank, topAndBottom, trend } from '.';

const now = new Date('2026-11-24T03:00:00Z'); // Tuesday 24 Nov 2026, 11:00 in Shanghai

describe('assessment periods', () => {
  it('reads 本月, 上月, 本季度, 上季度, 今年 relative to now in Shanghai', () => {
    expect(parsePeriod('本月', now, zone)).toMatchObject({ kind: 'month', key: '2026-11', label: '2026年11月' });
    expect(parsePeriod('上月', now, zone)?.key).toBe('2026-10');
    expect(parsePeriod('本季度', now, zone)?.key).toBe('2026Q4');
    expect(parsePeriod('上季度', now, zone)?.key).toBe('2026Q3');
    expect(parsePeriod('今年', now, zone)?.key).toBe('2026');
    // 31 Dec 17:00 UTC is already 1 January in Shanghai
    expect(parsePeriod('本月', new Date('2026-12-31T17:00:00Z'), zone)?.key).toBe('2027-01');
  });

  it('reads months, quarters and years as typed', () => {
    const nov = parsePeriod('2026-11', now, zone)!;
    expect(nov.start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(nov.end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parsePeriod('2026年11月', now, zone)?.key).toBe('2026-11');
    expect(parsePeriod('202611', now, zone)?.key).toBe('2026-11');
    const q4 = parsePeriod('2026Q4', now, zone)!;
    expect(q4).toMatchObject({ kind: 'quarter', label: '2026年第四季度' });
    expect(q4.start.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(q4.end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(parsePeriod('2026q1', now, zone)?.key).toBe('2026Q1');
    expect(parsePeriod('2026年第三季度', now, zone)?.key).toBe('2026Q3');
    expect(parsePeriod('2026', now, zone)).toMatchObject({ kind: 'year', label: '2026年' });
    expect(parsePeriod('2026年', now, zone)?.key).toBe('2026');
  });

  it('refuses what is not a period', () => {
    for (const bad of ['2026-13', '2026Q5', '明年春天', '26-11', '1999', '@张三', '20261']) expect(parsePeriod(bad, now, zone)).toBeNull();
  });

  it('steps back across a year boundary', () => {
    expect(previousPeriod(parsePeriod('2026-01', now, zone)!, zone).key).toBe('2025-12');
    expect(previousPeriod(parsePeriod('2026Q1', now, zone)!, zone).key).toBe('2025Q4');
  });

  it('counts the working days that have begun, skipping the National Day holiday', () => {
    const calendar = new WorkingCalendar();
    const oct = parsePeriod('2026-10', now, zone)!;
    const days = workingDaysOf(oct, now, calendar);
    expect(days[0]).toBe('2026-10-08'); // 1–7 October are off
    expect(days).toContain('2026-10-10'); // a make-up Saturday (调休上班)
    expect(workingDaysOf(parsePeriod('2026-11', now, zone)!, now, calendar)).toHaveLength(17); // 2–24 Nov, weekdays
  });
});

describe('ranking', () => {
  it('shares a rank on equal totals and skips the next', () => {
    const grids = [
      { code: '01001002', total: 80 },
      { code: '01001001', total: 92 },
      { code: '01002001', total: 80 },
      { code: '01002002', total: 55 },
    ];
    const ranked = rank(grids, (g) => g.total, (a, b) => a.code.localeCompare(b.code));
    expect(ranked.map((r) => [r.item.code, r.rank])).toEqual([
      ['01001001', 1],
      ['01001002', 2],
      ['01002001', 2],
      ['01002002', 4],
    ]);
    const { top, bottom } = topAndBottom(ranked, 1);
    expect(top[0].item.code).toBe('01001001');
    expect(bottom[0].item.code).toBe('01002002');
  });

  it('reports the trend against the previous period', () => {
    expect(trend(85.5, 80)).toBe(5.5);
    expect(trend(85.5, null)).toBeNull();
  });
});
