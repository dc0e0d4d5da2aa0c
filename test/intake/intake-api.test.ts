/**
 * The intake API end to end (issue 17): the real runtime on MariaDB + Redis, a county's 12345
 * system and an Open311 client speaking HTTP to it, and the county's callback endpoint as a local
 * server that is down for a while. Triple delivery makes one event, placed by the grid's GeoJSON
 * boundary; every status change reaches the endpoint signed and in order once it is back, and shows
 * in the event's timeline; refusals are 4xx and leave every table as it was.
 */
import http from 'node:http';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemo } from '../../src/adapters/db/demo';
import { sign, verifySignature } from '../../src/adapters/http/intake-signature';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { startTestApp, eventually, type TestApp } from '../support/app';
import { freePort } from '../support/private-redis';

/** 阳光一网格 west of lon 120.15, 阳光二网格 east of it (lat 30.20–30.30). */
const square = (west: number, east: number) => JSON.stringify({ type: 'Polygon', coordinates: [[[west, 30.2], [east, 30.2], [east, 30.3], [west, 30.3], [west, 30.2]]] });

/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser in a plain Node process (the
 * validator ships as an ES module, which Jest's CommonJS runtime does not load).
 */
function validateOpenApi(doc: unknown): Promise<{ ok: boolean; message: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'doc.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const script = `import('@apidevtools/swagger-parser').then(async ({ default: P }) => { try { await P.validate(${JSON.stringify(file)}); console.log('valid'); } catch (e) { console.log(e.message); process.exitCode = 1; } })`;
  return new Promise((resolve) => execFile(process.execPath, ['-e', script], { cwd: path.join(__dirname, '../..') }, (err, stdout) => resolve({ ok: !err, message: stdout.trim() })));
}

interface Received {
  body: string;
  valid: boolean;
}

describe('the intake API', () => {
  let app: TestApp;
  let callbackPort = 0;
  let server: http.Server | null = null;
  const received: Received[] = [];
  let hotline = { id: 0, key: '', secret: '' };
  let open311 = { id: 0, key: '', secret: '' };

  const count = async (table: string, where = '') => Number((await app.runtime.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} ${where}`))[0].n);
  // Callback attempts of earlier orders (their endpoints are down) go on in the background: they are
  // timeline steps and run-once keys of their own, not anything a refused request made.
  const counts = async () => ({
    orders: await count('intake_order'),
    events: await count('grid_event'),
    callbacks: await count('intake_callback'),
    clients: await count('intake_client'),
    keys: await count('processed_key', "WHERE `key` NOT LIKE 'intake-cb-%'"),
    log: await count('grid_event_log', "WHERE action <> 'intake_callback'"),
    outbox: await count('outbox', "WHERE source_key NOT LIKE 'intake-cb-%'"),
  });

  const addClient = async (name: string, unit: string, callback: string) => {
    const reply = await app.chat.ask('dm-admin', 'admin', `添加接入 ${name} ${unit} ${callback}`);
    const key = /API密钥：(gbk_\S+)/.exec(reply)?.[1];
    const secret = /签名密钥：(gbs_\S+)/.exec(reply)?.[1];
    const id = Number(/#(\d+)/.exec(reply)?.[1]);
    if (!key || !secret) throw new Error(`no key in: ${reply}`);
    return { id, key, secret };
  };

  const push = (body: unknown, key = hotline.key, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  const startEndpoint = () =>
    new Promise<void>((resolve) => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const check = verifySignature(hotline.secret, { timestamp: req.headers['x-gridbot-timestamp'] as string, signature: req.headers['x-gridbot-signature'] as string }, body, new Date());
          received.push({ body, valid: check.ok });
          res.writeHead(204).end();
        });
      });
      server.listen(callbackPort, '127.0.0.1', resolve);
    });

  beforeAll(async () => {
    app = await startTestApp({ env: { INTAKE_CALLBACK_TIME_SCALE: '0.001' } });
    await seedDemo(app.runtime.uow);
    expect(await app.chat.ask('dm-admin', 'admin', `设置边界 01001001 ${square(120.1, 120.15)}`)).toContain('已设置');
    expect(await app.chat.ask('dm-admin', 'admin', `设置边界 01001002 ${square(120.15, 120.2)}`)).toContain('已设置');
    callbackPort = await freePort(); // nothing listens there yet: the county's endpoint is down
    hotline = await addClient('县12345热线', '01001', `http://127.0.0.1:${callbackPort}/gridbot/callback`);
    open311 = await addClient('市民通', '01001', `http://127.0.0.1:${await freePort()}/cb`);
  }, 60_000);

  afterAll(async () => {
    server?.close();
    await app.stop();
  });

  it('shows the key once, 1:1 only, and lists clients without it', async () => {
    expect(await app.chat.ask('community-01001', 'sj-yg', '添加接入 某平台 01001')).not.toContain('gbk_');
    const list = await app.chat.ask('dm-admin', 'admin', '接入列表');
    expect(list).toContain('县12345热线');
    expect(list).toContain('使用中');
    expect(list).not.toContain(hotline.key);
  });

  it('makes one event from a hotline order delivered three times, placed by the boundary, and calls back every change signed and in order after an outage', async () => {
    const before = await counts();
    const order = { external_id: '12345-20261130-0042', category: '环境卫生', description: '幸福路12号门口垃圾堆放', address: '幸福路12号', lat: 30.25, long: 120.17, contact: { name: '王女士', phone: '13800000000' }, deadline: new Date(Date.now() + 3 * 86400_000).toISOString() };
    const answers = await Promise.all([push(order), push(order), push(order)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { service_request_id: string; event_number: string; placement: { kind: string; by: string } }[];
    expect(new Set(bodies.map((b) => b.service_request_id)).size).toBe(1);
    expect(new Set(bodies.map((b) => b.event_number)).size).toBe(1);
    expect(bodies[0]!.placement).toEqual({ kind: 'grid', by: 'coordinates' });
    const after = await counts();
    expect(after.orders - before.orders).toBe(1);
    expect(after.events - before.events).toBe(1);
    const number = bodies[0]!.event_number;
    // The caller's name and phone are stored sealed, never in the clear.
    const [stored] = await app.runtime.dataSource.query('SELECT contact FROM intake_order WHERE external_id = ?', [order.external_id]);
    expect(stored.contact).toEqual(expect.any(String));
    expect(stored.contact).not.toContain('13800000000');
    expect(stored.contact).not.toContain('王女士');
    const [row] = await app.runtime.dataSource.query('SELECT u.code FROM grid_event e JOIN org_unit u ON u.id = e.grid_unit_id WHERE e.number = ?', [number]);
    expect(row.code).toBe('01001002');

    // The grid head of 阳光二网格 works it while the county's endpoint is still down.
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', `受理 ${number}`)).toContain(number);
    expect(await app.chat.ask('dm-wz-yg2', 'wz-yg2', `派遣 ${number} 陈网格员 明天17:00 请尽快清运`)).toContain(number);
    // Failed attempts are in the timeline before the endpoint comes back.
    await eventually(async () => (await app.runtime.dataSource.query("SELECT COUNT(*) AS n FROM grid_event_log l JOIN grid_event e ON e.id = l.event_id WHERE e.number = ? AND l.action = 'intake_callback'", [number]))[0].n > 0, 'a failed callback in the timeline');
    await new Promise((r) => setTimeout(r, 500));
    await startEndpoint();

    await eventually(async () => received.length >= 3, 'three callbacks', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const changes = received.map((r) => ({ ...(JSON.parse(r.body) as { seq: number; status: string; external_id: string; event_number: string }), valid: r.valid }));
    expect(changes.map((c) => [c.seq, c.status, c.valid])).toEqual([
      [1, 'received', true],
      [2, 'accepted', true],
      [3, 'dispatched', true],
    ]);
    expect(changes.every((c) => c.external_id === order.external_id && c.event_number === number)).toBe(true);

    const timeline = await app.chat.ask('dm-wz-yg2', 'wz-yg2', `事件 ${number}`);
    expect(timeline).toContain('回传外部渠道');
    expect(timeline).toMatch(/第1号状态「已接收」第\d+次回传失败/);
    expect(timeline).toContain('回传成功');
    expect(timeline).toContain('县12345热线');
    // The caller's phone never reaches the event.
    expect(timeline).not.toContain('13800000000');
  }, 60_000);

  it('makes one event from an Open311 client request sent three times, placed by the boundary', async () => {
    const before = await counts();
    const form = new URLSearchParams({ api_key: open311.key, service_code: '环境卫生', lat: '30.25', long: '120.12', address_string: '阳光小区3幢', description: '楼道堆放杂物', first_name: '李', phone: '13900001111' });
    const send = () => fetch(`${app.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { service_request_id: string; service_notice: string }[][];
    const ids = new Set(bodies.map((b) => b[0]!.service_request_id));
    expect(ids.size).toBe(1);
    const after = await counts();
    expect(after.orders - before.orders).toBe(1);
    expect(after.events - before.events).toBe(1);

    const id = [...ids][0]!;
    const one = await fetch(`${app.url}/open311/v2/requests/${id}.json?api_key=${encodeURIComponent(open311.key)}`);
    expect(one.status).toBe(200);
    const [request] = (await one.json()) as { status: string; agency_responsible: string; service_code: string }[];
    expect(request).toMatchObject({ status: 'open', agency_responsible: '阳光一网格', service_code: '环境卫生' });
    const list = (await (await fetch(`${app.url}/open311/v2/requests.json?api_key=${encodeURIComponent(open311.key)}&status=open`)).json()) as { service_request_id: string }[];
    expect(list.map((r) => r.service_request_id)).toEqual([id]);
    // Another client's request reads as missing.
    expect((await fetch(`${app.url}/open311/v2/requests/${id}.json?api_key=${encodeURIComponent(hotline.key)}`)).status).toBe(404);
    const services = (await (await fetch(`${app.url}/open311/v2/services.json`)).json()) as { service_code: string }[];
    expect(services.map((s) => s.service_code)).toContain('环境卫生');
    expect((await fetch(`${app.url}/open311/v2/services/${encodeURIComponent('环境卫生')}.json`)).status).toBe(200);
  }, 30_000);

  it('refuses a wrong key, a forged signature, an oversized, malformed or incomplete body with 4xx, changing nothing', async () => {
    const good = { external_id: 'R-1', category: '环境卫生', description: '占道', address: '幸福路1号' };
    const before = await counts();
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify(good);
    const refusals: [string, Promise<Response>, number][] = [
      ['wrong key', push(good, 'gbk_' + 'x'.repeat(43)), 401],
      ['no key', fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 401],
      ['forged signature', push(body, hotline.key, { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': sign('not-the-secret', ts, body) }), 401],
      ['forged signed request', fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gridbot-client': String(hotline.id), 'x-gridbot-timestamp': ts, 'x-gridbot-signature': sign('guess', ts, body) }, body }), 401],
      ['stale signature', push(body, hotline.key, { 'x-gridbot-timestamp': String(Number(ts) - 3600), 'x-gridbot-signature': sign(hotline.secret, String(Number(ts) - 3600), body) }), 401],
      ['oversized', push({ ...good, description: '长'.repeat(40_000) }), 413],
      ['malformed', push('{"external_id": "R-1", '), 400],
      ['not an object', push('[1,2]'), 400],
      ['missing category', push({ ...good, category: undefined }), 400],
      ['past deadline', push({ ...good, deadline: '2020-01-01T00:00:00+08:00' }), 400],
      ['Open311 wrong api_key', fetch(`${app.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'api_key=wrong&service_code=环境卫生&lat=30.25&long=120.12' }), 403],
      ['Open311 unknown service', fetch(`${app.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key=${open311.key}&service_code=nope&lat=30.25&long=120.12` }), 404],
      ['Open311 no place', fetch(`${app.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key=${open311.key}&service_code=环境卫生` }), 400],
      ['Open311 list without key', fetch(`${app.url}/open311/v2/requests.json`), 403],
      ['Open311 key given twice', fetch(`${app.url}/open311/v2/requests.json?api_key=${open311.key}&api_key=${open311.key}`), 403],
      ['Open311 bad start_date', fetch(`${app.url}/open311/v2/requests.json?api_key=${open311.key}&start_date=yesterday`), 400],
      ['Open311 bad id', fetch(`${app.url}/open311/v2/requests/abc.json?api_key=${open311.key}`), 404],
      ['Open311 broken escape', fetch(`${app.url}/open311/v2/services/%E0%A4%A.json`), 404],
      ['hotline as a form', push('external_id=R-1', hotline.key, { 'content-type': 'application/x-www-form-urlencoded' }), 415],
      ['not UTF-8', fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hotline.key}` }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 400],
    ];
    for (const [what, answer, status] of refusals) {
      const res = await answer;
      expect([what, res.status]).toEqual([what, status]);
      const text = await res.text();
      expect(() => JSON.parse(text)).not.toThrow();
    }
    expect(await counts()).toEqual(before);
    // A correctly signed request (no key) is accepted.
    const signed = JSON.stringify({ ...good, external_id: 'R-2' });
    const ok = await fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gridbot-client': String(hotline.id), 'x-gridbot-timestamp': ts, 'x-gridbot-signature': sign(hotline.secret, ts, signed) }, body: signed });
    expect(ok.status).toBe(201);
  }, 30_000);

  it('sends an order no grid can be found for to the community inbox, where the secretary places it', async () => {
    const res = await push({ external_id: 'INBOX-1', category: '市容环境', description: '广告牌松动', address: '人民大道1号' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { service_request_id: string; event_number: string | null; placement: unknown };
    expect(body).toMatchObject({ event_number: null, placement: { kind: 'inbox', reason: 'address_unknown' } });
    const told = await eventually(async () => (await app.chat.messages('dm-sj-yg')).find((m) => m.text.includes(`外部工单 ${body.service_request_id}`)), 'the secretary told');
    expect(told.text).toContain('落格');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '工单箱')).toContain(`工单 ${body.service_request_id}`);
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `落格 ${body.service_request_id} 01001001`)).toContain('不在您负责');
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', `落格 ${body.service_request_id} 01001001`)).toMatch(/已落格到阳光一网格，生成事件 SJ/);
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '工单箱')).not.toContain(`工单 ${body.service_request_id} `);
  }, 30_000);

  it('refuses a revoked key from the moment it is revoked', async () => {
    const spare = await addClient('旧平台', '01001', `http://127.0.0.1:${callbackPort}/old`);
    const order = { external_id: 'REV-1', category: '环境卫生', description: '占道', address: '幸福路1号' };
    expect(await app.chat.ask('dm-admin', 'admin', `吊销接入 ${spare.id}`)).toContain('已吊销');
    const before = await counts();
    expect((await push(order, spare.key)).status).toBe(401);
    expect(await counts()).toEqual(before);
    expect(await app.chat.ask('dm-admin', 'admin', '接入列表')).toMatch(/旧平台.*已吊销/);
  });

  it('places by address words an admin gave the grid', async () => {
    expect(await app.chat.ask('dm-admin', 'admin', '网格地址 01001001 幸福路 阳光小区')).toContain('幸福路、阳光小区');
    const res = await push({ external_id: 'ADDR-1', category: '环境卫生', description: '垃圾未清运', address: '阳光小区5幢' });
    expect(((await res.json()) as { placement: unknown }).placement).toEqual({ kind: 'grid', by: 'address' });
  });

  it("reminds the grid head before the order's own deadline", async () => {
    const deadline = new Date(Date.now() + 2 * 3600_000 + 1500);
    const res = await push({ external_id: 'DUE-1', category: '环境卫生', description: '污水外溢', lat: 30.25, long: 120.17, deadline: deadline.toISOString() });
    const { event_number: number } = (await res.json()) as { event_number: string };
    const timers = app.runtime.queues.get(TIMERS_QUEUE);
    await eventually(async () => (await timers.getJobs(['delayed', 'wait', 'completed', 'active'])).some((j) => j.id?.startsWith('intake-due-')), 'the due rungs scheduled');
    const reminder = await eventually(async () => (await app.chat.messages('dm-wz-yg2')).find((m) => m.text.includes(`${number} 将于`)), 'the reminder before the deadline', 20_000);
    expect(reminder.text).toContain('到期');
  }, 30_000);

  it('serves its OpenAPI description at /api/openapi.json, valid OpenAPI 3', async () => {
    const res = await fetch(`${app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(doc)).toEqual({ ok: true, message: 'valid' });
    // The validator does refuse a broken description (this test can fail).
    const broken = { ...doc, paths: { ...doc.paths, '/api/intake/orders': { post: { responses: { '200': {} } } } } };
    expect((await validateOpenApi(broken)).ok).toBe(false);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/intake/orders', '/open311/v2/services.json', '/open311/v2/services/{service_code}.json', '/open311/v2/requests.json', '/open311/v2/requests/{service_request_id}.json']));
  });
});
