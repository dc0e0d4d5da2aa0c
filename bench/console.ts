/**
 * Benchmark (not a test): the leaders' console's first page for a county of 500 grids (5 towns ×
 * 10 communities × 10 grids, every grid with a boundary) with 200,000 events on MariaDB. Times, over
 * HTTP through the real console route, what a county leader waits for before the page is usable:
 * the page itself and its three data requests (overview figures and ranking, map, queues), in
 * parallel as the browser makes them; and the same for one town's leader. The floor, measured in
 * the same run: a `SELECT 1` round trip and reading the map's raw rows in one plain query.
 * Writes bench/results/console.md.
 *
 *   npm run bench:console          (EVENTS=200000 RUNS=5 to change the sizes)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { openDatabase } from '../src/adapters/db/data-source';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work';
import { CalendarSource } from '../src/bot/calendar/source';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { EventSchema, type EventRow } from '../src/adapters/db/schemas/events';
import { mountConsole, CONSOLE_COOKIE } from '../src/adapters/http/console-route';
import { ConsoleService } from '../src/bot/console';
import type { OrgUnit } from '../src/domain/org/org';
import { createTestDatabase, mysqlAvailable } from '../test/support/databases';

const EVENTS = Number(process.env.EVENTS ?? 200_000);
const RUNS = Number(process.env.RUNS ?? 5);
const TOWNS = 5;
const COMMUNITIES = 10;
const GRIDS = 10;
const CATEGORIES = ['环境卫生', '安全隐患', '矛盾纠纷', '市容环境', '住户变动', '人员流动', '公共设施', '其他'];
const OPEN_STATES = ['reported', 'accepted', 'dispatched', 'in_progress', 'submitted'];
const DAY = 86_400_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const square = (lng: number, lat: number) => JSON.stringify({ type: 'Polygon', coordinates: [[[lng, lat], [lng + 0.01, lat], [lng + 0.01, lat + 0.01], [lng, lat + 0.01], [lng, lat]]] });

async function main(): Promise<void> {
  if (!mysqlAvailable()) throw new Error('MariaDB is not reachable at 127.0.0.1:3306');
  const db = await createTestDatabase('mysql');
  const clock = { at: new Date('2026-12-15T02:00:00Z'), now: () => clock.at };
  const { dataSource } = await openDatabase(db.url);
  const uow = new TypeOrmUnitOfWork(dataSource, clock, db.url, new CalendarSource(loadConfig({}).TIMEZONE));
  const service = new ConsoleService();
  let server: ReturnType<Koa['listen']> | null = null;
  try {
    const created = await uow.runOnce('bench-org', async ({ repos, now }) => {
      const county = await repos.org.createUnit({ code: 'B01', name: '基准县', level: 'county', parent: null, now });
      const head = await repos.org.createMember({ name: '县领导', phone: null, now });
      await repos.org.grantRole(head.id, 'county_center', county.id, now);
      const grids: OrgUnit[] = [];
      let townLeader = 0;
      for (let t = 1; t <= TOWNS; t++) {
        const town = await repos.org.createUnit({ code: `${String(t).padStart(2, '0')}`, name: `第${t}街道`, level: 'town', parent: county, now });
        if (t === 1) {
          const leader = await repos.org.createMember({ name: '街道领导', phone: null, now });
          await repos.org.grantRole(leader.id, 'town_center', town.id, now);
          townLeader = leader.id;
        }
        for (let c = 1; c <= COMMUNITIES; c++) {
          const community = await repos.org.createUnit({ code: `${town.code}${String(c).padStart(3, '0')}`, name: `${t}街${c}社区`, level: 'community', parent: town, now });
          for (let g = 1; g <= GRIDS; g++) {
            const grid = await repos.org.createUnit({ code: `${community.code}${String(g).padStart(3, '0')}`, name: `${c}社区${g}网格`, level: 'grid', parent: community, now });
            await repos.org.setBoundary(grid.id, square(120 + grids.length * 0.01, 30), now);
            grids.push(grid);
          }
        }
      }
      return { county, grids, countyLeader: head.id, townLeader };
    });
    if (!created.ran) throw new Error('org not created');
    const { grids, countyLeader, townLeader } = created.result;

    // 200,000 events over the year before, 8 % still open, bulk-inserted.
    const insertStart = Date.now();
    const random = rng(19);
    const repo = dataSource.getRepository(EventSchema);
    const BATCH = 2000;
    for (let i = 0; i < EVENTS; i += BATCH) {
      const rows: Omit<EventRow, 'id'>[] = [];
      for (let j = i; j < Math.min(EVENTS, i + BATCH); j++) {
        const reportedAt = new Date(clock.at.getTime() - Math.floor(random() * 365 * DAY));
        const grid = grids[Math.floor(random() * grids.length)];
        const open = random() < 0.08;
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
          state: open ? OPEN_STATES[Math.floor(random() * OPEN_STATES.length)] : 'closed',
          handlerUnitId: grid.id,
          handlerLevel: 'grid',
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
          supervision: open && random() < 0.05 ? 'yellow' : null,
          urgeCount: 0,
          updatedAt: reportedAt,
        });
      }
      await repo.insert(rows);
    }
    const insertMs = Date.now() - insertStart;

    const app = new Koa();
    const router = new Router();
    mountConsole(router, { uow, clock, logger: silentLogger, baseUrl: () => null, service });
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    async function cookieFor(memberId: number, key: string): Promise<string> {
      const member = await uow.read((repos) => repos.org.member(memberId));
      const r = await uow.runOnce(key, async (tx) => service.login(tx, await service.issueLogin(tx, member!)));
      if (!r.ran || !r.result.ok) throw new Error('no session');
      return `${CONSOLE_COOKIE}=${r.result.cookie}`;
    }
    async function firstPage(cookie: string): Promise<{ ms: number; bytes: number; points: number }> {
      const t0 = performance.now();
      const page = await fetch(`${base}/console`, { headers: { cookie } });
      const html = await page.text();
      if (page.status !== 200) throw new Error(`page ${page.status}`);
      const parts = await Promise.all(['overview', 'map', 'queues'].map(async (p) => {
        const r = await fetch(`${base}/console/api/${p}`, { headers: { cookie } });
        if (r.status !== 200) throw new Error(`${p} ${r.status}`);
        return r.text();
      }));
      const ms = performance.now() - t0;
      const map = JSON.parse(parts[1]) as { events: unknown[] };
      return { ms, bytes: html.length + parts.reduce((s, p) => s + Buffer.byteLength(p), 0), points: map.events.length };
    }

    const floor: number[] = [];
    const rawRows: number[] = [];
    const monthStart = new Date('2026-11-30T16:00:00Z');
    for (let run = 0; run < RUNS; run++) {
      let t0 = performance.now();
      await dataSource.query('SELECT 1');
      floor.push(performance.now() - t0);
      t0 = performance.now();
      await dataSource.query(`SELECT id, number, category, urgency, state, grid_unit_id, reported_at, location FROM grid_event WHERE reported_at >= ? OR state IN (${OPEN_STATES.map(() => '?').join(',')})`, [monthStart, ...OPEN_STATES]);
      rawRows.push(performance.now() - t0);
    }

    const results: Record<string, { times: number[]; bytes: number; points: number }> = {};
    for (const [label, memberId] of [['county', countyLeader], ['town', townLeader]] as const) {
      const cookie = await cookieFor(memberId, `bench-login-${label}`);
      const times: number[] = [];
      let last = { bytes: 0, points: 0 };
      for (let run = 0; run < RUNS; run++) {
        const r = await firstPage(cookie);
        times.push(r.ms);
        last = r;
      }
      results[label] = { times, ...last };
    }
    // Where the time goes: each request alone, for the county leader.
    const alone: Record<string, number[]> = { page: [], overview: [], map: [], queues: [] };
    const countyCookie = await cookieFor(countyLeader, 'bench-login-alone');
    for (let run = 0; run < RUNS; run++) {
      for (const p of Object.keys(alone)) {
        const t0 = performance.now();
        const r = await fetch(p === 'page' ? `${base}/console` : `${base}/console/api/${p}`, { headers: { cookie: countyCookie } });
        await r.text();
        alone[p].push(performance.now() - t0);
      }
    }

    const version = (await dataSource.query('SELECT VERSION() AS v')) as { v: string }[];
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    const report = [
      '# Console first page benchmark',
      '',
      `Run: ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · MariaDB ${version[0]?.v ?? '?'}`,
      '',
      `A county of ${grids.length} grids (${TOWNS} towns × ${COMMUNITIES} communities × ${GRIDS} grids, each with a GeoJSON boundary) and`,
      `${EVENTS.toLocaleString('en')} events over the previous 365 days (8 % open; bulk-inserted in ${(insertMs / 1000).toFixed(1)} s).`,
      'One timing: `GET /console` and its three data requests in parallel (overview figures and ranking with trend,',
      'map: boundaries + this month’s and all open events + outside check-ins, queues), over HTTP through the real route.',
      '',
      '| who | runs | first page | bytes | map points |',
      '| --- | --- | --- | --- | --- |',
      `| county leader (500 grids) | ${RUNS} | ${fmt(results.county.times)} | ${results.county.bytes.toLocaleString('en')} | ${results.county.points.toLocaleString('en')} |`,
      `| town leader (100 grids) | ${RUNS} | ${fmt(results.town.times)} | ${results.town.bytes.toLocaleString('en')} | ${results.town.points.toLocaleString('en')} |`,
      '',
      `Each request alone (county leader): ${Object.entries(alone).map(([p, xs]) => `${p} ${median(xs).toFixed(0)} ms`).join(', ')}.`,
      'The overview is the assessment service scoring every grid for this month and last (`gridScores`); its repository',
      "reads every event and task of the grids and their whole history (`gridFacts`), so its cost grows with the",
      'years kept, not with the month shown. Making those queries history-independent is issue 20 (scale).',
      '',
      `Floor in the same run: \`SELECT 1\` ${fmt(floor)}; the map's raw rows in one plain query ${fmt(rawRows)}.`,
      `Target: first page ≤ 1 s — ${median(results.county.times) <= 1000 ? 'met' : 'NOT met'} for the county leader.`,
      '',
      'Static assets (console.js, console.css, echarts.min.js ≈ 1 MB) are not in the timing: their addresses carry a content hash',
      'and are cached for a year (`immutable`), so only a first visit after an upgrade fetches them.',
      '',
      'Reproduce: `npm run bench:console` (needs MariaDB on 127.0.0.1:3306; `EVENTS`, `RUNS` change the sizes).',
      '',
    ].join('\n');
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'console.md'), report);
    process.stdout.write(report);
  } finally {
    server?.close();
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
