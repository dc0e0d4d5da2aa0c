import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE, WorkingCalendar } from '../calendar/working-calendar';
import { snoozeUntil } from '../task/snooze';
import { checkReply, confirmReceipt, parseNoticeNumber, progressByUnit, type Receipt } from './notice';
import { planNoticeReminders } from './reminders';

const sh = (local: string) => DateTime.fromISO(local, { zone: DEFAULT_TIME_ZONE }).toJSDate();
const show = (d: Date) => DateTime.fromJSDate(d, { zone: DEFAULT_TIME_ZONE }).toFormat("yyyy-MM-dd'T'HH:mm");
const calendar = new WorkingCalendar();
const receipt = (memberId: number, unitId: number, confirmedAt: Date | null = null): Receipt => ({ memberId, unitId, confirmedAt, reply: null });

describe('receipts', () => {
  it('takes a bare 收到 for a plain notice and asks for the reply a notice requires', () => {
    expect(checkReply('ack', '')).toEqual({ ok: true, reply: null });
    expect(checkReply('text', '  ')).toEqual({ ok: false, reason: 'reply_required' });
    expect(checkReply('text', '已传达')).toEqual({ ok: true, reply: '已传达' });
    expect(checkReply('number', '已传达')).toEqual({ ok: false, reason: 'number_required' });
    expect(checkReply('number', '12 户')).toEqual({ ok: true, reply: '12 户' });
    expect(checkReply('text', '长'.repeat(201))).toEqual({ ok: false, reason: 'reply_too_long' });
  });

  it('confirms once', () => {
    const now = sh('2026-11-30T10:00');
    const first = confirmReceipt({ replyKind: 'ack' }, receipt(1, 7), '', now);
    expect(first).toEqual({ ok: true, receipt: { ...receipt(1, 7), confirmedAt: now } });
    expect(confirmReceipt({ replyKind: 'ack' }, first.ok ? first.receipt : receipt(1, 7), '', now)).toEqual({ ok: false, reason: 'already_confirmed' });
  });

  it('groups receipts by unit in the order the units appear', () => {
    const at = sh('2026-11-30T10:00');
    const groups = progressByUnit([receipt(1, 7, at), receipt(2, 8), receipt(3, 7)]);
    expect(groups.map((g) => [g.unitId, g.confirmed.map((r) => r.memberId), g.pending.map((r) => r.memberId)])).toEqual([
      [7, [1], [3]],
      [8, [], [2]],
    ]);
  });

  it('reads notice numbers as typed', () => {
    expect(parseNoticeNumber('tz20261130-7')).toBe('TZ20261130-0007');
    expect(parseNoticeNumber('T20261130-0007')).toBeNull();
  });
});

describe('notice reminders', () => {
  it('reminds 4 working hours and a working day after sending, 2 h before and at the deadline', () => {
    const rungs = planNoticeReminders({ sentAt: sh('2026-11-30T09:00'), deadline: sh('2026-12-02T17:00') }, calendar, sh('2026-11-30T09:00'));
    expect(rungs.map((r) => [r.key, show(r.fireAt)])).toEqual([
      ['unread-4wh', '2026-11-30T14:30'],
      ['unread-1wd', '2026-12-01T09:00'],
      ['before-2h', '2026-12-02T15:00'],
      ['due', '2026-12-02T17:00'],
    ]);
  });

  it('without a deadline only the reminders after sending; a Friday-evening notice waits for Monday', () => {
    const rungs = planNoticeReminders({ sentAt: sh('2026-12-04T20:00'), deadline: null }, calendar, sh('2026-12-04T20:00'));
    expect(rungs.map((r) => [r.key, show(r.fireAt)])).toEqual([
      ['unread-4wh', '2026-12-07T14:00'],
      ['unread-1wd', '2026-12-07T17:30'],
    ]);
  });
});

describe('稍后提醒', () => {
  it('puts a reminder off 30 minutes, 2 hours, or to the next working morning', () => {
    const friday = sh('2026-12-04T16:10');
    expect(show(snoozeUntil('30m', friday, calendar))).toBe('2026-12-04T16:40');
    expect(show(snoozeUntil('2h', friday, calendar))).toBe('2026-12-04T18:10');
    expect(show(snoozeUntil('morning', friday, calendar))).toBe('2026-12-07T08:30');
  });
});
