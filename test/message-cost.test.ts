/**
 * Issue 20, item 1: what one message costs the database. The statements a message sends from its
 * receipt to its stored reply are counted on MariaDB (as in production), so a change that adds a
 * statement to every message shows here rather than only in a benchmark (on SQLite where MariaDB
 * is not reachable). The bounds are today's counts; `npx tsx bench/statements.ts` prints the
 * statements themselves. The organisation, bindings and settings a process has read are kept
 * between messages under a version (src/adapters/db/read-cache.ts), so the second process test
 * below checks that what one process changes the other sees on its next message.
 */
import { seedDemo } from '../src/adapters/db/demo';
import { startTestApp, type TestApp } from './support/app';
import { allKinds } from './support/databases';

type Query = (query: string, ...rest: unknown[]) => Promise<unknown>;

describe('statements per message', () => {
  let app: TestApp;
  const seen: string[] = [];
  let proto: { query: Query } | null = null;
  let original: Query | null = null;

  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '我是谁'); // the first message of a process builds its caches
    // Every statement of the database driver in use goes through its query runner's query().
    const runner = app.runtime.dataSource.createQueryRunner();
    proto = Object.getPrototypeOf(runner) as { query: Query };
    await runner.release();
    const through = (original = proto.query);
    proto.query = function (this: unknown, query: string, ...rest: unknown[]) {
      seen.push(query.replace(/\s+/g, ' '));
      return through.call(this, query, ...rest);
    };
  }, 180_000);

  afterAll(async () => {
    if (proto && original) proto.query = original;
    await app?.stop();
  });

  /** The statements of one message, the test driver's own waiting (COUNT queries) left out. */
  async function statementsOf(conversation: string, user: string, text: string): Promise<{ reply: string; statements: string[] }> {
    // Let the previous message's batched writes (dispatched_at, sent marks) land before counting.
    await new Promise((r) => setTimeout(r, 300));
    seen.length = 0;
    const reply = await app.chat.ask(conversation, user, text);
    await new Promise((r) => setTimeout(r, 200)); // dispatched_at is written in batches, shortly after
    // Left out: the driver's waiting and the background polls of the process, which run whether
    // messages come or not: the outbox relay (rows never handed on, every 10 s) and the intake
    // callback relay (every 300 ms).
    const others = (s: string) =>
      /^SELECT COUNT\(1\) AS [`"]cnt[`"]/.test(s) || (s.startsWith('SELECT') && /dispatched_at[`"]? IS NULL/.test(s)) || (s.startsWith('SELECT') && /FROM [`"]intake_callback[`"]/.test(s));
    return { reply, statements: seen.filter((s) => !others(s)) };
  }

  it('answers 我是谁 in 1:1 in at most 3 round trips to the database, the sender and the calendar kept by the process', async () => {
    const { reply, statements } = await statementsOf('dm-wgy-yg1', 'wgy-yg1', '我是谁');
    expect(reply).toContain('网格员');
    // SQLite (where MariaDB is not reachable) sends the start, the claim, the versions and the commit on their own.
    expect(statements.length).toBeLessThanOrEqual(app.database.kind === 'mysql' ? 3 : 7);
    // On MariaDB the whole transaction is one round trip: its start, the claim and the reply, each
    // written only while the read versions are the ones the process answered from, and the commit.
    if (app.database.kind === 'mysql') expect(statements[0]).toMatch(/^START TRANSACTION; SET @\w+ = \(SELECT COUNT\(\*\) FROM read_version .*; INSERT INTO `processed_key` .* WHERE @\w+ = 2; INSERT INTO outbox .* WHERE @\w+ = 2; COMMIT$/);
    // One read of the version stands for the calendar's settings, the sender with roles and units.
    expect(statements.filter((s) => s.includes('FROM read_version'))).toHaveLength(1);
    expect(statements.filter((s) => /FROM [`"]?setting[`"]?/.test(s))).toHaveLength(0);
    expect(statements.filter((s) => s.includes('FROM channel_binding b'))).toHaveLength(0);
    expect(statements.filter((s) => /FROM [`"]?org_unit[`"]?/.test(s))).toHaveLength(0);
    expect(statements.filter((s) => /FROM [`"]?dialog_state[`"]?/.test(s))).toHaveLength(0);
    // The sender does not read the outbox row back to send it.
    expect(statements.filter((s) => /^SELECT .*FROM [`"]outbox[`"]/.test(s))).toHaveLength(0);
  });

  it('files a 上报 in its grid group and tells the grid head in at most 17 round trips, 6 once the group is known (the opening with the first read, the number with the event, the timeline entry with the commit)', async () => {
    const first = await statementsOf('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路十二号门口垃圾堆放三天无人清运');
    expect(first.reply).toMatch(/\d{8}/);
    expect(first.statements.length).toBeLessThanOrEqual(app.database.kind === 'mysql' ? 17 : 21);
    // The group's unit, its resident binding and the grid head to tell are kept for the next report.
    const next = await statementsOf('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路十三号门口井盖缺失需要尽快补上');
    expect(next.reply).toMatch(/\d{8}/);
    expect(next.statements.length).toBeLessThanOrEqual(app.database.kind === 'mysql' ? 6 : 12);
    // On MariaDB the day's counter steps in the round trip that stores the numbered event.
    if (app.database.kind === 'mysql') expect(next.statements.filter((s) => /^INSERT INTO `sequence` .*; INSERT INTO `grid_event`/.test(s))).toHaveLength(1);
    expect(next.statements.filter((s) => /FROM [`"]?(member|member_role|org_unit|conversation_binding|resident_group)[`"]? /.test(s))).toHaveLength(0);
  });

  it('keeps the organisation across dialog steps: a report asked step by step does not make other messages read the sender again', async () => {
    const asked = await statementsOf('grid-01001001', 'wgy-yg1', '上报');
    expect(asked.reply).toContain('请选择类别');
    expect(asked.statements.some((s) => /INTO [`"]?dialog_state/.test(s))).toBe(true);
    const { reply, statements } = await statementsOf('dm-wgy-yg1', 'wgy-yg1', '我是谁');
    expect(reply).toContain('网格员');
    expect(statements.filter((s) => s.includes('FROM channel_binding b'))).toHaveLength(0);
    expect(statements.filter((s) => /FROM [`"]?(org_unit|setting|member_role)[`"]?/.test(s))).toHaveLength(0);
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', '取消')).toBeTruthy();
  });
});

describe.each(allKinds())('two processes on %s', (db) => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ db });
    await seedDemo(a.runtime.uow);
    b = await startTestApp({ database: a.database });
  }, 180_000);

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('sees on its next message a role granted and revoked through the other', async () => {
    expect(await b.chat.ask('dm-wgy-hp2', 'wgy-hp2', '我是谁')).not.toContain('网格长');
    expect(await a.chat.ask('dm-admin', 'admin', '授权 卫网格员 网格长 01002002')).toBe('已授予 卫网格员 网格长（和平二网格）。');
    expect(await b.chat.ask('dm-wgy-hp2', 'wgy-hp2', '我是谁')).toContain('网格长');
    expect(await a.chat.ask('dm-admin', 'admin', '撤销授权 卫网格员 网格长 01002002')).toBe('已取消 卫网格员 在 和平二网格 的网格长。');
    expect(await b.chat.ask('dm-wgy-hp2', 'wgy-hp2', '我是谁')).not.toContain('网格长');
  }, 120_000);

  it('goes on with a dialog begun through the other, and forgets it once ended there', async () => {
    expect(await b.chat.ask('grid-01001002', 'wgy-yg2', '市容环境')).not.toContain('请描述问题');
    expect(await a.chat.ask('grid-01001002', 'wgy-yg2', '上报')).toContain('请选择类别');
    expect(await b.chat.ask('grid-01001002', 'wgy-yg2', '市容环境')).toContain('请描述问题');
    await a.chat.ask('grid-01001002', 'wgy-yg2', '取消');
    expect(await b.chat.ask('grid-01001002', 'wgy-yg2', '市容环境')).not.toContain('请描述问题');
  }, 120_000);
});
