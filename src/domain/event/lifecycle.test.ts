import { DEFAULT_TIME_ZONE } from '../calendar/working-calendar';
import { DateTime } from 'luxon';
import {
  createEvent,
  formatEventNumber,
  parentLevel,
  parseEventNumber,
  reachesCommunityAtOnce,
  type EventState,
  type GridEvent,
  type TimelineEntry,
} from './event';
import {
  applyEventAction,
  availableEventActions,
  EVENT_TRANSITIONS,
  type EventAction,
  type EventActionResult,
  type EventActor,
  type EventRelation,
} from './lifecycle';

function sh(local: string): Date {
  return DateTime.fromISO(local, { zone: DEFAULT_TIME_ZONE }).toJSDate();
}

const GRID = 301;
const COMMUNITY = 30;
const TOWN = 3;
const REPORTER = 11;
const GRID_HEAD = 12;
const WORKER = 13;
const COMMUNITY_SECRETARY = 21;
const TOWN_OFFICER = 31;
const reporter: EventActor = { memberId: REPORTER, relation: 'reporter' };
const gridHead: EventActor = { memberId: GRID_HEAD, relation: 'handlerAtLevel' };
const worker: EventActor = { memberId: WORKER, relation: 'assignee' };
const community: EventActor = { memberId: COMMUNITY_SECRETARY, relation: 'handlerAtLevel' };
const communityAsSuperior: EventActor = { memberId: COMMUNITY_SECRETARY, relation: 'superior' };
const town: EventActor = { memberId: TOWN_OFFICER, relation: 'handlerAtLevel' };
const neighbour: EventActor = { memberId: 99, relation: 'none' };

let clock = sh('2026-11-22T09:00');
function tick(): Date {
  clock = new Date(clock.getTime() + 10 * 60_000);
  return clock;
}
const deadline = sh('2026-11-25T17:30');

function reported(): GridEvent {
  const created = createEvent(
    {
      number: 'SJ20261122-0007',
      category: { category: '环境卫生', item: '垃圾堆放' },
      description: '幸福路12号垃圾堆放三天',
      location: '幸福路12号',
      attachments: ['photo-1'],
      gridUnitId: GRID,
      reporterId: REPORTER,
    },
    sh('2026-11-22T09:00'),
  );
  if (!created.ok) throw new Error(created.reason);
  return created.event;
}

