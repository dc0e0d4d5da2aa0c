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

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const COMMUNITIES = 5;
const GRIDS_PER_COMMUNITY = 10;
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
    const repo = dataSource.getRepository(EventSchema);
    const BATCH = 2000;
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
      await repo.insert(rows);
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

    const weekly: number[] = [];
    let weeklyInfo = { lines: 0, tracked: 0 };
    for (let run = 0; run < RUNS; run++) {
      for (const c of communities) {
        const r = await timeAgenda('weekly', c, `bench-weekly-${run}-${c.id}`);
        weekly.push(r.ms);
        weeklyInfo = { lines: r.lines, tracked: r.tracked };
      }
    }
    clock.at = new Date('2026-12-01T00:00:00Z');
    const monthly: number[] = [];
    let monthlyInfo = { lines: 0, tracked: 0 };
    for (let run = 0; run < RUNS; run++) {
      const r = await timeAgenda('monthly', town, `bench-monthly-${run}`);
      monthly.push(r.ms);
      monthlyInfo = { lines: r.lines, tracked: r.tracked };
    }

    const version = (await dataSource.query('SELECT VERSION() AS v')) as { v: string }[];
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    const report = [
      '# Agenda generation benchmark',
      '',
      `Run: ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · MariaDB ${version[0]?.v ?? '?'}`,
      '',
      `A town of ${grids.length} grids (${COMMUNITIES} communities × ${GRIDS_PER_COMMUNITY}) with ${EVENTS.toLocaleString('en')} events reported over the previous 365 days`,
      `(8 % open, a tenth of those held by the town; inserted in ${(insertMs / 1000).toFixed(1)} s). Each timing is one transaction through`,
      '`MeetingService.prepareAgenda`: the read queries over events and tasks, composition with carry-over, storing the',
      'snapshot and the carried items, and the chart PNG. The first run of each agenda creates the meeting; later runs recompose it.',
      '',
      '| agenda | runs | time |',
      '| --- | --- | --- |',
      `| 周例会 (one community, 10 grids, previous week) | ${weekly.length} | ${fmt(weekly)} |`,
      `| 月例会 (the town, 50 grids, previous month, hard cases) | ${monthly.length} | ${fmt(monthly)} |`,
      '',
      `Weekly agenda: ${weeklyInfo.lines} agenda lines, ${weeklyInfo.tracked} items tracked for carry-over.`,
      `Monthly agenda: ${monthlyInfo.lines} agenda lines, ${monthlyInfo.tracked} items tracked (hard-case list capped at 200 per agenda; counts are exact).`,
      '',
      'Reproduce: `npm run bench:agenda` (needs MariaDB on 127.0.0.1:3306; `EVENTS`, `RUNS` change the sizes).',
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
