/**
 * Events from outside the membership (issue 16 kernel): existing rows read as a member's report
 * after the migration; an outside report is numbered and routed like a member's, its reporter shows
 * as 居民; observers hear every step inside the transaction; only the same origin may rate, and
 * 不满意 reopens it as a member's would.
 */
import { DataSource } from 'typeorm';
import { createDataSource, openDatabase } from '../../src/adapters/db/data-source';
import { TypeOrmEventRepo } from '../../src/adapters/db/repositories/event-repository';
import { seedDemo } from '../../src/adapters/db/demo';
import { eventNumbering, type EventOrigin, type TimelineEntry } from '../../src/domain/event';
import { loadConfig } from '../../src/config';
import type { BotRepos } from '../../src/bot/modules';
import type { Tx } from '../../src/bot/ports';
import { EventRefusedError } from '../../src/bot/events/refusals';
import { migrations } from '../../migrations';
import { allKinds, createTestDatabase } from '../support/databases';
import { startTestApp, type TestApp } from '../support/app';

const at = (iso: string) => iso.replace('T', ' ').replace('Z', '');

describe.each(allKinds())('the event origin migration on %s', (kind) => {
  it('reads every existing event and timeline step as a member report', async () => {
    const db = await createTestDatabase(kind);
    try {
      const before = new DataSource({ ...createDataSource(db.url).options, migrations: migrations.filter((m) => m.name !== 'EventOrigin1764003000000') });
      await before.initialize();
      await before.runMigrations({ transaction: 'each' });
      await before.query(
        'INSERT INTO grid_event (number, category, item, urgency, description, location, attachments, grid_unit_id, reporter_id, reported_at, state, handler_unit_id, handler_level, reopen_count, urge_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ['SJ20261101-0001', '其他', null, 'normal', '旧事件', null, '[]', 5, 9, at('2026-11-01T02:00:00.000Z'), 'reported', 5, 'grid', 0, 0, at('2026-11-01T02:00:00.000Z')],
      );
      await before.query('INSERT INTO grid_event_log (event_id, action, actor_id, at, from_state, to_state, level, unit_id, attachments) VALUES (1, ?, 9, ?, NULL, ?, ?, 5, ?)', ['report', at('2026-11-01T02:00:00.000Z'), 'reported', 'grid', '[]']);
      await before.destroy();

      const { dataSource, applied } = await openDatabase(db.url);
      try {
        expect(applied).toEqual(['EventOrigin1764003000000']);
        const repo = new TypeOrmEventRepo(dataSource.manager);
        const event = await repo.byNumber('SJ20261101-0001');
        expect(event).toMatchObject({ reporterId: 9, origin: { kind: 'member' }, dueAt: null });
        expect(await repo.timeline(event!.id)).toEqual([expect.objectContaining({ actorId: 9, origin: null, action: 'report' })]);
        // New rows without a member reporter are accepted.
        const numbering = eventNumbering(new Date('2026-11-02T02:00:00.000Z'), loadConfig({}).TIMEZONE);
        const outside = await repo.createNumbered({ ...event!, reporterId: null, origin: { kind: 'intake', clientId: 3, externalId: 'A-1' }, dueAt: new Date('2026-11-03T00:00:00.000Z') }, numbering, new Date());
        expect(outside.number).toBe('SJ20261102-0001');
        await repo.addEntry(outside.id, { eventNumber: outside.number, action: 'report', actorId: null, origin: outside.origin, at: new Date(), from: null, to: 'reported', level: 'grid', unitId: 5, note: null, attachments: [], detail: null });
        expect(await repo.byNumber('SJ20261102-0001')).toMatchObject({ reporterId: null, origin: { kind: 'intake', clientId: 3, externalId: 'A-1' }, dueAt: new Date('2026-11-03T00:00:00.000Z') });
        expect((await repo.byOrigin({ kind: 'intake', clientId: 3, externalId: 'A-1' }, 5)).map((e) => e.number)).toEqual(['SJ20261102-0001']);
        expect(await repo.byOrigin({ kind: 'intake', clientId: 3, externalId: 'A-2' }, 5)).toEqual([]);
        expect((await repo.timeline(outside.id))[0]).toMatchObject({ actorId: null, origin: { kind: 'intake', clientId: 3, externalId: 'A-1' } });
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('an event from outside the membership', () => {
  let app: TestApp;
  let gridId = 0;
  const heard: { number: string; action: string; state: string; origin: EventOrigin | null | undefined }[] = [];
  const RESIDENT: EventOrigin = { kind: 'resident', residentId: 41 };
  let key = 0;

  const run = async <T>(work: (tx: Tx<BotRepos>) => Promise<T>): Promise<T> => {
    const result = await app.runtime.uow.runOnce(`test:origin:${++key}`, work);
    if (!result.ran) throw new Error('not run');
    return result.result;
  };
  const lastBot = async (conversation: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').slice(-1)[0];

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
    gridId = (await app.runtime.uow.read((repos) => repos.org.unitByCode('01001001')))!.id;
    app.runtime.areas.events.observe({
      async changed(_tx, event, entry: TimelineEntry) {
        heard.push({ number: event.number, action: entry.action, state: event.state, origin: entry.origin });
      },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('is numbered and routed like a member report; the card names the reporter 居民; an order deadline is kept', async () => {
    const due = new Date(Date.now() + 3 * 86400_000);
    const event = await run((tx) => app.runtime.areas.events.reportFromOutside(tx, { origin: RESIDENT, gridUnitId: gridId, description: '楼道灯坏了', location: '幸福路12号', deadline: due }));
    expect(event.number).toMatch(/^SJ\d{8}-\d{4}$/);
    expect(event).toMatchObject({ reporterId: null, origin: RESIDENT, state: 'reported', category: { category: '其他', item: null }, dueAt: due });
    await app.chat.outboxDrained();
    const card = await lastBot('dm-wz-yg1');
    expect(card.text).toContain(`新事件待受理`);
    expect(card.text).toContain(event.number);
    expect(card.text).toContain('上报人：居民');
    expect(heard).toEqual([{ number: event.number, action: 'report', state: 'reported', origin: RESIDENT }]);

    // The loop runs as for a member's report.
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `受理 ${event.number}`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `派遣 ${event.number} 冯网格员 明天17:00`);
    await app.chat.outboxDrained();
    const task = /T\d{8}-\d{4}/.exec((await lastBot('dm-wgy-yg1')).text)![0];
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 已更换灯泡`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `核查 ${event.number} 通过`);
    await app.chat.outboxDrained();
    expect(heard.map((h) => h.action)).toEqual(['report', 'accept', 'dispatch', 'take', 'complete', 'verify_pass']);
    expect(heard.at(-1)).toMatchObject({ state: 'closed', origin: null });

    // Another origin cannot rate it (and learns nothing: not found); the reporter's 不满意 reopens it.
    await expect(run((tx) => app.runtime.areas.events.rateFromOutside(tx, event.number, { kind: 'resident', residentId: 42 }, 'satisfied'))).rejects.toMatchObject({ refusal: { code: 'not_found' } });
    await expect(run((tx) => app.runtime.areas.events.rateFromOutside(tx, event.number, RESIDENT, 'unsatisfied'))).rejects.toBeInstanceOf(EventRefusedError);
    const reopened = await run((tx) => app.runtime.areas.events.rateFromOutside(tx, event.number, RESIDENT, 'unsatisfied', '灯还是不亮'));
    expect(reopened).toMatchObject({ state: 'accepted', rating: 'unsatisfied', reopenCount: 1 });
    expect(heard.at(-1)).toEqual({ number: event.number, action: 'rate', state: 'accepted', origin: RESIDENT });
    await app.chat.outboxDrained();
    expect((await lastBot('dm-wz-yg1')).text).toContain(`事件 ${event.number} 评价不满意，已重新打开：灯还是不亮`);

    const shown = await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${event.number}`);
    const timeline = shown.split('流转记录：')[1].split('\n').filter(Boolean).map((l) => l.replace(/^\d{2}-\d{2} \d{2}:\d{2} /, ''));
    expect(timeline[0]).toBe('阳光一网格 居民 上报');
    expect(timeline).toContain('阳光一网格 居民 评价 不满意：灯还是不亮');
  });
});
