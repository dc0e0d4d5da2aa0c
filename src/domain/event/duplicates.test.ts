import { DEFAULT_TIME_ZONE } from '../calendar/working-calendar';
import { DateTime } from 'luxon';
import { bigramSimilarity, duplicateLikelihood, findLikelyDuplicates } from './duplicates';
import type { EventState } from './event';

function sh(local: string): Date {
  return DateTime.fromISO(local, { zone: DEFAULT_TIME_ZONE }).toJSDate();
}

const report = {
  gridUnitId: 301,
  category: { category: '环境卫生', item: null },
  description: '幸福路12号门口垃圾堆放好几天了',
  reportedAt: sh('2026-11-24T10:00'),
};

function existing(number: string, description: string, overrides: Partial<{ gridUnitId: number; category: { category: string; item: string | null }; reportedAt: Date; state: EventState; location: string | null }> = {}) {
  return {
    number,
    state: 'accepted' as EventState,
    gridUnitId: 301,
    category: { category: '环境卫生', item: '垃圾堆放' },
    description,
    reportedAt: sh('2026-11-22T09:00'),
    ...overrides,
  };
}

describe('bigramSimilarity', () => {
  it('is 1 for the same text, ignoring punctuation and spaces, and 0 for nothing shared', () => {
    expect(bigramSimilarity('垃圾堆放', '垃圾 堆放！')).toBe(1);
    expect(bigramSimilarity('垃圾堆放', '路灯不亮')).toBe(0);
    expect(bigramSimilarity('', '')).toBe(0);
  });

  it('is higher for a rephrasing of the same matter than for another matter', () => {
    const same = bigramSimilarity('幸福路12号门口垃圾堆放好几天了', '幸福路12号垃圾堆放三天');
    const other = bigramSimilarity('幸福路12号门口垃圾堆放好几天了', '和平街路灯坏了');
    expect(same).toBeGreaterThan(0.4);
    expect(other).toBeLessThan(0.1);
  });
});

describe('duplicates shown to the reporter', () => {
  it('finds the open event about the same heap, most likely first', () => {
    const candidates = [
      existing('SJ20261122-0001', '和平街路灯坏了'),
      existing('SJ20261122-0007', '幸福路12号垃圾堆放三天'),
      existing('SJ20261123-0002', '幸福路垃圾没人清运'),
    ];
    const found = findLikelyDuplicates(report, candidates);
    expect(found.map((m) => m.event.number)).toEqual(['SJ20261122-0007']);
  });

  it('ignores other grids, other categories, old and closed events', () => {
    const text = '幸福路12号垃圾堆放三天';
    expect(duplicateLikelihood(report, existing('a', text, { gridUnitId: 302 }))).toBe(0);
    expect(duplicateLikelihood(report, existing('b', text, { category: { category: '市容环境', item: null } }))).toBe(0);
    expect(duplicateLikelihood(report, existing('c', text, { reportedAt: sh('2026-11-10T09:00') }))).toBe(0);
    expect(duplicateLikelihood(report, existing('c', text, { reportedAt: sh('2026-11-10T09:00') }), 30)).toBeGreaterThan(0.4);
    expect(findLikelyDuplicates(report, [existing('d', text, { state: 'closed' })])).toEqual([]);
  });

  it('weighs the location in when both have one', () => {
    const near = duplicateLikelihood({ ...report, location: '幸福路12号' }, existing('e', '门口堆了很多垃圾', { location: '幸福路12号' }));
    const far = duplicateLikelihood({ ...report, location: '幸福路12号' }, existing('f', '门口堆了很多垃圾', { location: '和平街3号' }));
    expect(near).toBeGreaterThan(far);
  });

  it('limits and thresholds are options', () => {
    const many = Array.from({ length: 5 }, (_, i) => existing(`SJ${i}`, '幸福路12号门口垃圾堆放好几天了'));
    expect(findLikelyDuplicates(report, many, { limit: 2 })).toHaveLength(2);
    expect(findLikelyDuplicates(report, [existing('g', '幸福路垃圾没人清运')], { threshold: 0.1 })).toHaveLength(1);
  });
});
