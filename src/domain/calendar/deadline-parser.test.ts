import { DateTime } from 'luxon';
import { parseDeadline, readNumber } from './deadline-parser';
import { WorkingCalendar } from './working-calendar';

function sh(local: string): Date {
  return DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toJSDate();
}
function show(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: 'Asia/Shanghai' }).toFormat("yyyy-MM-dd'T'HH:mm");
}

const calendar = new WorkingCalendar();
/** Tuesday 2026-11-24, 10:00 in Shanghai. */
const now = sh('2026-11-24T10:00');

function read(input: string, at: Date = now): string {
  const result = parseDeadline(input, at, calendar);
  return result.ok ? `${show(result.deadline)} ${result.basis}` : `error ${result.error}`;
}

describe('parseDeadline: what a dispatcher types on Tuesday 2026-11-24 at 10:00', () => {
  it.each([
    ['明天17:00', '2026-11-25T17:00 date_time'],
    ['今天18点', '2026-11-24T18:00 date_time'],
    ['后天', '2026-11-26T17:30 date'],
    ['大后天', '2026-11-27T17:30 date'],
    ['11月30日', '2026-11-30T17:30 date'],
    ['11月30日 17:00', '2026-11-30T17:00 date_time'],
    ['11月30号17点', '2026-11-30T17:00 date_time'],
    ['2026-11-30', '2026-11-30T17:30 date'],
    ['2026-11-30 17:00', '2026-11-30T17:00 date_time'],
    ['2026/12/3 9:05', '2026-12-03T09:05 date_time'],
    ['2026年12月3日', '2026-12-03T17:30 date'],
    ['3个工作日', '2026-11-27T10:00 working_days'],
    ['三个工作日', '2026-11-27T10:00 working_days'],
    ['3天', '2026-11-27T10:00 days'],
    ['1周', '2026-12-01T10:00 days'],
    ['48小时', '2026-11-26T10:00 hours'],
    ['两小时', '2026-11-24T12:00 hours'],
    ['下周一', '2026-11-30T17:30 date'],
    ['下个星期三 9点', '2026-12-02T09:00 date_time'],
    ['周五', '2026-11-27T17:30 date'],
    ['本周五下午3点', '2026-11-27T15:00 date_time'],
    ['周二', '2026-11-24T17:30 date'],
    ['明天下午3点半', '2026-11-25T15:30 date_time'],
    ['明天上午9点15分', '2026-11-25T09:15 date_time'],
    ['晚上8点', '2026-11-24T20:00 date_time'],
    ['中午12点', '2026-11-24T12:00 date_time'],
    ['16:00', '2026-11-24T16:00 date_time'],
    ['30号', '2026-11-30T17:30 date'],
    ['明天17：00前', '2026-11-25T17:00 date_time'],
    ['１１月３０日', '2026-11-30T17:30 date'],
    ['截止11月30日', '2026-11-30T17:30 date'],
    ['3个工作日内', '2026-11-27T10:00 working_days'],
    ['  后天  ', '2026-11-26T17:30 date'],
  ])('%s → %s', (input, expected) => {
    expect(read(input)).toBe(expected);
  });
});

describe('parseDeadline: mistakes are answers, not exceptions', () => {
  it.each([
    ['', 'error unreadable'],
    ['尽快', 'error unreadable'],
    ['2月30日', 'error unreadable'],
    ['2026-13-01', 'error unreadable'],
    ['明天25点', 'error unreadable'],
    ['明天下午', 'error unreadable'],
    ['明天 whenever', 'error unreadable'],
    ['今天9点', 'error in_past'],
    ['本周一', 'error in_past'],
    ['0个工作日', 'error in_past'],
    ['11月20日', 'error in_past'],
    ['2026-11-20 17:00', 'error in_past'],
    ['2036-11-30', 'error too_far'],
  ])('%s → %s', (input, expected) => {
    expect(read(input)).toBe(expected);
  });

  it('says which moment was read when it is in the past', () => {
    const result = parseDeadline('11月20日', now, calendar);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(show(result.readAs as Date)).toBe('2026-11-20T17:30');
  });
});

describe('parseDeadline: around the year end and the holidays', () => {
  it('a January date typed in December is next year', () => {
    expect(read('1月5日', sh('2026-12-20T10:00'))).toBe('2027-01-05T17:30 date');
  });

  it('a date of last month typed early in the month is still in the past', () => {
    expect(read('11月30日', sh('2026-12-02T10:00'))).toBe('error in_past');
  });

  it('"30号" after the 30th means next month', () => {
    expect(read('5号', sh('2026-11-24T10:00'))).toBe('2026-12-05T17:30 date');
  });

  it('working days skip the National Day holiday', () => {
    expect(read('3个工作日', sh('2026-09-30T10:00'))).toBe('2026-10-10T10:00 working_days');
  });

  it('working days skip the Spring Festival', () => {
    expect(read('2个工作日', sh('2026-02-13T11:00'))).toBe('2026-02-24T11:00 working_days');
  });
});

describe('readNumber', () => {
  it.each([
    ['3', 3],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十三', 23],
    ['两', 2],
    ['零', 0],
    ['三三', null],
  ])('%s → %s', (text, value) => {
    expect(readNumber(text)).toBe(value);
  });
});

describe('parseDeadline: deadlines as people say them end at an office end (Tuesday 2026-11-24 10:00)', () => {
  it.each([
    ['月底', '2026-11-30T17:30 date'],
    ['月底前', '2026-11-30T17:30 date'],
    ['本月底', '2026-11-30T17:30 date'],
    ['月末', '2026-11-30T17:30 date'],
    ['月中', '2026-12-15T17:30 date'],
    ['本周内', '2026-11-27T17:30 date'],
    ['这周', '2026-11-27T17:30 date'],
    ['周末前', '2026-11-27T17:30 date'],
    ['今天下班前', '2026-11-24T17:30 date'],
    ['下班前', '2026-11-24T17:30 date'],
    ['明天下班前', '2026-11-25T17:30 date'],
    ['三天内', '2026-11-27T17:30 date'],
    ['3天之内', '2026-11-27T17:30 date'],
    ['３天内', '2026-11-27T17:30 date'],
  ])('%s → %s', (input, expected) => {
    expect(read(input)).toBe(expected);
  });

  it('三天内 typed at 23:00 still ends at an office end, not at 23:00', () => {
    expect(read('三天内', sh('2026-11-24T23:00'))).toBe('2026-11-27T17:30 date');
  });

  it('月中 on the 10th is this month; 今天下班前 after office end is in the past', () => {
    expect(read('月中', sh('2026-12-10T09:00'))).toBe('2026-12-15T17:30 date');
    expect(read('今天下班前', sh('2026-11-24T19:00'))).toBe('error in_past');
  });

  it('月底 on the last evening of a month is next month', () => {
    expect(read('月底', sh('2026-11-30T18:00'))).toBe('2026-12-31T17:30 date');
  });
});
