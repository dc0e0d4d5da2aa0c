import { DateTime } from 'luxon';
import { CalendarConfigError, WorkingCalendar } from './working-calendar';

/** A Shanghai wall-clock time as an instant. */
function sh(local: string): Date {
  return DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toJSDate();
}
function show(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: 'Asia/Shanghai' }).toFormat("yyyy-MM-dd'T'HH:mm");
}

const calendar = new WorkingCalendar();

describe('official calendar around the 2026 National Day (国庆 10-01..10-07, 调休 09-20 and 10-10)', () => {
  it.each([
    ['2026-09-19', false], // Saturday
    ['2026-09-20', true], // Sunday, make-up workday
    ['2026-09-25', false], // 中秋
    ['2026-09-27', false], // 中秋, Sunday
    ['2026-09-28', true],
    ['2026-09-30', true],
    ['2026-10-01', false],
    ['2026-10-05', false], // Monday in the holiday
    ['2026-10-07', false],
    ['2026-10-08', true], // Thursday, back to work
    ['2026-10-09', true],
    ['2026-10-10', true], // Saturday, make-up workday
    ['2026-10-11', false],
    ['2026-10-12', true],
  ])('%s is a working day: %s', (day, working) => {
    expect(calendar.isWorkingDay(day)).toBe(working);
  });

  it('does not depend on the process time zone (chinese-days\' own helpers do, west of UTC)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(calendar.isWorkingDay('2026-09-19')).toBe(false);
      expect(calendar.isWorkingDay('2026-09-20')).toBe(true);
      expect(calendar.isWorkingDay('2026-11-28')).toBe(false);
    } finally {
      process.env.TZ = saved;
    }
  });

  it('names the holiday a day belongs to', () => {
    expect(calendar.officialDayName('2026-10-03')).toBe('国庆节');
    expect(calendar.officialDayName('2026-10-10')).toBe('国庆节');
    expect(calendar.officialDayName('2026-10-12')).toBeNull();
  });

  it('judges an instant by its Shanghai date, not its UTC date', () => {
    // 2026-10-07T16:30Z is 2026-10-08 00:30 in Shanghai: a working day.
    expect(calendar.isWorkingDay(new Date('2026-10-07T16:30:00Z'))).toBe(true);
    expect(calendar.localDate(new Date('2026-10-07T16:30:00Z'))).toBe('2026-10-08');
  });

  it('jumps the holiday for the next working day', () => {
    expect(calendar.nextWorkingDay('2026-09-30')).toBe('2026-10-08');
    expect(calendar.nextWorkingDay('2026-10-09')).toBe('2026-10-10');
    expect(calendar.nextWorkingDay('2026-10-10')).toBe('2026-10-12');
    expect(calendar.nextWorkingDay('2026-09-24')).toBe('2026-09-28');
    expect(calendar.workingDayOnOrAfter('2026-10-02')).toBe('2026-10-08');
    expect(calendar.workingDayOnOrAfter('2026-10-08')).toBe('2026-10-08');
  });

  it('"1个工作日" on the eve of the holiday lands after it, at the same clock time', () => {
    expect(show(calendar.addWorkingDays(sh('2026-09-30T10:00'), 1))).toBe('2026-10-08T10:00');
  });

  it('"3个工作日" from Tuesday before the holiday counts 09-30, 10-08, 10-09', () => {
    expect(show(calendar.addWorkingDays(sh('2026-09-29T15:20'), 3))).toBe('2026-10-09T15:20');
  });

  it('counts the Saturday make-up workday and caps an evening dispatch at 17:30', () => {
    expect(show(calendar.addWorkingDays(sh('2026-10-09T18:00'), 1))).toBe('2026-10-10T17:30');
  });

  it('counting from a holiday starts with the first working day after it', () => {
    // 10-08 is day 1, 10-09 day 2, 10-10 (Saturday, make-up) day 3.
    expect(show(calendar.addWorkingDays(sh('2026-10-03T10:00'), 3))).toBe('2026-10-10T17:30');
    expect(show(calendar.addWorkingDays(sh('2026-10-03T10:00'), 1))).toBe('2026-10-08T17:30');
  });

  it('2 working hours at 16:30 on the eve of the holiday end at 09:30 on 10-08', () => {
    expect(show(calendar.addWorkingHours(sh('2026-09-30T16:30'), 2))).toBe('2026-10-08T09:30');
  });

  it('one working day overdue is reached only after the holiday', () => {
    const deadline = sh('2026-09-30T17:30');
    expect(calendar.workingDaysBetween(deadline, sh('2026-10-07T23:00'))).toBe(0);
    expect(calendar.workingDaysBetween(deadline, sh('2026-10-08T17:29'))).toBe(0);
    expect(calendar.workingDaysBetween(deadline, sh('2026-10-08T17:30'))).toBe(1);
    expect(calendar.workingDaysBetween(deadline, sh('2026-10-12T17:30'))).toBe(4);
    expect(calendar.workingDaysBetween(sh('2026-10-12T17:30'), deadline)).toBe(-4);
  });
});

