import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE, WorkingCalendar } from '../calendar/working-calendar';
import { tallyDaiban } from '../figures/figures';
import { DEFAULT_CATALOGUE, checkItem, findItem, splitMaterials } from './catalogue';
import { acceptDaiban, finishDaiban, isDaibanOverdue, missingMaterials, parseDaibanNumber, registerDaiban, returnDaiban, submitDaiban, tickMaterials, untickMaterials, type Daiban, type DaibanOutcome } from './daiban';
import { daibanRungApplies, planDaibanReminders } from './reminders';

const sh = (local: string) => DateTime.fromISO(local, { zone: DEFAULT_TIME_ZONE }).toJSDate();
const show = (d: Date) => DateTime.fromJSDate(d, { zone: DEFAULT_TIME_ZONE }).toFormat("yyyy-MM-dd'T'HH:mm");
const calendar = new WorkingCalendar();

const fresh = (materials = ['身份证', '户口簿', '收入证明']): Daiban =>
  registerDaiban({ number: 'DB20270301-0001', item: '低保申请', materials, office: '社会救助窗口', limitDays: 3, householdId: 1, unitId: 5, unitPath: '/1/5/', handlerId: 9, origin: 'gridworker', note: '' }, sh('2027-03-01T09:00'));

const ok = (o: DaibanOutcome): Daiban => {
  if (!o.ok) throw new Error(`refused: ${JSON.stringify(o)}`);
  return o.daiban;
};

describe('a 代办 from request to 办结', () => {
  it('goes 已登记 → 已受理 → 材料齐全 (item by item) → 已递交 → 办结', () => {
    let d = fresh();
    expect(d.state).toBe('registered');
    const deadline = calendar.addWorkingDays(sh('2027-03-01T10:00'), 3);
    d = ok(acceptDaiban(d, sh('2027-03-01T10:00'), deadline));
    expect(d.state).toBe('accepted');
    expect(show(d.deadline!)).toBe('2027-03-04T10:00');
    expect(d.deadlineVersion).toBe(1);
    d = ok(tickMaterials(d, [1, 3], sh('2027-03-01T11:00')));
    expect(d.state).toBe('accepted');
    expect(missingMaterials(d)).toEqual(['户口簿']);
    d = ok(tickMaterials(d, [1], sh('2027-03-01T11:05')));
    expect(d.ticked).toEqual([0, 2]);
    d = ok(tickMaterials(d, [2], sh('2027-03-01T11:10')));
    expect(d.state).toBe('complete');
    expect(d.completeAt).toEqual(sh('2027-03-01T11:10'));
    d = ok(submitDaiban(d, '', sh('2027-03-02T00:00'), sh('2027-03-02T09:00')));
    expect(d).toMatchObject({ state: 'submitted', submittedOffice: '社会救助窗口' });
    d = ok(finishDaiban(d, sh('2027-03-03T16:00')));
    expect(d).toMatchObject({ state: 'done', closedAt: sh('2027-03-03T16:00') });
  });

  it('refuses truthfully: the step out of order, a missing material, a number off the list, a closed request', () => {
    const d = fresh();
    expect(tickMaterials(d, [1], sh('2027-03-01T10:00'))).toEqual({ ok: false, reason: 'wrong_state', state: 'registered', needs: ['accepted', 'complete'] });
    expect(submitDaiban(d, '窗口', sh('2027-03-01T00:00'), sh('2027-03-01T10:00'))).toMatchObject({ ok: false, reason: 'wrong_state', state: 'registered' });
    const accepted = ok(acceptDaiban(d, sh('2027-03-01T10:00'), sh('2027-03-04T10:00')));
    expect(acceptDaiban(accepted, sh('2027-03-01T10:00'), sh('2027-03-04T10:00'))).toMatchObject({ ok: false, reason: 'wrong_state', state: 'accepted' });
    expect(tickMaterials(accepted, [4], sh('2027-03-01T10:00'))).toEqual({ ok: false, reason: 'no_such_material', index: 4, count: 3 });
    const partly = ok(tickMaterials(accepted, [1], sh('2027-03-01T10:00')));
    expect(submitDaiban(partly, '窗口', sh('2027-03-01T00:00'), sh('2027-03-01T10:00'))).toEqual({ ok: false, reason: 'materials_missing', missing: ['户口簿', '收入证明'] });
    expect(finishDaiban(partly, sh('2027-03-01T10:00'))).toMatchObject({ ok: false, reason: 'wrong_state', needs: ['submitted'] });
    expect(returnDaiban(partly, '  ', sh('2027-03-01T10:00'))).toEqual({ ok: false, reason: 'reason_required' });
    const returned = ok(returnDaiban(partly, '申请人收入超过标准', sh('2027-03-01T10:00')));
    expect(returned).toMatchObject({ state: 'returned', returnReason: '申请人收入超过标准' });
    expect(finishDaiban(returned, sh('2027-03-01T10:00'))).toEqual({ ok: false, reason: 'closed', state: 'returned' });
    expect(returnDaiban(returned, '再退', sh('2027-03-01T10:00'))).toEqual({ ok: false, reason: 'closed', state: 'returned' });
  });

  it('un-ticking a material takes a complete request back to 已受理; an item without materials is complete at 受理', () => {
    let d = ok(acceptDaiban(fresh(['身份证']), sh('2027-03-01T10:00'), sh('2027-03-04T10:00')));
    d = ok(tickMaterials(d, [1], sh('2027-03-01T10:00')));
    expect(d.state).toBe('complete');
    d = ok(untickMaterials(d, [1]));
    expect(d).toMatchObject({ state: 'accepted', completeAt: null });
    expect(ok(acceptDaiban(fresh([]), sh('2027-03-01T10:00'), sh('2027-03-04T10:00'))).state).toBe('complete');
  });

  it('reads numbers as typed', () => {
    expect(parseDaibanNumber('db20270301-1')).toBe('DB20270301-0001');
    expect(parseDaibanNumber('T20270301-0001')).toBeNull();
  });
});

