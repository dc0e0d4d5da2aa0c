/**
 * Benchmark (not a test): the figures of one period over a long history (issue 20). A county of 500
 * grids (5 towns × 10 communities × 10 grids, a gridworker each) with EVENTS events at a steady
 * 1,000,000 a year (so 5,000,000 is five years of history and every month holds about the same
 * 83,000 events), a task for every tenth event with its history, a rating for every rated event.
 * Times, on the production build, what a user waits for: the weekly agenda of one community, the
 * town's monthly agenda, 统计 and 考核 of the county's month, and the town's event ledger; each
 * beside its floor measured in the same run — a bare SELECT COUNT(*) over the same (unit, period)
 * index range (for the ledger: a bare SELECT of the same rows).
 *
 *   npm run build && EVENTS=1000000 npm run bench:scale        (SEED_ONLY=1: seed and stop; the next run measures)
 *
 * The seeded database (gbt_bench_scale_<EVENTS>) is kept for the next run while the migrations and
 * the seed are unchanged (DROP=1 drops it at the end). App modules are loaded from dist/ (the
 * production build) unless SRC=1; NODE_ENV=production settings (no per-query stack traces).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 5);
const PER_YEAR = 1_000_000;
const SEED_VERSION = 'scale-2';
const BASE = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `gbt_bench_scale_${EVENTS}`;
/** The moment the benchmark's users ask: Monday 7 December 2026, 08:00 in Shanghai. */
const NOW = new Date('2026-12-07T00:00:00Z');
const TOWNS = 5;
const COMMUNITIES = 10;
const GRIDS = 10;
const CATEGORIES = ['环境卫生', '安全隐患', '矛盾纠纷', '市容环境', '住户变动', '人员流动', '公共设施', '其他'];
const OPEN_STATES = ['reported', 'accepted', 'dispatched', 'in_progress', 'submitted'];

const root = process.env.SRC === '1' ? path.join(__dirname, '..', 'src') : path.join(__dirname, '..', 'dist', 'src');
const load = <T>(module: string): Promise<T> => import(path.join(root, module)) as Promise<T>;

