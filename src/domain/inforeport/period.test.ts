import { WorkingCalendar } from '../calendar/working-calendar';
import { periodJobId, planPatrolFiring, planReportFiring } from './period';

describe('report firings around National Day 2026 (official calendar)', () => {
  const calendar = new WorkingCalendar();

  it('knows 10-01..10-07 as the holiday and 10-08 as the first working day after it', () => {
    for (let d = 1; d <= 7; d++) expect(calendar.isWorkingDay(`2026-10-0${d}`)).toBe(false);
    expect(calendar.isWorkingDay('2026-10-08')).toBe(true);
    expect(calendar.officialDayName('2026-10-02')).toBe('国庆节');
  });

  it('moves the Friday 10-02 and Tuesday 10-06 reports to Thursday 10-08, one period for both', () => {
    expect(planReportFiring(calendar, '2026-10-02', 'shift')).toEqual({ kind: 'shift', period: '2026-10-08', from: '2026-10-02' });
    expect(planReportFiring(calendar, '2026-10-06', 'shift')).toEqual({ kind: 'shift', period: '2026-10-08', from: '2026-10-06' });
    expect(periodJobId('inforeport', 'prompt', '2026-10-08', 7)).toBe('inforeport-prompt-2026-10-08-7');
  });

  it('skips them when the deployment says so, naming the holiday', () => {
    expect(planReportFiring(calendar, '2026-10-06', 'skip')).toEqual({ kind: 'skip', day: '2026-10-06', holiday: '国庆节' });
  });

  it('runs an ordinary Tuesday and the Friday after the holiday on their own day', () => {
    expect(planReportFiring(calendar, '2026-09-29', 'shift')).toEqual({ kind: 'run', period: '2026-09-29' });
    expect(planReportFiring(calendar, '2026-10-09', 'shift')).toEqual({ kind: 'run', period: '2026-10-09' });
  });

  it('patrols on the make-up Saturday 10-10 but not on Sunday 10-04', () => {
    expect(planPatrolFiring(calendar, '2026-10-10')).toEqual({ kind: 'run', period: '2026-10-10' });
    expect(planPatrolFiring(calendar, '2026-10-04').kind).toBe('skip');
  });
});