describe('the time limit and its reminders', () => {
  it('plans the task ladder (no acknowledgement rung) from 受理 to the limit in working days, and stops at 办结', () => {
    const accepted = sh('2027-03-01T10:00'); // Monday
    let d = ok(acceptDaiban(fresh(), accepted, calendar.addWorkingDays(accepted, 3)));
    const rungs = planDaibanReminders(d, calendar, accepted);
    expect(rungs.map((r) => [r.key, show(r.fireAt), r.audience])).toEqual([
      ['before-24h', '2027-03-03T10:00', 'assignee'],
      ['before-2h', '2027-03-04T08:00', 'assignee'],
      ['due', '2027-03-04T10:00', 'assignee+gridHead'],
      ['overdue-1wd', '2027-03-05T10:00', 'community'],
      ['overdue-3wd', '2027-03-09T10:00', 'levelAbove'],
    ]);
    expect(isDaibanOverdue(d, sh('2027-03-04T10:00'))).toBe(true);
    expect(daibanRungApplies(d, 1)).toBe(true);
    expect(daibanRungApplies(d, 2)).toBe(false);
    d = ok(returnDaiban(d, '撤回申请', sh('2027-03-02T10:00')));
    expect(daibanRungApplies(d, 1)).toBe(false);
    expect(planDaibanReminders(d, calendar, sh('2027-03-02T10:00'))).toEqual([]);
    expect(planDaibanReminders(fresh(), calendar, accepted)).toEqual([]);
  });
});

describe('the catalogue', () => {
  it('holds the common items with their materials, offices and limits', () => {
    expect(DEFAULT_CATALOGUE.map((i) => i.name)).toEqual(['低保申请', '残疾人证办理', '医保参保登记', '社保卡办理', '居民身份证办理', '临时救助申请', '流动人口居住登记']);
    for (const item of DEFAULT_CATALOGUE) expect(checkItem(item)).toEqual({ ok: true, item });
    expect(findItem(DEFAULT_CATALOGUE, '低保')).toMatchObject({ name: '低保申请' });
    expect(findItem(DEFAULT_CATALOGUE, '申请')).toEqual({ ambiguous: ['低保申请', '临时救助申请'] });
    expect(findItem(DEFAULT_CATALOGUE, '结婚登记')).toBeNull();
  });

  it('refuses an item it cannot hold', () => {
    expect(splitMaterials('身份证、户口簿，收入证明')).toEqual(['身份证', '户口簿', '收入证明']);
    expect(checkItem({ name: '', materials: [], office: '窗口', limitDays: 5 })).toEqual({ ok: false, reason: 'bad_name' });
    expect(checkItem({ name: '低保', materials: [], office: '', limitDays: 5 })).toEqual({ ok: false, reason: 'bad_office' });
    expect(checkItem({ name: '低保', materials: [], office: '窗口', limitDays: 0 })).toEqual({ ok: false, reason: 'bad_limit' });
    expect(checkItem({ name: '低保', materials: ['长'.repeat(65)], office: '窗口', limitDays: 5 })).toEqual({ ok: false, reason: 'bad_materials' });
  });
});

describe('the figures of 代办', () => {
  it('counts received, 办结, 退回 and 到期/按时/逾期 by one definition', () => {
    const range = { start: sh('2027-03-01T00:00'), end: sh('2027-04-01T00:00') };
    const now = sh('2027-03-20T12:00');
    const tally = tallyDaiban(
      [
        { state: 'done', registeredAt: sh('2027-03-01T09:00'), deadline: sh('2027-03-04T10:00'), closedAt: sh('2027-03-03T16:00') },
        { state: 'done', registeredAt: sh('2027-03-01T09:00'), deadline: sh('2027-03-04T10:00'), closedAt: sh('2027-03-05T16:00') },
        { state: 'accepted', registeredAt: sh('2027-03-02T09:00'), deadline: sh('2027-03-10T10:00'), closedAt: null },
        { state: 'accepted', registeredAt: sh('2027-03-02T09:00'), deadline: sh('2027-03-30T10:00'), closedAt: null },
        { state: 'returned', registeredAt: sh('2027-03-02T09:00'), deadline: sh('2027-03-05T10:00'), closedAt: sh('2027-03-03T10:00') },
        { state: 'registered', registeredAt: sh('2027-02-20T09:00'), deadline: null, closedAt: null },
      ],
      range,
      now,
    );
    expect(tally).toEqual({ received: 5, done: 2, returned: 1, due: 3, onTime: 1, late: 2 });
  });
});
