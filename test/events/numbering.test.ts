/**
 * An event is numbered in the statement that stores it (insertNumbered; on MariaDB the counter's
 * step and the row in one round trip, the number built in SQL): the stored number is the one the
 * bot announces, the day's sequence runs on past four digits, and a rolled-back report takes its
 * number back with it. On SQLite and on real MariaDB.
 */
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/adapters/db/data-source';
import { TypeOrmEventRepo } from '../../src/adapters/db/repositories/event-repository';
import { createEvent, eventNumbering, formatEventNumber, type GridEvent } from '../../src/domain/event';
import { allKinds, createTestDatabase, type TestDatabase } from '../support/databases';

const NOW = new Date('2026-12-01T15:30:00.000Z');
/** The deployment's default zone (UTC+8, as every county runs it). */
const ZONE = loadConfig({}).TIMEZONE;

function draft(description: string): GridEvent {
  const created = createEvent({ number: '', category: { category: '环境卫生', item: null }, description, gridUnitId: 7, reporterId: 3 }, NOW);
  if (!created.ok) throw new Error(created.reason);
  return created.event;
}

describe.each(allKinds())('numbering a new event on %s', (kind) => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    dataSource = (await openDatabase(db.url)).dataSource;
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const stored = async (): Promise<string[]> => ((await dataSource.query('SELECT number FROM grid_event ORDER BY id')) as { number: string }[]).map((r) => r.number);

  it('stores the number it returns, from SJ…-0001 on, past 9999 to five digits, and a rollback takes its number back', async () => {
    const numbering = eventNumbering(NOW, ZONE);
    expect(numbering.counter).toBe('event-20261201'); // the counter the day's reports always used
    const create = (description: string) => dataSource.transaction((em) => new TypeOrmEventRepo(em).createNumbered(draft(description), numbering, NOW));

    const first = await create('第一件');
    expect(first.number).toBe('SJ20261201-0001');
    expect(first.number).toBe(formatEventNumber(NOW, 1, ZONE));
    expect(first.id).toBeGreaterThan(0);
    expect(await new TypeOrmEventRepo(dataSource.manager).byId(first.id)).toMatchObject({ number: 'SJ20261201-0001', description: '第一件' });

    // A report whose transaction fails after it was numbered leaves neither the row nor a gap.
    await expect(
      dataSource.transaction(async (em) => {
        await new TypeOrmEventRepo(em).createNumbered(draft('回滚的'), numbering, NOW);
        throw new Error('the rest of the report failed');
      }),
    ).rejects.toThrow('the rest of the report failed');
    expect((await create('第二件')).number).toBe('SJ20261201-0002');

    await dataSource.query(kind === 'mysql' ? 'UPDATE `sequence` SET `value` = 9998 WHERE `name` = ?' : 'UPDATE "sequence" SET "value" = 9998 WHERE "name" = ?', [numbering.counter]);
    const numbers = [(await create('第9999件')).number, (await create('第10000件')).number, (await create('第10001件')).number];
    expect(numbers).toEqual(['SJ20261201-9999', 'SJ20261201-10000', 'SJ20261201-10001']);
    expect(numbers).toEqual([9999, 10000, 10001].map((n) => formatEventNumber(NOW, n, ZONE)));
    expect(await stored()).toEqual(['SJ20261201-0001', 'SJ20261201-0002', ...numbers]);

    // The next local day starts again at 0001 (16:30 UTC is already 2 December at UTC+8).
    const tomorrow = new Date('2026-12-01T16:30:00.000Z');
    const next = await dataSource.transaction((em) => new TypeOrmEventRepo(em).createNumbered(draft('次日'), eventNumbering(tomorrow, ZONE), tomorrow));
    expect(next.number).toBe('SJ20261202-0001');
  });

  it('numbers reports stored at the same time without a repeat or a gap', async () => {
    const numbering = eventNumbering(new Date('2026-12-05T02:00:00.000Z'), ZONE);
    const one = (i: number) => dataSource.transaction((em) => new TypeOrmEventRepo(em).createNumbered(draft(`并发${i}`), numbering, NOW));
    // SQLite has one connection (the unit of work runs its transactions one at a time); MariaDB many.
    const made = kind === 'mysql' ? await Promise.all(Array.from({ length: 12 }, (_, i) => one(i))) : [];
    for (let i = 0; kind !== 'mysql' && i < 12; i++) made.push(await one(i));
    const numbers = made.map((e) => e.number).sort();
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `SJ20261205-${String(i + 1).padStart(4, '0')}`));
    const rows = (await dataSource.query('SELECT id, number FROM grid_event WHERE number LIKE ?', ['SJ20261205-%'])) as { id: number; number: string }[];
    expect(new Map(rows.map((r) => [Number(r.id), r.number]))).toEqual(new Map(made.map((e) => [e.id, e.number])));
  });
});
