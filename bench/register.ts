/**
 * Benchmark (not a test): the register of a county on MariaDB.
 * - Import: the county's 500,000 residents go in as ten 50,000-row .xlsx uploads (one per town),
 *   each timed end to end as the upload route runs it: reading the workbook, the row-by-row check,
 *   and the write in one transaction (households, sealed residents, tag index, access log).
 * - Look-up: with all 500,000 in, look-ups as the bot runs them, each in its own transaction with
 *   its access-log entry: a person by ID number (keyed hash), households by a resident's name, by
 *   address, by tag, and a household file.
 * - The I/O floor, in the same run: a primary-key SELECT round trip (what any look-up costs at
 *   least), and a raw multi-row INSERT of 50,000 rows of the resident table's shape (what any
 *   import of that size costs at least).
 * Writes bench/results/register.md.
 *
 *   npm run bench:register        (TOWNS=10 ROWS=50000 LOOKUPS=400 to change the sizes)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { openDatabase } from '../src/adapters/db/data-source';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work';
import { AesGcmVault } from '../src/adapters/db/pii/vault';
import { readWorkbook } from '../src/adapters/xlsx/workbook';
import { CalendarSource } from '../src/bot/calendar/source';
import { loadConfig } from '../src/config';
import { applyRegisterImport, checkRegisterImport, RegisterService } from '../src/bot/register';
import type { RegisterActor } from '../src/bot/register/service';
import type { Member, OrgUnit } from '../src/domain/org/org';
import { createTestDatabase, mysqlAvailable } from '../test/support/databases';
import { idNumber } from '../test/register/support';

const TOWNS = Number(process.env.TOWNS ?? 10);
const ROWS = Number(process.env.ROWS ?? 50_000);
const LOOKUPS = Number(process.env.LOOKUPS ?? 400);
const COMMUNITIES_PER_TOWN = 10;
const GRIDS_PER_COMMUNITY = 11;
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强文秀珍海燕小红德明桂兰凤英玉珍春梅淑珍';
const TAGS = ['独居老人', '低保户', '残疾人', '留守儿童', '流动人口', '空巢老人'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
const s1 = (n: number) => `${(n / 1000).toFixed(1)} s`;

interface Resident {
  grid: string;
  address: string;
  name: string;
  relation: string;
  id: string;
  phone: string;
  tags: string;
}

/** One town's register: ~3 residents a household, 150 households a grid. */
function townRows(town: number, grids: OrgUnit[], random: () => number): Resident[] {
  const rows: Resident[] = [];
  let seq = 0;
  for (let i = 0; rows.length < ROWS; i++) {
    const grid = grids[i % grids.length];
    const building = 1 + Math.floor(i / grids.length / 12);
    const address = `${building}幢${1 + (i % 3)}单元${100 + Math.floor(i / grids.length) % 12 + 1}`;
    const size = 1 + Math.floor(random() * 5);
    for (let m = 0; m < size && rows.length < ROWS; m++) {
      seq++;
      const surname = SURNAMES[Math.floor(random() * SURNAMES.length)];
      const given = GIVEN[Math.floor(random() * GIVEN.length)] + (random() < 0.6 ? GIVEN[Math.floor(random() * GIVEN.length)] : '');
      const birth = `${1930 + Math.floor(random() * 90)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const tagged = random() < 0.12 ? TAGS[Math.floor(random() * TAGS.length)] : '';
      rows.push({
        grid: grid.code,
        address,
        name: surname + given,
        relation: m === 0 ? '户主' : '家庭成员',
        id: idNumber(birth, (town * ROWS + seq) % 1000, `33${String(town).padStart(2, '0')}${String(Math.floor(seq / 1000) % 100).padStart(2, '0')}`),
        phone: `13${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
        tags: tagged,
      });
    }
  }
  return rows;
}

