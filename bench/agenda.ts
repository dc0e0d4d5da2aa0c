/**
 * Benchmark (not a test): agenda generation for a town of 50 grids (5 communities × 10) with
 * 100,000 historical events on MariaDB. Times the weekly agenda of each community and the monthly
 * agenda of the town through the real MeetingService (read queries, composition, storing the
 * snapshot and carried items, chart PNG). Writes bench/results/agenda.md.
 *
 *   npm run bench:agenda          (EVENTS=100000 RUNS=5 to change the sizes)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/adapters/db/data-source';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work';
import { CalendarSource } from '../src/bot/calendar/source';
import { loadConfig } from '../src/config';
import { EventSchema, type EventRow } from '../src/adapters/db/schemas/events';
import { createMeetingRenderer } from '../src/adapters/render';
import { MeetingService } from '../src/bot/meetings';
import { AssessmentService } from '../src/bot/assessment';
import { Notifier } from '../src/bot/notify';
import { createBotModules } from '../src/bot/modules';
import type { OrgUnit } from '../src/domain/org/org';
import type { MeetingKind } from '../src/domain/meeting';
import { createTestDatabase, mysqlAvailable } from '../test/support/databases';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner.js';

/** TRACE=1: the statements of the timed agendas, by shape, with their count and total time. */
const statementTimes = new Map<string, { n: number; ms: number }>();
let slowest: { ms: number; query: string; params: unknown } = { ms: 0, query: '', params: [] };
if (process.env.TRACE === '1') {
  const original = MysqlQueryRunner.prototype.query;
  MysqlQueryRunner.prototype.query = async function (this: MysqlQueryRunner, query: string, ...rest: unknown[]) {
    const t0 = performance.now();
    try {
      return await (original as (...a: unknown[]) => Promise<unknown>).call(this, query, ...rest);
    } finally {
      const took = performance.now() - t0;
      if (took > slowest.ms && query.startsWith('SELECT')) slowest = { ms: took, query, params: rest[0] };
      const shape = query.replace(/\s+/g, ' ').replace(/\?(, \?)+/g, '?…').slice(0, 140);
      const entry = statementTimes.get(shape) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += performance.now() - t0;
      statementTimes.set(shape, entry);
    }
  } as typeof original;
}

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const COMMUNITIES = Number(process.env.COMMUNITIES ?? 5);
const GRIDS_PER_COMMUNITY = 10;
/** Also time the agendas with the period indexes dropped, on the same data (COMPARE=0 to skip). */
const COMPARE = process.env.COMPARE !== '0';
const NEW_INDEXES: [string, string][] = [
  ['grid_event', 'idx_grid_event_period'],
  ['grid_event', 'idx_grid_event_open'],
  ['task', 'idx_task_scope_deadline'],
];
const CATEGORIES = ['环境卫生', '安全隐患', '矛盾纠纷', '市容环境', '住户变动', '人员流动', '公共设施', '其他'];
const OPEN_STATES = ['reported', 'accepted', 'dispatched', 'in_progress', 'submitted'];
const DAY = 86_400_000;