/** An event brought to a state by the loop itself, so fixtures cannot drift from the rules. */
function inState(state: EventState): GridEvent {
  const paths: Record<EventState, Array<[EventAction, EventActor]>> = {
    reported: [],
    accepted: [[{ type: 'accept' }, gridHead]],
    dispatched: [[{ type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead]],
    in_progress: [
      [{ type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead],
      [{ type: 'take' }, worker],
    ],
    submitted: [
      [{ type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead],
      [{ type: 'take' }, worker],
      [{ type: 'complete', result: '已清运' }, worker],
    ],
    closed: [
      [{ type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead],
      [{ type: 'take' }, worker],
      [{ type: 'complete', result: '已清运' }, worker],
      [{ type: 'verify_pass' }, gridHead],
    ],
    rated: [
      [{ type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead],
      [{ type: 'take' }, worker],
      [{ type: 'complete', result: '已清运' }, worker],
      [{ type: 'verify_pass' }, gridHead],
      [{ type: 'rate', rating: 'satisfied' }, reporter],
    ],
    settled_on_spot: [[{ type: 'settle_on_spot', result: '已当场清理' }, reporter]],
    returned: [[{ type: 'return_to_reporter', reason: '不属于本网格' }, gridHead]],
  };
  return paths[state].reduce((event, [action, actor]) => ok(applyEventAction(event, action, actor, sh('2026-11-22T10:00'))).event, reported());
}

function ok(result: EventActionResult): Extract<EventActionResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}

/** A valid example of every action for an event handled at the grid. */
const EXAMPLES: Record<EventAction['type'], EventAction> = {
  accept: { type: 'accept' },
  dispatch: { type: 'dispatch', assignee: { kind: 'department', unitId: 501 }, deadline },
  escalate: { type: 'escalate', to: { unitId: COMMUNITY, level: 'community' }, reason: '需要城管执法' },
  send_down: { type: 'send_down', to: { unitId: GRID, level: 'grid' }, reason: '由网格处理' },
  return_to_reporter: { type: 'return_to_reporter', reason: '描述不清' },
  resubmit: { type: 'resubmit', note: '补充了照片' },
  settle_on_spot: { type: 'settle_on_spot', result: '已当场清理' },
  take: { type: 'take' },
  progress: { type: 'progress', note: '已联系环卫', attachments: ['photo-2'] },
  complete: { type: 'complete', result: '已清运', attachments: ['photo-3'] },
  verify_pass: { type: 'verify_pass' },
  verify_fail: { type: 'verify_fail', reason: '仍有残留' },
  close: { type: 'close' },
  rate: { type: 'rate', rating: 'basically_satisfied' },
  supervise: { type: 'supervise', level: 'yellow', note: '请加快' },
  urge: { type: 'urge', note: '请尽快处理' },
};

const ACTOR_FOR: Record<Exclude<EventRelation, 'none'>, EventActor> = {
  reporter,
  assignee: worker,
  handlerAtLevel: gridHead,
  superior: communityAsSuperior,
};

describe('reporting', () => {
  it('a report starts at its grid, waiting for acceptance', () => {
    const event = reported();
    expect(event).toMatchObject({ state: 'reported', handler: { unitId: GRID, level: 'grid' }, urgency: 'normal', reopenCount: 0 });
  });

  it('已处置 at report time is recorded as settled on the spot', () => {
    const created = createEvent(
      { number: 'SJ1', category: { category: '市容环境', item: null }, description: '小广告', gridUnitId: GRID, reporterId: REPORTER, settledOnSpot: { result: '已清除' } },
      clock,
    );
    expect(created.ok && created.event).toMatchObject({ state: 'settled_on_spot', result: '已清除', closedBy: { level: 'grid' } });
    expect(created.ok && created.entry).toMatchObject({ action: 'settle_on_spot', from: null, to: 'settled_on_spot' });
  });

  it('refuses a report without a description and an on-the-spot settlement without a result', () => {
    const base = { number: 'SJ1', category: { category: '其他', item: null }, gridUnitId: GRID, reporterId: REPORTER };
    expect(createEvent({ ...base, description: ' ' }, clock)).toEqual({ ok: false, reason: 'description_required' });
    expect(createEvent({ ...base, description: '路灯坏了', settledOnSpot: { result: '' } }, clock)).toEqual({ ok: false, reason: 'result_required' });
  });

  it('urgent and major events reach the community at once', () => {
    expect(reachesCommunityAtOnce({ urgency: 'normal' })).toBe(false);
    expect(reachesCommunityAtOnce({ urgency: 'urgent' })).toBe(true);
    expect(reachesCommunityAtOnce({ urgency: 'major' })).toBe(true);
  });
});

describe('every allowed transition', () => {
  const cases = EVENT_TRANSITIONS.flatMap((row) => row.from.map((from) => ({ row, from })));
  it.each(cases.map((c) => [`${c.row.action}${c.row.when ? ` (${c.row.when})` : ''} from ${c.from} by ${c.row.by}`, c] as const))(
    '%s',
    (_name, { row, from }) => {
      const action: EventAction =
        row.when === 'rating_unsatisfied' ? { type: 'rate', rating: 'unsatisfied', reason: '垃圾又堆起来了' } : EXAMPLES[row.action];
      // send_down needs a level above the grid to start from.
      const event = row.action === 'send_down' ? { ...inState(from), handler: { unitId: COMMUNITY, level: 'community' as const } } : inState(from);
      const actor = row.action === 'send_down' ? community : ACTOR_FOR[row.by];
      const result = ok(applyEventAction(event, action, actor, tick()));
      expect(result.event.state).toBe(row.to === 'same' ? from : row.to);
      expect(result.entry).toMatchObject({ action: row.action, actorId: actor.memberId, from, at: clock, level: event.handler.level });
    },
  );
});

describe('every refusal', () => {
  it('another grid\'s gridworker is told it is not their grid', () => {
    expect(applyEventAction(reported(), { type: 'accept' }, neighbour, clock)).toEqual({ ok: false, reason: 'not_your_grid' });
    expect(applyEventAction(reported(), { type: 'accept' }, { memberId: 99, relation: [] }, clock)).toEqual({ ok: false, reason: 'not_your_grid' });
  });

  it('a step not listed for the state is refused, with the clearer codes for 结案, 核查 and 评价', () => {
    const everyone: EventActor = { memberId: 1, relation: ['reporter', 'assignee', 'handlerAtLevel', 'superior'] };
    const states: EventState[] = ['reported', 'accepted', 'dispatched', 'in_progress', 'submitted', 'closed', 'rated', 'settled_on_spot', 'returned'];
    const special: Partial<Record<EventAction['type'], string>> = { close: 'not_verified', verify_pass: 'not_submitted', verify_fail: 'not_submitted', rate: 'not_closed' };
    for (const state of states) {
      for (const action of Object.values(EXAMPLES)) {
        if (EVENT_TRANSITIONS.some((t) => t.action === action.type && t.from.includes(state))) continue;
        const event = inState(state);
        const done = state === 'closed' || state === 'rated';
        const closing = action.type === 'close' || action.type === 'verify_pass' || action.type === 'verify_fail';
        const expected = action.type === 'rate' && state === 'rated' ? 'already_rated' : done && closing ? 'already_closed' : (special[action.type] ?? 'wrong_state');
        expect([state, action.type, applyEventAction(event, action, everyone, clock)]).toEqual([state, action.type, { ok: false, reason: expected }]);
      }
    }
  });

  it('says truthfully why: an event already closed, already rated, or rated by someone not its reporter', () => {
    expect(applyEventAction(inState('closed'), { type: 'close' }, gridHead, clock)).toEqual({ ok: false, reason: 'already_closed' });
    expect(applyEventAction(inState('rated'), EXAMPLES.verify_pass, gridHead, clock)).toEqual({ ok: false, reason: 'already_closed' });
    expect(applyEventAction(inState('rated'), EXAMPLES.rate, reporter, clock)).toEqual({ ok: false, reason: 'already_rated' });
    expect(applyEventAction(inState('closed'), EXAMPLES.rate, gridHead, clock)).toEqual({ ok: false, reason: 'only_reporter' });
  });

  it('closing what was never verified is refused', () => {
    expect(applyEventAction(inState('in_progress'), { type: 'close' }, gridHead, clock)).toEqual({ ok: false, reason: 'not_verified' });
  });

  it.each<[string, EventState, EventAction, EventActor]>([
    ['the reporter cannot dispatch', 'reported', EXAMPLES.dispatch, reporter],
    ['the assignee cannot verify their own work', 'submitted', EXAMPLES.verify_pass, worker],
    ['the grid head cannot 接单 for the assignee', 'dispatched', EXAMPLES.take, gridHead],
    ['a handler cannot 督办 their own level', 'accepted', EXAMPLES.supervise, gridHead],
    ['a superior cannot accept at the level below', 'reported', EXAMPLES.accept, communityAsSuperior],
  ])('%s: not_allowed', (_name, state, action, actor) => {
    expect(applyEventAction(inState(state), action, actor, clock)).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it.each<[string, EventState, EventAction, string]>([
    ['派遣 with a deadline in the past', 'accepted', { type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline: sh('2026-11-01T17:30') }, 'deadline_in_past'],
    ['上报上级 without a reason', 'accepted', { type: 'escalate', to: { unitId: COMMUNITY, level: 'community' }, reason: ' ' }, 'reason_required'],
    ['上报上级 skipping a level', 'accepted', { type: 'escalate', to: { unitId: TOWN, level: 'town' }, reason: '太难' }, 'wrong_level'],
    ['下发 at the grid', 'accepted', EXAMPLES.send_down, 'bottom_level'],
    ['回退 without a reason', 'reported', { type: 'return_to_reporter', reason: '' }, 'reason_required'],
    ['核查不通过 without a reason', 'submitted', { type: 'verify_fail', reason: '' }, 'reason_required'],
  ])('%s', (_name, state, action, reason) => {
    expect(applyEventAction(inState(state), action, gridHead, clock)).toEqual({ ok: false, reason });
  });

  it.each<[string, EventState, EventAction, EventActor, string]>([
    ['办结 without a result', 'in_progress', { type: 'complete', result: '' }, worker, 'result_required'],
    ['a blank progress note', 'in_progress', { type: 'progress', note: '' }, worker, 'note_required'],
    ['已处置 without a result', 'reported', { type: 'settle_on_spot', result: ' ' }, reporter, 'result_required'],
    ['不满意 without a reason', 'closed', { type: 'rate', rating: 'unsatisfied' }, reporter, 'reason_required'],
  ])('%s', (_name, state, action, actor, reason) => {
    expect(applyEventAction(inState(state), action, actor, clock)).toEqual({ ok: false, reason });
  });

  it('上报上级 at the county: there is no level above', () => {
    const atCounty = { ...inState('accepted'), handler: { unitId: 1, level: 'county' as const } };
    const result = applyEventAction(atCounty, { type: 'escalate', to: { unitId: 0, level: 'county' }, reason: '无' }, town, clock);
    expect(result).toEqual({ ok: false, reason: 'top_level' });
  });

  it('下发 to the same level or above is the wrong level', () => {
    const atTown = { ...inState('accepted'), handler: { unitId: TOWN, level: 'town' as const } };
    const result = applyEventAction(atTown, { type: 'send_down', to: { unitId: 2, level: 'town' }, reason: '下发' }, town, clock);
    expect(result).toEqual({ ok: false, reason: 'wrong_level' });
  });
});

describe('the whole loop of issue 3', () => {
  it('report, accept, dispatch, complete, fail verification, complete again, escalate twice, close, 不满意, reopen, close, 满意', () => {
    const timeline: TimelineEntry[] = [];
    let event = reported();
    const step = (action: EventAction, actor: EventActor): void => {
      const result = ok(applyEventAction(event, action, actor, tick()));
      event = result.event;
      timeline.push(result.entry);
    };

    step({ type: 'accept' }, gridHead);
    step({ type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead);
    step({ type: 'take' }, worker);
    step({ type: 'complete', result: '已清运', attachments: ['after-1'] }, worker);
    step({ type: 'verify_fail', reason: '仍有残留' }, gridHead);
    expect(event).toMatchObject({ state: 'in_progress', assignee: { kind: 'member', memberId: WORKER } });
    step({ type: 'complete', result: '已彻底清运' }, worker);
    step({ type: 'verify_fail', reason: '源头未解决，需执法' }, gridHead);
    step({ type: 'escalate', to: { unitId: COMMUNITY, level: 'community' }, reason: '网格无法解决' }, gridHead);
    expect(event).toMatchObject({ state: 'reported', handler: { unitId: COMMUNITY, level: 'community' }, assignee: null, deadline: null });
    step({ type: 'urge', note: '请尽快' }, { memberId: TOWN_OFFICER, relation: 'superior' });
    step({ type: 'escalate', to: { unitId: TOWN, level: 'town' }, reason: '需城管执法' }, community);
    step({ type: 'accept' }, town);
    step({ type: 'dispatch', assignee: { kind: 'department', unitId: 501 }, deadline }, town);
    step({ type: 'take' }, worker);
    step({ type: 'complete', result: '执法清除' }, worker);
    step({ type: 'verify_pass' }, town);
    expect(event).toMatchObject({ state: 'closed', closedBy: { unitId: TOWN, level: 'town' } });
    step({ type: 'rate', rating: 'unsatisfied', reason: '第二天又有人倒垃圾' }, reporter);
    expect(event).toMatchObject({ state: 'accepted', handler: { unitId: TOWN, level: 'town' }, reopenCount: 1, closedBy: null, assignee: null });
    step({ type: 'dispatch', assignee: { kind: 'department', unitId: 501 }, deadline }, town);
    step({ type: 'take' }, worker);
    step({ type: 'complete', result: '安装监控并设置垃圾点' }, worker);
    step({ type: 'close' }, town);
    step({ type: 'rate', rating: 'satisfied' }, reporter);

    expect(event).toMatchObject({ state: 'rated', rating: 'satisfied', urgeCount: 1, reopenCount: 1 });
    expect(timeline.map((e) => `${e.action}@${e.level}:${e.from}->${e.to}${e.note ? ` (${e.note})` : ''}`)).toEqual([
      'accept@grid:reported->accepted',
      'dispatch@grid:accepted->dispatched',
      'take@grid:dispatched->in_progress',
      'complete@grid:in_progress->submitted (已清运)',
      'verify_fail@grid:submitted->in_progress (仍有残留)',
      'complete@grid:in_progress->submitted (已彻底清运)',
      'verify_fail@grid:submitted->in_progress (源头未解决，需执法)',
      'escalate@grid:in_progress->reported (网格无法解决)',
      'urge@community:reported->reported (请尽快)',
      'escalate@community:reported->reported (需城管执法)',
      'accept@town:reported->accepted',
      'dispatch@town:accepted->dispatched',
      'take@town:dispatched->in_progress',
      'complete@town:in_progress->submitted (执法清除)',
      'verify_pass@town:submitted->closed',
      'rate@town:closed->accepted (第二天又有人倒垃圾)',
      'dispatch@town:accepted->dispatched',
      'take@town:dispatched->in_progress',
      'complete@town:in_progress->submitted (安装监控并设置垃圾点)',
      'close@town:submitted->closed',
      'rate@town:closed->rated',
    ]);
    expect(timeline[7].detail).toEqual({ kind: 'moved', to: { unitId: COMMUNITY, level: 'community' } });
    expect(timeline[3].attachments).toEqual(['after-1']);
  });

  it('下发 sends an escalated event back down, keeping the history on the timeline', () => {
    const atCommunity = ok(applyEventAction(inState('accepted'), EXAMPLES.escalate, gridHead, tick()));
    const down = ok(applyEventAction(atCommunity.event, { type: 'send_down', to: { unitId: GRID, level: 'grid' }, reason: '网格可处理' }, community, tick()));
    expect(down.event).toMatchObject({ state: 'accepted', handler: { unitId: GRID, level: 'grid' } });
    expect(down.entry).toMatchObject({ level: 'community', note: '网格可处理', detail: { kind: 'moved', to: { level: 'grid' } } });
  });

  it('回退 to the reporter, who resubmits to the grid', () => {
    const back = inState('returned');
    const again = ok(applyEventAction(back, { type: 'resubmit', note: '补充了位置' }, reporter, tick()));
    expect(again.event).toMatchObject({ state: 'reported', handler: { unitId: GRID, level: 'grid' } });
  });

  it('a result belongs to its round: 核查不通过, 不满意 and 上报 clear it, the timeline keeps it', () => {
    const done = ok(applyEventAction(inState('in_progress'), { type: 'complete', result: '已清运' }, worker, tick())).event;
    expect(done.result).toBe('已清运');
    const failed = ok(applyEventAction(done, { type: 'verify_fail', reason: '仍有残留' }, gridHead, tick()));
    expect(failed.event.result).toBeNull();
    const closed = ok(applyEventAction(ok(applyEventAction(failed.event, { type: 'complete', result: '已彻底清运' }, worker, tick())).event, { type: 'close' }, gridHead, tick())).event;
    expect(closed.result).toBe('已彻底清运');
    const reopened = ok(applyEventAction(closed, { type: 'rate', rating: 'unsatisfied', reason: '又有了' }, reporter, tick())).event;
    expect(reopened).toMatchObject({ state: 'accepted', result: null });
    const redispatched = ok(applyEventAction(reopened, { type: 'dispatch', assignee: { kind: 'member', memberId: WORKER }, deadline }, gridHead, tick())).event;
    expect(redispatched.result).toBeNull();
  });

  it('督办 keeps the strongest card', () => {
    let event = inState('dispatched');
    for (const level of ['yellow', 'normal', 'red', 'yellow'] as const) {
      event = ok(applyEventAction(event, { type: 'supervise', level }, communityAsSuperior, tick())).event;
    }
    expect(event.supervision).toBe('red');
  });

  it('a member with several relations acts in whichever applies', () => {
    const both: EventActor = { memberId: GRID_HEAD, relation: ['reporter', 'handlerAtLevel'] };
    expect(ok(applyEventAction(reported(), { type: 'accept' }, both, tick())).event.state).toBe('accepted');
  });
});

describe('what a card may offer', () => {
  it('lists the steps each person may take now', () => {
    expect(availableEventActions(reported(), gridHead)).toEqual(['accept', 'dispatch', 'escalate', 'send_down', 'return_to_reporter']);
    expect(availableEventActions(reported(), reporter)).toEqual(['settle_on_spot']);
    expect(availableEventActions(inState('submitted'), gridHead)).toEqual(['verify_pass', 'verify_fail', 'close']);
    expect(availableEventActions(inState('closed'), reporter)).toEqual(['rate']);
    expect(availableEventActions(inState('in_progress'), communityAsSuperior)).toEqual(['supervise', 'urge']);
    expect(availableEventActions(inState('rated'), communityAsSuperior)).toEqual([]);
  });
});

describe('event numbers and levels', () => {
  it('SJ + Shanghai date + 4-digit daily sequence', () => {
    expect(formatEventNumber(new Date('2026-11-21T16:30:00Z'), 7, DEFAULT_TIME_ZONE)).toBe('SJ20261122-0007');
    expect(parseEventNumber('sj20261122-7')).toBe('SJ20261122-0007');
    expect(parseEventNumber('T20261122-0007')).toBeNull();
  });

  it('goes up grid → community → town → county', () => {
    expect(parentLevel('grid')).toBe('community');
    expect(parentLevel('town')).toBe('county');
    expect(parentLevel('county')).toBeNull();
  });
});