/** TRACE=1: after each measure, its statements by shape with their count and total time (stderr). */
const statementTimes = new Map<string, { n: number; ms: number }>();
async function traceStatements(): Promise<void> {
  const { MysqlQueryRunner } = await import('typeorm/driver/mysql/MysqlQueryRunner.js');
  const original = MysqlQueryRunner.prototype.query;
  MysqlQueryRunner.prototype.query = async function (this: InstanceType<typeof MysqlQueryRunner>, query: string, ...rest: unknown[]) {
    const t0 = performance.now();
    try {
      return await (original as (...a: unknown[]) => Promise<unknown>).call(this, query, ...rest);
    } finally {
      const shape = query.replace(/\s+/g, ' ').replace(/\?(, \?)+/g, '?…').slice(0, 200);
      const entry = statementTimes.get(shape) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += performance.now() - t0;
      statementTimes.set(shape, entry);
    }
  } as typeof original;
}
function printStatements(what: string): void {
  if (process.env.TRACE !== '1') return;
  process.stderr.write(`--- ${what}\n`);
  for (const [shape, t] of [...statementTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) process.stderr.write(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}× ${shape}\n`);
  statementTimes.clear();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Org {
  county: number;
  towns: number[];
  communities: number[];
  grids: number[];
  leader: number;
}

async function main(): Promise<void> {
  process.env.NODE_ENV = 'production';
  if (process.env.TRACE === '1') await traceStatements();
  const { openDatabase } = await load<typeof import('../src/adapters/db/data-source')>('adapters/db/data-source');
  const { TypeOrmUnitOfWork } = await load<typeof import('../src/adapters/db/unit-of-work')>('adapters/db/unit-of-work');
  const { CalendarSource } = await load<typeof import('../src/bot/calendar/source')>('bot/calendar/source');
  const { loadConfig } = await load<typeof import('../src/config')>('config');
  const { createMeetingRenderer } = await load<typeof import('../src/adapters/render')>('adapters/render');
  const { MeetingService } = await load<typeof import('../src/bot/meetings')>('bot/meetings');
  const { AssessmentService } = await load<typeof import('../src/bot/assessment')>('bot/assessment');
  const { buildLedger } = await load<typeof import('../src/bot/assessment/ledgers')>('bot/assessment/ledgers');
  const { periodContaining, previousPeriod } = await load<typeof import('../src/domain/assessment/period')>('domain/assessment/period');
  const { Notifier } = await load<typeof import('../src/bot/notify')>('bot/notify');
  const { createBotModules } = await load<typeof import('../src/bot/modules')>('bot/modules');
  const { migrations } = (await import(path.join(root, '..', 'migrations'))) as typeof import('../migrations');

  // The seeded database is reused while the schema (every migration's text) and the seed are unchanged.
  const migrationDir = path.join(__dirname, '..', 'migrations');
  const schemaText = fs.readdirSync(migrationDir).sort().map((f) => fs.readFileSync(path.join(migrationDir, f), 'utf8'));
  const fingerprint = crypto.createHash('sha1').update([SEED_VERSION, EVENTS, migrations.length, ...schemaText].join('|')).digest('hex').slice(0, 16);
  const admin = await mysql.createConnection({ uri: BASE });
  const existing = (await admin.query(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, [DB]))[0] as unknown[];
  let cached: Org | null = null;
  if (existing.length) {
    try {
      const [rows] = await admin.query(`SELECT fingerprint, org FROM \`${DB}\`.bench_meta`);
      const meta = (rows as { fingerprint: string; org: string }[])[0];
      if (meta?.fingerprint === fingerprint) cached = JSON.parse(meta.org) as Org;
    } catch {
      cached = null;
    }
    if (!cached) await admin.query(`DROP DATABASE \`${DB}\``);
  }
  if (!cached) await admin.query(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();

  const url = `${BASE}/${DB}`;
  const ZONE = loadConfig({}).TIMEZONE;
  const clock = { at: NOW, now: () => clock.at };
  const { dataSource } = await openDatabase(url, { traceQueries: false });
  const uow = new TypeOrmUnitOfWork(dataSource, clock, url, new CalendarSource(ZONE));
  const q = (sql: string, params: unknown[] = []) => dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
  let seedMs = 0;
  try {
    let org = cached;
    if (!org) {
      const t0 = Date.now();
      org = await seed();
      seedMs = Date.now() - t0;
    }
    if (process.env.SEED_ONLY === '1') {
      // Seed now, measure in a later run on a quiet machine (the seed is kept and reused).
      process.stdout.write(`seeded ${DB} in ${(seedMs / 1000).toFixed(0)} s\n`);
      return;
    }
    const units = async (ids: number[]) => Promise.all(ids.map(async (id) => (await uow.read((r) => r.org.unit(id)))!));
    const [county] = await units([org.county]);
    const [town] = await units([org.towns[0]]);
    const [community] = await units([org.communities[0]]);

    const output = { renderer: createMeetingRenderer(), baseUrl: () => 'http://bench.local' };
    const meetings = new MeetingService({ tasks: createBotModules({ output }).tasks, attendance: new AssessmentService(), output });
    const assessment = new AssessmentService();

    /** Ids of the grids under a unit, and a bare count over their (grid, period) index range. */
    const gridsUnder = async (unitPath: string) => (await uow.read((r) => r.org.subtree(unitPath))).filter((u) => u.level === 'grid').map((u) => u.id);
    const floorCount = async (grids: number[], from: Date, to: Date) =>
      Number((await q(`SELECT COUNT(*) AS n FROM grid_event WHERE grid_unit_id IN (${grids.map(() => '?').join(',')}) AND reported_at >= ? AND reported_at < ?`, [...grids, from, to]))[0].n);
    const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> => {
      const t0 = performance.now();
      const result = await fn();
      return { ms: performance.now() - t0, result };
    };

    statementTimes.clear();
    const rows: { what: string; times: number[]; floor: number[]; size: string; goal: number | null }[] = [];
    async function measure(what: string, goal: number | null, size: (n: number) => string, run: (i: number) => Promise<unknown>, floor: () => Promise<number>) {
      const times: number[] = [];
      const floors: number[] = [];
      let n = 0;
      for (let i = 0; i < RUNS; i++) {
        const f = await timed(floor);
        floors.push(f.ms);
        n = f.result;
        times.push((await timed(() => run(i))).ms);
      }
      rows.push({ what, times, floor: floors, size: size(n), goal });
      printStatements(what);
    }

    // 周例会: the community's previous week (Mon 30 Nov – Sun 6 Dec, Shanghai).
    const weekGrids = await gridsUnder(community.path);
    const week = { from: new Date('2026-11-29T16:00:00Z'), to: new Date('2026-12-06T16:00:00Z') };
    await measure(
      '周例会 agenda, one community (10 grids), previous week',
      100,
      (n) => `${n.toLocaleString('en')} events in the week`,
      async (i) => {
        const r = await uow.runOnce(`bench-weekly-${Date.now()}-${i}`, (tx) => meetings.prepareAgenda(tx, 'weekly', community, new Notifier(tx)));
        if (!r.ran) throw new Error('weekly agenda did not run');
      },
      () => floorCount(weekGrids, week.from, week.to),
    );

    // 月例会: the town's previous month (November), asked on 1 December.
    clock.at = new Date('2026-12-01T01:00:00Z');
    const townGrids = await gridsUnder(town.path);
    const november = { from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z') };
    await measure(
      '月例会 agenda, one town (100 grids), previous month',
      1000,
      (n) => `${n.toLocaleString('en')} events in the month`,
      async (i) => {
        const r = await uow.runOnce(`bench-monthly-${Date.now()}-${i}`, (tx) => meetings.prepareAgenda(tx, 'monthly', town, new Notifier(tx)));
        if (!r.ran) throw new Error('monthly agenda did not run');
      },
      () => floorCount(townGrids, november.from, november.to),
    );

    // The county's November, asked on 7 December: 统计 (as the command reads it), 考核 (the ranking with its trend).
    clock.at = NOW;
    const countyGrids = org.grids;
    const month = periodContaining('month', november.from, ZONE);
    const countyUnits = await uow.read((r) => r.org.subtree(county.path));
    await measure(
      '统计, the county (500 grids), one month',
      1000,
      (n) => `${n.toLocaleString('en')} events in the month`,
      () =>
        uow.read(async (repos, calendar) => {
          await repos.assessment.eventStats(countyGrids, month);
          await repos.assessment.taskStats(countyUnits.map((u) => u.id), month, clock.at);
          await assessment.unitFacts(repos, calendar, county, month, clock.at);
        }),
      () => floorCount(countyGrids, month.start, month.end),
    );
    await measure(
      '考核 ranking with trend, the county (500 grids), one month',
      1000,
      (n) => `${n.toLocaleString('en')} events in the month and the one before`,
      () => uow.read(async (repos, calendar) => assessment.rankChildren(repos, calendar, county, month, clock.at, true)),
      async () => (await floorCount(countyGrids, month.start, month.end)) + (await floorCount(countyGrids, previousPeriod(month, ZONE).start, month.start)),
    );
    let ledgerRows = 0;
    await measure(
      '导出 事件台账, one town (100 grids), one month',
      null,
      () => `${ledgerRows.toLocaleString('en')} rows`,
      () =>
        uow.read(async (repos, calendar) => {
          const book = await buildLedger(repos, { kind: 'events', unitId: town.id, period: month.key }, clock.at, calendar);
          ledgerRows = book?.sheets.reduce((s, sh) => s + sh.rows.length, 0) ?? 0;
        }),
      async () => (await q(`SELECT * FROM grid_event WHERE grid_unit_id IN (${townGrids.map(() => '?').join(',')}) AND reported_at >= ? AND reported_at < ? ORDER BY reported_at, id`, [...townGrids, month.start, month.end])).length,
    );

    const total = Number((await q('SELECT COUNT(*) AS n FROM grid_event'))[0].n);
    const version = (await q('SELECT VERSION() AS v'))[0].v as string;
    const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    const report = [
      `## ${total.toLocaleString('en')} events (${(EVENTS / PER_YEAR).toFixed(0)} year${EVENTS > PER_YEAR ? 's' : ''} of history)`,
      '',
      `Run: ${new Date().toISOString()} · \`npm run build && EVENTS=${EVENTS} RUNS=${RUNS} npm run bench:scale\` · ${process.env.SRC === '1' ? 'sources (SRC=1)' : 'production build (dist/)'}, NODE_ENV=production · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · MariaDB ${version}`,
      `Seed: ${seedMs ? `${(seedMs / 1000).toFixed(0)} s (bulk INSERT … SELECT)` : 'reused from the previous run (same migrations and seed)'}. Load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
      '',
      '| what | median (min–max) of ' + RUNS + ' | floor, same run | size | goal |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.what} | ${fmt(r.times)} | ${fmt(r.floor)} | ${r.size} | ${r.goal === null ? '—' : `≤ ${r.goal} ms: ${median(r.times) <= r.goal ? 'met' : 'NOT met'}`} |`),
      '',
    ].join('\n');
    const out = path.join(__dirname, 'results', `scale-${EVENTS}.md`);
    fs.writeFileSync(out, report);
    process.stdout.write(report);
  } finally {
    await dataSource.destroy();
    if (process.env.DROP === '1') {
      const c = await mysql.createConnection({ uri: BASE });
      await c.query(`DROP DATABASE IF EXISTS \`${DB}\``);
      await c.end();
    }
  }

  async function seed(): Promise<Org> {
    const made = await uow.runOnce('bench-org', async ({ repos, now }) => {
      const county = await repos.org.createUnit({ code: 'B01', name: '基准县', level: 'county', parent: null, now });
      const leader = await repos.org.createMember({ name: '县领导', phone: null, now });
      await repos.org.grantRole(leader.id, 'county_center', county.id, now);
      const org: Org & { workers: number[] } = { county: county.id, towns: [], communities: [], grids: [], leader: leader.id, workers: [] };
      for (let t = 1; t <= TOWNS; t++) {
        const town = await repos.org.createUnit({ code: String(t).padStart(2, '0'), name: `第${t}街道`, level: 'town', parent: county, now });
        org.towns.push(town.id);
        for (let c = 1; c <= COMMUNITIES; c++) {
          const community = await repos.org.createUnit({ code: `${town.code}${String(c).padStart(3, '0')}`, name: `${t}街${c}社区`, level: 'community', parent: town, now });
          org.communities.push(community.id);
          for (let g = 1; g <= GRIDS; g++) {
            const grid = await repos.org.createUnit({ code: `${community.code}${String(g).padStart(3, '0')}`, name: `${c}社区${g}网格`, level: 'grid', parent: community, now });
            const worker = await repos.org.createMember({ name: `网格员${grid.code}`, phone: null, now });
            await repos.org.grantRole(worker.id, 'gridworker', grid.id, now);
            org.grids.push(grid.id);
            org.workers.push(worker.id);
          }
        }
      }
      return org;
    });
    if (!made.ran) throw new Error('org not created');
    const org = made.result;
    await q('CREATE TABLE bench_grid (i INT PRIMARY KEY, grid_id INT NOT NULL, town_id INT NOT NULL, worker_id INT NOT NULL)');
    await q(`INSERT INTO bench_grid VALUES ${org.grids.map((g, i) => `(${i}, ${g}, ${org.towns[Math.floor(i / (COMMUNITIES * GRIDS))]}, ${org.workers[i]})`).join(', ')}`);
    const spanSeconds = Math.round((EVENTS / PER_YEAR) * 365 * 86400);
    const cat = `ELT(1 + s.h1 % 8, ${CATEGORIES.map((c) => `'${c}'`).join(', ')})`;
    const openState = `ELT(1 + s.h3 % 5, ${OPEN_STATES.map((c) => `'${c}'`).join(', ')})`;
    // Events of the last 60 days are 8 % open (a tenth of those held by the town); older ones are closed but for 0.1 %.
    // The seeded tables are filled without their secondary indexes, which are then built in one
    // sorted pass per table (the same indexes, so the same schema): kept up row by row, they made a
    // 5,000,000-event seed take most of an hour on a 128 MB buffer pool.
    const SEEDED = ['grid_event', 'task', 'task_history', 'grid_event_log'];
    const indexes = await q(
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, GROUP_CONCAT(CONCAT('\`', COLUMN_NAME, '\`', IF(SUB_PART IS NULL, '', CONCAT('(', SUB_PART, ')'))) ORDER BY SEQ_IN_INDEX) AS cols
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${SEEDED.map(() => '?').join(', ')}) AND NON_UNIQUE = 1
       GROUP BY TABLE_NAME, INDEX_NAME`,
      SEEDED,
    );
    for (const table of SEEDED) {
      const mine = indexes.filter((x) => x.t === table);
      if (mine.length) await q(`ALTER TABLE \`${table}\` ${mine.map((x) => `DROP INDEX \`${String(x.i)}\``).join(', ')}`);
    }
    const BATCH = 500_000;
    for (let from = 0; from < EVENTS; from += BATCH) {
      const to = Math.min(EVENTS, from + BATCH) - 1;
      await q(
        `INSERT INTO grid_event (number, category, item, urgency, description, location, attachments, grid_unit_id, reporter_id, reported_at, state,
           handler_unit_id, handler_level, assignee_kind, assignee_id, dispatcher_id, deadline, task_id, result, closed_by_unit_id, closed_by_level,
           closed_at, rating, reopen_count, supervision, urge_count, updated_at)
         SELECT CONCAT('SJ', LPAD(s.seq, 8, '0'), '-B'), ${cat}, NULL, IF(s.h2 % 20 = 0, 'urgent', 'normal'), CONCAT('基准事件 ', s.seq), NULL, '[]',
           g.grid_id, g.worker_id, s.at, IF(s.open, ${openState}, IF(s.h2 % 100 < 2, 'returned', IF(s.h2 % 100 < 15, 'settled_on_spot', IF(s.h2 % 100 < 60, 'rated', 'closed')))),
           IF(s.open AND s.h3 % 10 = 0, g.town_id, g.grid_id), IF(s.open AND s.h3 % 10 = 0, 'town', 'grid'), NULL, NULL, NULL,
           IF(s.open, s.at + INTERVAL 3 DAY, NULL), NULL, NULL,
           IF(s.open OR s.h2 % 100 < 2, NULL, g.grid_id), IF(s.open OR s.h2 % 100 < 2, NULL, 'grid'),
           IF(s.open OR s.h2 % 100 < 2, NULL, s.at + INTERVAL (s.h3 % 72) HOUR), IF(NOT s.open AND s.h2 % 100 BETWEEN 15 AND 59, IF(s.h3 % 10 = 0, 'unsatisfied', 'satisfied'), NULL),
           0, IF(s.open AND s.h3 % 20 = 1, 'yellow', NULL), 0, s.at
         FROM (SELECT t.seq, t.h1, t.h2, t.h3, t.at, (t.at > ? AND t.h2 % 100 >= 92) OR t.h2 % 1000 = 999 AS open
               FROM (SELECT seq, CRC32(CONCAT('a', seq)) AS h1, CRC32(CONCAT('b', seq)) AS h2, CRC32(CONCAT('c', seq)) AS h3,
                            ? - INTERVAL (CRC32(CONCAT('d', seq)) % ?) SECOND AS at
                     FROM seq_${from}_to_${to}) t) s
         JOIN bench_grid g ON g.i = s.h1 % ${org.grids.length}`,
        [new Date(NOW.getTime() - 60 * 86400_000), NOW, spanSeconds],
      );
    }
    // A task for every tenth event, done (a twentieth of them with 核查) or, for an open event, accepted.
    await q(
      `INSERT INTO task (number, batch, title, details, priority, state, dispatcher_id, assignee_id, grid_id, scope_unit_id, source_kind, source_ref,
         event_number, requires_verification, dispatched_at, acknowledged_at, submitted_at, finished_at, deadline, deadline_version, extension_deadline,
         extension_reason, extension_requested_at, result, result_photos, scheduled_rungs, escalation, created_at, updated_at)
       SELECT CONCAT('T', LPAD(e.id, 8, '0'), '-B'), CONCAT('B', e.id), CONCAT('处置 ', e.number), '', 'normal', IF(e.closed_at IS NULL, 'accepted', 'done'),
         ?, e.reporter_id, e.grid_unit_id, e.grid_unit_id, 'event', e.number, e.number, e.id % 20 = 0, e.reported_at, e.reported_at + INTERVAL 1 HOUR,
         IF(e.id % 20 = 0, e.closed_at - INTERVAL 1 HOUR, NULL), e.closed_at, e.reported_at + INTERVAL 2 DAY, 1, NULL, NULL, NULL, NULL, '[]', '[]', NULL, e.reported_at, e.reported_at
       FROM grid_event e WHERE e.id % 10 = 0`,
      [org.leader],
    );
    await q(
      `INSERT INTO task_history (task_id, grid_id, at, action, actor_id, from_state, to_state, note, attachments, deadline)
       SELECT t.id, t.grid_id, t.dispatched_at, 'dispatch', t.dispatcher_id, NULL, 'dispatched', NULL, '[]', t.deadline FROM task t
       UNION ALL SELECT t.id, t.grid_id, t.acknowledged_at, 'accept', t.assignee_id, 'dispatched', 'accepted', NULL, '[]', NULL FROM task t
       UNION ALL SELECT t.id, t.grid_id, COALESCE(t.submitted_at, t.finished_at), 'complete', t.assignee_id, 'accepted', IF(t.requires_verification, 'submitted', 'done'), NULL, '[]', NULL FROM task t WHERE t.finished_at IS NOT NULL
       UNION ALL SELECT t.id, t.grid_id, t.finished_at, 'approve', t.dispatcher_id, 'submitted', 'done', NULL, '[]', NULL FROM task t WHERE t.requires_verification AND t.finished_at IS NOT NULL`,
    );
    await q(
      `INSERT INTO grid_event_log (event_id, grid_unit_id, action, actor_id, at, from_state, to_state, level, unit_id, note, attachments, detail, rating)
       SELECT e.id, e.grid_unit_id, 'rate', e.reporter_id, e.closed_at + INTERVAL 1 HOUR, 'closed', 'rated', 'grid', e.grid_unit_id, NULL, '[]', CONCAT('{"kind":"rated","rating":"', e.rating, '"}'), e.rating
       FROM grid_event e WHERE e.state = 'rated'`,
    );
    for (const table of SEEDED) {
      const mine = indexes.filter((x) => x.t === table);
      if (mine.length) await q(`ALTER TABLE \`${table}\` ${mine.map((x) => `ADD INDEX \`${String(x.i)}\` (${String(x.cols)})`).join(', ')}`);
    }
    await q('ANALYZE TABLE grid_event, grid_event_log, task, task_history');
    const saved: Org = { county: org.county, towns: org.towns, communities: org.communities, grids: org.grids, leader: org.leader };
    await q('CREATE TABLE bench_meta (fingerprint VARCHAR(32) NOT NULL, org LONGTEXT NOT NULL)');
    await q('INSERT INTO bench_meta VALUES (?, ?)', [fingerprint, JSON.stringify(saved)]);
    return saved;
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
