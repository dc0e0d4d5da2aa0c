import { parseArrangement, statutoryArrangement } from './arrangement';
import { WorkingCalendar } from './working-calendar';

const NOTICE_2026 = `一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。`;

describe('the notice as written', () => {
  it('reads ranges, lists, lunar notes and make-up days', () => {
    const parsed = parseArrangement(2026, NOTICE_2026);
    if (!parsed.ok) throw new Error(parsed.refusal.code);
    const [newYear, spring, qingming] = parsed.arrangement.holidays;
    expect(newYear).toEqual({ name: '元旦', days: ['2026-01-01', '2026-01-02', '2026-01-03'], workdays: ['2026-01-04'] });
    expect(spring.days).toHaveLength(9);
    expect(spring.workdays).toEqual(['2026-02-14', '2026-02-28']);
    expect(qingming.days).toEqual(['2026-04-04', '2026-04-05', '2026-04-06']);
  });

  it('agrees with the published 2026 tables the package ships', () => {
    const parsed = parseArrangement(2026, NOTICE_2026);
    if (!parsed.ok) throw new Error(parsed.refusal.code);
    const published = new WorkingCalendar().arrangementOf(2026).arrangement.holidays;
    for (const h of parsed.arrangement.holidays) {
      const same = published.find((p) => p.name.startsWith(h.name.replace(/节$/, '')));
      expect({ name: h.name, days: same?.days, workdays: same?.workdays }).toEqual({ name: h.name, days: h.days, workdays: h.workdays });
    }
  });

  it('reads a holiday across the year boundary', () => {
    const parsed = parseArrangement(2024, '元旦：2023年12月30日至2024年1月1日放假调休，共3天。');
    expect(parsed.ok && parsed.arrangement.holidays[0].days).toEqual(['2023-12-30', '2023-12-31', '2024-01-01']);
  });

  it.each([
    ['', 'empty'],
    ['1月1日放假', 'noName'],
    ['：1月1日放假', 'noName'],
    ['元旦：与周末连休', 'empty'],
    ['元旦：1月1日（周五）至3日（周日）放假，共3天。', 'weekdayMismatch'],
    ['春节：2月15日至23日放假，共8天。', 'countMismatch'],
    ['春节：2月30日放假', 'badDate'],
    ['春节：2月23日至15日放假', 'reversedRange'],
    ['元旦：1月1日至3日放假。1月5日（周一）上班。', 'workdayNotWeekend'],
    ['元旦：1月1日放假\n春节：1月1日放假', 'duplicateDay'],
    ['国庆：2027年10月1日放假', 'outOfYear'],
    ['国庆：10月10日（周六）上班', 'noHoliday'],
  ])('refuses %j (%s)', (text, code) => {
    const parsed = parseArrangement(2026, text);
    expect(parsed.ok ? 'ok' : parsed.refusal.code).toBe(code);
  });
});

describe('a year nobody entered', () => {
  it('knows the statutory days of 2027, the lunar ones computed', () => {
    const days = Object.fromEntries(statutoryArrangement(2027).holidays.map((h) => [h.name, h.days]));
    expect(days).toEqual({
      元旦: ['2027-01-01'],
      春节: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
      清明节: ['2027-04-05'],
      劳动节: ['2027-05-01', '2027-05-02'],
      端午节: ['2027-06-09'],
      中秋节: ['2027-09-15'],
      国庆节: ['2027-10-01', '2027-10-02', '2027-10-03'],
    });
  });

  it('computes the same lunar festivals as the published tables for the years they cover', () => {
    const calendar = new WorkingCalendar();
    for (const year of [2023, 2024, 2025, 2026]) {
      const published = calendar.arrangementOf(year).arrangement.holidays.flatMap((h) => h.days);
      for (const h of statutoryArrangement(year).holidays.filter((x) => ['春节', '清明节', '端午节', '中秋节'].includes(x.name))) {
        // 除夕 is a statutory day only from 2025; the first day of each festival is always off.
        expect({ year, name: h.name, off: published.includes(h.days[h.name === '春节' ? 1 : 0]) }).toEqual({ year, name: h.name, off: true });
      }
    }
  });

  it('makes those days non-working and adds no make-up days', () => {
    const calendar = new WorkingCalendar();
    expect(calendar.arrangementOf(2027).source).toBe('statutory');
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false);
    expect(calendar.isWorkingDay('2027-02-08')).toBe(false);
    expect(calendar.isWorkingDay('2027-02-09')).toBe(true);
    expect(calendar.officialDayName('2027-09-15')).toBe('中秋节');
  });

  it('an entered year replaces the statutory days', () => {
    const parsed = parseArrangement(2027, '春节：2月5日（周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。');
    if (!parsed.ok) throw new Error(parsed.refusal.code);
    const calendar = new WorkingCalendar({ arrangements: [parsed.arrangement] });
    expect(calendar.arrangementOf(2027).source).toBe('entered');
    expect(calendar.isWorkingDay('2027-02-09')).toBe(false);
    expect(calendar.isWorkingDay('2027-02-20')).toBe(true);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(true); // 元旦 not in this (partial) entry
  });
});
