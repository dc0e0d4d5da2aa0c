import { covers, daysIn, overlaps, parseLeaveDates } from './leave';
import { patrolStanding } from './patrol';

describe('leave dates', () => {
  const today = '2026-11-24';
  it('reads single days and ranges', () => {
    expect(parseLeaveDates('明天', today)).toEqual({ ok: true, span: { start: '2026-11-25', end: '2026-11-25' } });
    expect(parseLeaveDates('11月26日至11月28日', today)).toEqual({ ok: true, span: { start: '2026-11-26', end: '2026-11-28' } });
    expect(parseLeaveDates('1-3~1-4', '2026-12-30')).toEqual({ ok: true, span: { start: '2027-01-03', end: '2027-01-04' } });
  });

  it('refuses the past, reversed and unreadable dates', () => {
    expect(parseLeaveDates('11月20日', today)).toEqual({ ok: false, reason: 'in_past' });
    expect(parseLeaveDates('11月28日至11月26日', today)).toEqual({ ok: false, reason: 'reversed' });
    expect(parseLeaveDates('下个月', today)).toEqual({ ok: false, reason: 'unreadable' });
    expect(parseLeaveDates('2026-02-30', today)).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('overlaps and covers', () => {
    expect(overlaps({ start: '2026-11-25', end: '2026-11-27' }, { start: '2026-11-27', end: '2026-11-29' })).toBe(true);
    expect(overlaps({ start: '2026-11-25', end: '2026-11-26' }, { start: '2026-11-27', end: '2026-11-29' })).toBe(false);
    expect(covers({ start: '2026-11-25', end: '2026-11-27' }, '2026-11-26')).toBe(true);
    expect(daysIn({ start: '2026-11-30', end: '2026-12-01' })).toEqual(['2026-11-30', '2026-12-01']);
  });
});

describe('the patrol rule', () => {
  it('excuses who is on leave and lists who is missing', () => {
    expect(patrolStanding({ workers: [1, 2, 3], patrolled: new Set([1]), onLeave: new Set([3]) })).toEqual({ done: [1], missing: [2], excused: [3] });
  });
});