interface Org {
  town: OrgUnit;
  communities: OrgUnit[];
  grids: OrgUnit[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (!mysqlAvailable()) throw new Error('MariaDB is not reachable at 127.0.0.1:3306');
  const db = await createTestDatabase('mysql');
  const clock = { at: new Date('2026-12-07T00:00:00Z'), now: () => clock.at };
  const { dataSource } = await openDatabase(db.url);
  const uow = new TypeOrmUnitOfWork(dataSource, clock, db.url, new CalendarSource(loadConfig({}).TIMEZONE));
  const output = { renderer: createMeetingRenderer(), baseUrl: () => 'http://bench.local' };
  const service = new MeetingService({ tasks: createBotModules({ output }).tasks, attendance: new AssessmentService(), output });
  try {
    const created = await uow.runOnce('bench-org', async ({ repos, now }): Promise<Org> => {
      const county = await repos.org.createUnit({ code: 'B01', name: '基准县', level: 'county', parent: null, now });
      const town = await repos.org.createUnit({ code: '01', name: '基准街道', level: 'town', parent: county, now });
      const communities: OrgUnit[] = [];
      const grids: OrgUnit[] = [];
      for (let c = 1; c <= COMMUNITIES; c++) {
        const community = await repos.org.createUnit({ code: `01${String(c).padStart(3, '0')}`, name: `第${c}社区`, level: 'community', parent: town, now });
        communities.push(community);
        const secretary = await repos.org.createMember({ name: `书记${c}`, phone: null, now });
        await repos.org.grantRole(secretary.id, 'community_secretary', community.id, now);
        for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++) {
          grids.push(await repos.org.createUnit({ code: `${community.code}${String(g).padStart(3, '0')}`, name: `${c}社区${g}网格`, level: 'grid', parent: community, now }));
        }
      }
      const leader = await repos.org.createMember({ name: '镇领导', phone: null, now });
      await repos.org.grantRole(leader.id, 'town_center', town.id, now);
      return { town, communities, grids };
    });
    if (!created.ran) throw new Error('org not created');
    const { town, communities, grids } = created.result;

    // 100,000 events over the year before, most closed, some open, a few held by the town or county.
    const insertStart = Date.now();
    const random = rng(42);
    // Bulk multi-row INSERTs, straight to the driver: a million rows through TypeORM's builder would
    // take longer than the benchmark.
    const columns = dataSource.getMetadata(EventSchema).columns.filter((c) => c.propertyName !== 'id');
    const insertSql = (n: number) => `INSERT INTO grid_event (${columns.map((c) => c.databaseName).join(', ')}) VALUES ${Array.from({ length: n }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`;
    const BATCH = 1000;
    for (let i = 0; i < EVENTS; i += BATCH) {
      const rows: Omit<EventRow, 'id'>[] = [];
      for (let j = i; j < Math.min(EVENTS, i + BATCH); j++) {
        const reportedAt = new Date(clock.at.getTime() - Math.floor(random() * 365 * DAY));
        const grid = grids[Math.floor(random() * grids.length)];
        const roll = random();
        const open = roll < 0.08;
        const state = open ? OPEN_STATES[Math.floor(random() * OPEN_STATES.length)] : roll < 0.15 ? 'settled_on_spot' : roll < 0.6 ? 'rated' : 'closed';
        const high = open && random() < 0.1;
        rows.push({
          number: `SJ${String(j).padStart(8, '0')}-B`,
          category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
          item: null,
          urgency: random() < 0.05 ? 'urgent' : 'normal',
          description: `基准事件 ${j}`,
          location: null,
          attachments: '[]',
          originKind: 'member',
          originRef: null,
          originExternalId: null,
          dueAt: null,
          gridUnitId: grid.id,
          reporterId: 1,
          reportedAt,
          state,
          handlerUnitId: high ? town.id : grid.id,
          handlerLevel: high ? 'town' : 'grid',
          assigneeKind: null,
          assigneeId: null,
          dispatcherId: null,
          deadline: open ? new Date(reportedAt.getTime() + 3 * DAY) : null,
          taskId: null,
          result: null,
          closedByUnitId: null,
          closedByLevel: null,
          closedAt: open ? null : reportedAt,
          rating: null,
          reopenCount: 0,
          supervision: null,
          urgeCount: 0,
          updatedAt: reportedAt,
        });
      }
      await dataSource.query(insertSql(rows.length), rows.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c.propertyName])));
    }
    const insertMs = Date.now() - insertStart;

    async function timeAgenda(kind: MeetingKind, unit: OrgUnit, key: string): Promise<{ ms: number; lines: number; tracked: number }> {
      const t0 = performance.now();
      const r = await uow.runOnce(key, async (tx) => service.prepareAgenda(tx, kind, unit, new Notifier(tx)));
      const ms = performance.now() - t0;
      if (!r.ran) throw new Error('agenda did not run');
      const lines = r.result.snapshot.sections.reduce((s, x) => s + x.paragraphs.length, 0);
      const items = await uow.read((repos) => repos.meetings.items(r.result.meeting.id));
      return { ms, lines, tracked: items.length };
    }

    const weeklyCommunities = communities.slice(0, 5);
    async function timeAll(tag: string) {
      clock.at = new Date('2026-12-07T00:00:00Z');
      const weekly: number[] = [];
      let weeklyInfo = { lines: 0, tracked: 0 };
      for (let run = 0; run < RUNS; run++) {
        for (const c of weeklyCommunities) {
          const r = await timeAgenda('weekly', c, `bench-weekly-${tag}-${run}-${c.id}`);
          weekly.push(r.ms);
          weeklyInfo = { lines: r.lines, tracked: r.tracked };
        }
      }
      clock.at = new Date('2026-12-01T00:00:00Z');
      const monthly: number[] = [];
      let monthlyInfo = { lines: 0, tracked: 0 };
      for (let run = 0; run < RUNS; run++) {
        const r = await timeAgenda('monthly', town, `bench-monthly-${tag}-${run}`);
        monthly.push(r.ms);
        monthlyInfo = { lines: r.lines, tracked: r.tracked };
      }
      return { weekly, weeklyInfo, monthly, monthlyInfo };
    }
    await dataSource.query('ANALYZE TABLE grid_event, task');
    statementTimes.clear();
    const { weekly, weeklyInfo, monthly, monthlyInfo } = await timeAll('indexed');
    let without: Awaited<ReturnType<typeof timeAll>> | null = null;
    if (COMPARE) {
      for (const [table, index] of NEW_INDEXES) await dataSource.query(`DROP INDEX ${index} ON ${table}`);
      without = await timeAll('unindexed');
    }
    const load = os.loadavg();
    if (process.env.TRACE === '1') {
      const plan = (await dataSource.query(`EXPLAIN ${slowest.query}`, slowest.params as unknown[])) as Record<string, unknown>[];
      process.stderr.write(`slowest statement ${slowest.ms.toFixed(0)} ms: ${slowest.query.replace(/\s+/g, ' ').slice(-400)}\n${plan.map((r) => JSON.stringify(r)).join('\n')}\n`);
      for (const [shape, t] of [...statementTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) process.stderr.write(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}× ${shape}\n`);
    }

    const version = (await dataSource.query('SELECT VERSION() AS v')) as { v: string }[];
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    const report = [
      '# Agenda generation benchmark',
      '',
      `Run: ${new Date().toISOString()} · \`EVENTS=${EVENTS} COMMUNITIES=${COMMUNITIES} RUNS=${RUNS} npm run bench:agenda\` · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · MariaDB ${version[0]?.v ?? '?'}`,
      '',
      `A town of ${grids.length} grids (${COMMUNITIES} communities × ${GRIDS_PER_COMMUNITY}) with ${EVENTS.toLocaleString('en')} events reported over the previous 365 days`,
      `(8 % open, a tenth of those held by the town; inserted in ${(insertMs / 1000).toFixed(1)} s). Each timing is one transaction through`,
      '`MeetingService.prepareAgenda`: the read queries over events and tasks, composition with carry-over, storing the',
      'snapshot and the carried items, and the chart PNG. The first run of each agenda creates the meeting; later runs recompose it.',
      '',
      '| agenda | runs | time |',
      '| --- | --- | --- |',
      `| 周例会 (one community, 10 grids, previous week) | ${weekly.length} | ${fmt(weekly)} |`,
      `| 月例会 (the town, ${grids.length} grids, previous month, hard cases) | ${monthly.length} | ${fmt(monthly)} |`,
      ...(without
        ? [
            `| 周例会, same data, without the period indexes of migration 1764002000000 | ${without.weekly.length} | ${fmt(without.weekly)} |`,
            `| 月例会, same data, without the period indexes | ${without.monthly.length} | ${fmt(without.monthly)} |`,
          ]
        : []),
      '',
      `Weekly agenda: ${weeklyInfo.lines} agenda lines, ${weeklyInfo.tracked} items tracked for carry-over.`,
      `Monthly agenda: ${monthlyInfo.lines} agenda lines, ${monthlyInfo.tracked} items tracked (hard-case list capped at 200 per agenda; counts are exact).`,
      '',
      `Load average at the end: ${load.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min) on a 2-core machine shared with other test runs: compare rows of this run, not runs.`,
      '',
      'Reproduce: `npm run bench:agenda` (needs MariaDB on 127.0.0.1:3306; `EVENTS`, `COMMUNITIES` (10 grids each), `RUNS` change the sizes; `COMPARE=0` skips the run without the period indexes).',
      '',
    ].join('\n');
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'agenda.md'), report);
    process.stdout.write(report);
  } finally {
    await dataSource.destroy();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