describe('official calendar around the 2026 Spring Festival (春节 02-15..02-23, 调休 02-14 and 02-28)', () => {
  it.each([
    ['2026-02-13', true],
    ['2026-02-14', true], // Saturday, make-up workday
    ['2026-02-15', false],
    ['2026-02-17', false], // 正月初一
    ['2026-02-23', false], // Monday, still off
    ['2026-02-24', true],
    ['2026-02-28', true], // Saturday, make-up workday
    ['2026-03-01', false],
  ])('%s is a working day: %s', (day, working) => {
    expect(calendar.isWorkingDay(day)).toBe(working);
  });

  it('"2个工作日" from Friday 02-13 counts Saturday 02-14 and then Tuesday 02-24', () => {
    expect(show(calendar.addWorkingDays(sh('2026-02-13T09:00'), 2))).toBe('2026-02-24T09:00');
  });

  it('8 working hours from Saturday 02-14 afternoon run into 02-24', () => {
    // 14:30–17:30 on 02-14 is 3 h; 5 h more from 08:30 on 02-24: 3.5 h to 12:00, 1.5 h after 13:30.
    expect(show(calendar.addWorkingHours(sh('2026-02-14T14:30'), 8))).toBe('2026-02-24T15:00');
  });

  it('a deadline on 02-13 is 1 working day overdue on Saturday 02-14 and 2 on 02-24', () => {
    const deadline = sh('2026-02-13T17:30');
    expect(calendar.workingDaysBetween(deadline, sh('2026-02-14T17:30'))).toBe(1);
    expect(calendar.workingDaysBetween(deadline, sh('2026-02-23T17:30'))).toBe(1);
    expect(calendar.workingDaysBetween(deadline, sh('2026-02-24T17:30'))).toBe(2);
  });
});