async function xlsx(rows: Resident[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('住户');
  ws.addRow(['网格编码', '地址', '姓名', '与户主关系', '公民身份号码', '联系电话', '标签']);
  for (const r of rows) ws.addRow([r.grid, r.address, r.name, r.relation, r.id, r.phone, r.tags]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function main(): Promise<void> {
  if (!mysqlAvailable()) throw new Error('MariaDB is not reachable at 127.0.0.1:3306');
  const db = await createTestDatabase('mysql');
  const clock = { now: () => new Date() };
  const { dataSource } = await openDatabase(db.url);
  const vault = new AesGcmVault(crypto.randomBytes(32));
  const uow = new TypeOrmUnitOfWork(dataSource, clock, db.url, new CalendarSource(loadConfig({}).TIMEZONE), vault);
  const service = new RegisterService();
  const random = rng(7);
  try {
    const org = await uow.runOnce('bench-org', async ({ repos, now }) => {
      const county = await repos.org.createUnit({ code: 'B', name: '基准县', level: 'county', parent: null, now });
      const chief = await repos.org.createMember({ name: '县中心', phone: null, now });
      await repos.org.grantRole(chief.id, 'county_center', county.id, now);
      const towns: { town: OrgUnit; grids: OrgUnit[]; leaderId: number }[] = [];
      for (let t = 1; t <= TOWNS; t++) {
        const town = await repos.org.createUnit({ code: `B${String(t).padStart(2, '0')}`, name: `第${t}街道`, level: 'town', parent: county, now });
        const leader = await repos.org.createMember({ name: `街道${t}`, phone: null, now });
        await repos.org.grantRole(leader.id, 'town_center', town.id, now);
        const grids: OrgUnit[] = [];
        for (let c = 1; c <= COMMUNITIES_PER_TOWN; c++) {
          const community = await repos.org.createUnit({ code: `${town.code}${String(c).padStart(3, '0')}`, name: `${t}街道${c}社区`, level: 'community', parent: town, now });
          for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++) {
            grids.push(await repos.org.createUnit({ code: `${community.code}${String(g).padStart(3, '0')}`, name: `${c}社区${g}网格`, level: 'grid', parent: community, now }));
          }
        }
        towns.push({ town, grids, leaderId: leader.id });
      }
      return { county, chiefId: chief.id, towns };
    });
    if (!org.ran) throw new Error('org not created');
    const { towns, chiefId } = org.result;

    // ---- floor: a raw 50,000-row insert of the resident table's shape ----
    await dataSource.query('CREATE TABLE bench_floor LIKE resident');
    const floorRows = townRows(99, towns[0].grids, rng(99));
    const floorStart = performance.now();
    for (let i = 0; i < floorRows.length; i += 500) {
      const chunk = floorRows.slice(i, i + 500);
      const now = new Date();
      await dataSource.query(
        `INSERT INTO bench_floor (household_id, unit_id, unit_path, name, relation, id_sealed, id_mac, phone_sealed, tags_sealed, status, created_at, updated_at) VALUES ${chunk.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`,
        chunk.flatMap((r, j) => [i + j, 1, '/1/2/3/4/', r.name, r.relation, 'x'.repeat(80), crypto.createHash('sha256').update(r.id).digest('hex'), 'x'.repeat(70), r.tags ? 'x'.repeat(70) : null, 'present', now, now]),
      );
    }
    const insertFloor = performance.now() - floorStart;

    // ---- import: one 50,000-row upload per town ----
    const imports: { rows: number; read: number; check: number; write: number; total: number; households: number }[] = [];
    const samples: Resident[] = [];
    for (const { town, grids, leaderId } of towns) {
      const rows = townRows(Number(town.code.slice(1)), grids, random);
      for (let i = 0; i < 40; i++) samples.push(rows[Math.floor(random() * rows.length)]);
      const bytes = await xlsx(rows);
      const member = (await uow.read((repos) => repos.org.member(leaderId))) as Member;
      const t0 = performance.now();
      const sheets = await readWorkbook(bytes);
      const t1 = performance.now();
      const check = await uow.read((repos) => checkRegisterImport(repos, service, member, sheets));
      const t2 = performance.now();
      if (!check.ok) throw new Error(`import refused: ${check.errors.slice(0, 5).join('; ')}`);
      const done = await uow.runOnce(`bench-import-${town.code}`, async (tx) => {
        const again = await checkRegisterImport(tx.repos, service, member, sheets);
        if (!again.ok) throw new Error('import refused on the second check');
        return applyRegisterImport(tx.repos, { member, channel: 'sandbox', conversationId: 'bench' }, again.lines, tx.now);
      });
      const t3 = performance.now();
      if (!done.ran) throw new Error('import not run');
      imports.push({ rows: rows.length, read: t1 - t0, check: t2 - t1, write: t3 - t2, total: t3 - t0, households: done.result.households });
      process.stdout.write(`imported ${town.code}: ${rows.length} rows in ${s1(t3 - t0)}\n`);
    }
    const residents = ((await dataSource.query('SELECT COUNT(*) AS n FROM resident')) as { n: number | string }[])[0].n;

    // ---- floor at full size: the same raw insert into the full resident table itself (then removed) ----
    const fullStart = performance.now();
    for (let i = 0; i < floorRows.length; i += 500) {
      const chunk = floorRows.slice(i, i + 500);
      const now = new Date();
      await dataSource.query(
        `INSERT INTO resident (household_id, unit_id, unit_path, name, relation, id_sealed, id_mac, phone_sealed, tags_sealed, status, created_at, updated_at) VALUES ${chunk.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`,
        chunk.flatMap((r, j) => [0, 1, '/floor/', r.name, r.relation, 'x'.repeat(80), crypto.createHash('sha256').update(`floor${i + j}`).digest('hex'), 'x'.repeat(70), r.tags ? 'x'.repeat(70) : null, 'present', now, now]),
      );
    }
    const insertFloorFull = performance.now() - fullStart;
    await dataSource.query("DELETE FROM resident WHERE unit_path = '/floor/'");

    // ---- look-ups, each a transaction with its access-log entry, as the county centre ----
    const chief = (await uow.read((repos) => repos.org.member(chiefId))) as Member;
    const timed: Record<string, number[]> = { id: [], name: [], address: [], tag: [], file: [], floor: [] };
    const actor = (tx: RegisterActor['tx']): RegisterActor => ({ tx, member: chief, channel: 'sandbox', conversationId: 'dm-bench' });
    let n = 0;
    const time = async (kind: string, work: (a: RegisterActor) => Promise<unknown>) => {
      const t0 = performance.now();
      const r = await uow.runOnce(`bench-lookup-${n++}`, (tx) => work(actor(tx)));
      timed[kind].push(performance.now() - t0);
      if (!r.ran) throw new Error('lookup not run');
    };
    for (let i = 0; i < LOOKUPS; i++) {
      const r = samples[i % samples.length];
      await time('id', (a) => service.readResident(a, r.id));
      await time('name', (a) => service.search(a, r.name));
      await time('address', async (a) => service.search(a, r.address));
      await time('tag', (a) => service.search(a, TAGS[i % TAGS.length]));
      await time('file', async (a) => {
        const found = await service.search(a, r.id);
        if (found.kind !== 'households' || !found.households.length) throw new Error(`no household for a sampled ID number`);
        return service.householdFile(a, found.households[0]);
      });
      const f0 = performance.now();
      await dataSource.query('SELECT id FROM resident WHERE id = ?', [1 + Math.floor(random() * Number(residents))]);
      timed.floor.push(performance.now() - f0);
    }

    const version = (await dataSource.query('SELECT VERSION() AS v')) as { v: string }[];
    const sum = (pick: (x: (typeof imports)[number]) => number) => imports.reduce((s, x) => s + pick(x), 0);
    const line = (label: string, xs: number[]) => `| ${label} | ${xs.length} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 99))} | ${ms(Math.max(...xs))} |`;
    const report = [
      '# Register benchmark (一户一档 of a county)',
      '',
      `Run: ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · MariaDB ${version[0]?.v ?? '?'} · load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (a shared machine)`,
      '',
      `A county of ${TOWNS} towns × ${COMMUNITIES_PER_TOWN} communities × ${GRIDS_PER_COMMUNITY} grids; ${Number(residents).toLocaleString('en')} residents in ${sum((x) => x.households).toLocaleString('en')} households,`,
      'every ID number, phone and tag sealed (AES-256-GCM) and looked up by keyed hash; ~12 % of residents carry a special-group tag.',
      '',
      `## Import: one ${ROWS.toLocaleString('en')}-row .xlsx per town (target for 50,000 rows: ≤ 60 s)`,
      '',
      '| upload | rows | read .xlsx | check | write (one transaction) | total |',
      '| --- | --- | --- | --- | --- | --- |',
      ...imports.map((x, i) => `| town ${i + 1} | ${x.rows.toLocaleString('en')} | ${s1(x.read)} | ${s1(x.check)} | ${s1(x.write)} | ${s1(x.total)} |`),
      '',
      `Slowest upload: ${s1(Math.max(...imports.map((x) => x.total)))}; each later upload is checked and written against a fuller register.`,
      `I/O floor, same run: a raw multi-row INSERT of ${floorRows.length.toLocaleString('en')} rows of the resident table's shape (same indexes, no sealing, no check) took ${s1(insertFloor)} into an empty copy and ${s1(insertFloorFull)} into the full resident table (${Number(residents).toLocaleString('en')} rows) — the floor the last uploads stand on.`,
      '',
      `## Look-ups among ${Number(residents).toLocaleString('en')} residents (target p99 ≤ 100 ms)`,
      '',
      'Each as the county centre (the widest scope), in its own transaction with its access-log entry, through `RegisterService`.',
      '',
      '| look-up | n | p50 | p99 | max |',
      '| --- | --- | --- | --- | --- |',
      line('person by ID number (查人)', timed.id),
      line('households by a resident’s name (查户 姓名, file when one)', timed.name),
      line('households by address (查户 地址)', timed.address),
      line('households by tag (查户 标签, first 20)', timed.tag),
      line('household file by ID number (查户 + 户档)', timed.file),
      line('I/O floor: primary-key SELECT round trip', timed.floor),
      '',
      'Reproduce: `npm run bench:register` (needs MariaDB on 127.0.0.1:3306; `TOWNS`, `ROWS`, `LOOKUPS` change the sizes).',
      '',
    ].join('\n');
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'register.md'), report);
    process.stdout.write(report);
  } finally {
    await dataSource.destroy();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
