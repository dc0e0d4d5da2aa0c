/** What an admin types in 修改日程, and how 日程 shows a cron pattern. */
import { describePattern, parsePatternInput } from '../../src/bot/schedules/pattern';

describe('schedule input', () => {
  const tueFri9 = '0 0 9 * * 2,5';
  it('reads a time (same days), days and a time, 每天, 默认 and raw cron', () => {
    expect(parsePatternInput('15:30', tueFri9)).toEqual({ ok: true, pattern: '0 30 15 * * 2,5' });
    expect(parsePatternInput('周二,周五 09:00', '0 0 16 * * *')).toEqual({ ok: true, pattern: '0 0 9 * * 2,5' });
    expect(parsePatternInput('每周一、三、五 8:05', tueFri9)).toEqual({ ok: true, pattern: '0 5 8 * * 1,3,5' });
    expect(parsePatternInput('每天 16:30', tueFri9)).toEqual({ ok: true, pattern: '0 30 16 * * *' });
    expect(parsePatternInput('默认', tueFri9)).toEqual({ ok: true, pattern: null });
    expect(parsePatternInput('*/5 * * * * *', tueFri9)).toEqual({ ok: true, pattern: '*/5 * * * * *' });
    expect(parsePatternInput('30 17 * * 2,5', tueFri9)).toEqual({ ok: true, pattern: '0 30 17 * * 2,5' });
  });

  it('refuses what it cannot read', () => {
    expect(parsePatternInput('明早', tueFri9)).toEqual({ ok: false });
    expect(parsePatternInput('周八 09:00', tueFri9)).toEqual({ ok: false });
    expect(parsePatternInput('25:00', tueFri9)).toEqual({ ok: false });
  });

  it('describes patterns in Chinese', () => {
    expect(describePattern(tueFri9)).toBe('每周二、五 09:00');
    expect(describePattern('0 0 16 * * *')).toBe('每天 16:00');
    expect(describePattern('0 30 8 * * 1-5')).toBe('每周一至周五 08:30');
    expect(describePattern('* * * * * *')).toBe('cron * * * * * *');
  });
});
