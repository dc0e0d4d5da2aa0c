import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE } from '../calendar/working-calendar';
import { WorkingCalendar } from '../calendar/working-calendar';
import { meetingNumber, monthlyOccurrence, planMonthFor, weeklyOccurrence } from './meeting';

const zone = DEFAULT_TIME_ZONE;
const calendar = new WorkingCalendar();

describe('meeting occurrences', () => {
  it('holds the weekly meeting on Monday 08:30 local with the agenda an hour before, reviewing the previous week', () => {
    const occ = weeklyOccurrence(new Date('2026-11-26T03:00:00Z'), zone); // Thursday
    expect(occ.key).toBe('2026-11-23');
    expect(occ.at.toISOString()).toBe('2026-11-23T00:30:00.000Z');
    expect(occ.agendaAt.toISOString()).toBe('2026-11-22T23:30:00.000Z');
    expect(occ.reviews.from.toISOString()).toBe('2026-11-15T16:00:00.000Z');
    expect(occ.reviews.to.toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });

  it('holds the monthly meeting on the first working day, skipping the National Day holiday', () => {
    const oct = monthlyOccurrence(new Date('2026-10-15T03:00:00Z'), calendar, zone);
    expect(oct.key).toBe('2026-10');
    expect(oct.at.toISOString()).toBe('2026-10-08T01:00:00.000Z'); // 10-01..10-07 off
    const nov = monthlyOccurrence(new Date('2026-11-15T03:00:00Z'), calendar, zone);
    expect(nov.at.toISOString()).toBe('2026-11-02T01:00:00.000Z'); // Nov 1st is a Sunday
    expect(nov.reviews.from.toISOString()).toBe('2026-09-30T16:00:00.000Z');
  });

  it('files a monthly plan for this month before its meeting and for next month after it', () => {
    expect(planMonthFor(new Date('2026-11-01T03:00:00Z'), calendar, zone)).toBe('2026-11');
    expect(planMonthFor(new Date('2026-11-20T03:00:00Z'), calendar, zone)).toBe('2026-12');
  });

  it('names meetings by unit and period', () => {
    expect(meetingNumber('weekly', '01001', '2026-11-23')).toBe('HY-01001-W2026-11-23');
    expect(meetingNumber('monthly', '01', '2026-12')).toBe('HY-01-M2026-12');
  });

  it('moves the weekly meeting to the next working day of its week, and skips a week that is all off', () => {
    const at = (local: string) => DateTime.fromISO(local, { zone }).toJSDate();
    const local = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
    // National Day 2026: 1–7 October off, Thursday 8 the first working day of that week.
    const national = weeklyOccurrence(at('2026-10-06T12:00'), zone, undefined, calendar);
    expect({ held: national.held, at: local(national.at), key: national.key }).toEqual({ held: true, at: '2026-10-08T08:30', key: '2026-10-05' });
    // An ordinary Monday stays.
    expect(local(weeklyOccurrence(at('2026-11-25T12:00'), zone, undefined, calendar).at)).toBe('2026-11-23T08:30');
    // Spring Festival 2026: 15–23 February off; the week of Monday 16 has no working day.
    expect(weeklyOccurrence(at('2026-02-18T12:00'), zone, undefined, calendar).held).toBe(false);
  });
});