describe('office hours', () => {
  it('skips the lunch break', () => {
    expect(show(calendar.addWorkingHours(sh('2026-11-24T11:00'), 2))).toBe('2026-11-24T14:30');
  });

  it('an amount ending exactly at office end stays on that day', () => {
    expect(show(calendar.addWorkingHours(sh('2026-11-24T15:30'), 2))).toBe('2026-11-24T17:30');
  });

  it('time before office start counts from 08:30', () => {
    expect(show(calendar.addWorkingHours(sh('2026-11-24T06:00'), 2))).toBe('2026-11-24T10:30');
  });

  it('a Friday evening dispatch counts from Monday morning', () => {
    expect(show(calendar.addWorkingHours(sh('2026-11-27T20:00'), 2))).toBe('2026-11-30T10:30');
  });

  it('office end of a day is 17:30 by default and configurable', () => {
    expect(show(calendar.officeEndOf('2026-11-24'))).toBe('2026-11-24T17:30');
    const summer = new WorkingCalendar({ officeHours: [{ start: '08:00', end: '12:00' }, { start: '14:30', end: '18:00' }] });
    expect(show(summer.officeEndOf('2026-07-01'))).toBe('2026-07-01T18:00');
    expect(show(summer.addWorkingHours(sh('2026-07-01T11:00'), 2))).toBe('2026-07-01T15:30');
    expect(show(summer.addWorkingDays(sh('2026-07-01T17:45'), 1))).toBe('2026-07-02T17:45');
  });

  it('a same-day clock time before office start is kept for working days', () => {
    expect(show(calendar.addWorkingDays(sh('2026-11-24T07:15'), 3))).toBe('2026-11-27T07:15');
  });

  it('zero working days is the moment itself', () => {
    const moment = sh('2026-11-24T07:15');
    expect(calendar.addWorkingDays(moment, 0).getTime()).toBe(moment.getTime());
  });
});

describe('quiet hours', () => {
  it.each([
    ['2026-11-24T21:59', false],
    ['2026-11-24T22:00', true],
    ['2026-11-24T23:59', true],
    ['2026-11-25T03:00', true],
    ['2026-11-25T06:59', true],
    ['2026-11-25T07:00', false],
    ['2026-11-25T12:00', false],
  ])('%s is quiet: %s', (local, quiet) => {
    expect(calendar.isQuietTime(sh(local))).toBe(quiet);
  });

  it('a moment in quiet hours waits for 07:00, before or after midnight', () => {
    expect(show(calendar.nextOutOfQuiet(sh('2026-11-24T23:10')))).toBe('2026-11-25T07:00');
    expect(show(calendar.nextOutOfQuiet(sh('2026-11-25T03:00')))).toBe('2026-11-25T07:00');
    expect(show(calendar.nextOutOfQuiet(sh('2026-11-25T09:00')))).toBe('2026-11-25T09:00');
  });

  it('quiet hours can be turned off or moved', () => {
    expect(new WorkingCalendar({ quietHours: null }).isQuietTime(sh('2026-11-25T03:00'))).toBe(false);
    const daytime = new WorkingCalendar({ quietHours: { start: '12:00', end: '13:30' } });
    expect(daytime.isQuietTime(sh('2026-11-25T12:30'))).toBe(true);
    expect(show(daytime.nextOutOfQuiet(sh('2026-11-25T12:30')))).toBe('2026-11-25T13:30');
  });
});

describe('configuration', () => {
  it('local days off and working days override the official calendar', () => {
    const local = new WorkingCalendar({ extraHolidays: ['2026-11-25'], extraWorkdays: ['2026-10-07'] });
    expect(local.isWorkingDay('2026-11-25')).toBe(false);
    expect(local.isWorkingDay('2026-10-07')).toBe(true);
    expect(local.nextWorkingDay('2026-11-24')).toBe('2026-11-26');
  });

  it('works in another zone', () => {
    const urumqi = new WorkingCalendar({ timeZone: 'Asia/Urumqi' });
    expect(urumqi.localDate(new Date('2026-10-07T16:30:00Z'))).toBe('2026-10-07');
  });

  it('refuses a malformed configuration with a named error', () => {
    expect(() => new WorkingCalendar({ timeZone: 'Mars/Olympus' })).toThrow(CalendarConfigError);
    expect(() => new WorkingCalendar({ officeHours: [{ start: '13:00', end: '12:00' }] })).toThrow(CalendarConfigError);
    expect(() => new WorkingCalendar({ officeHours: [] })).toThrow(CalendarConfigError);
    expect(() => new WorkingCalendar({ quietHours: { start: '25:00', end: '07:00' } })).toThrow(CalendarConfigError);
  });

  it('refuses invalid arguments', () => {
    expect(() => calendar.addWorkingDays(sh('2026-11-24T10:00'), 1.5)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
  });
});
