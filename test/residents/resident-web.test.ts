/**
 * Residents without the group, in a real headless Chromium: the grid's 联系卡 PNG carries a QR code
 * to the report page; a resident reports there (text, photo, place, phone), gets a private tracking
 * link, follows the event through 受理 → 派遣 → 办结 → 核查, sees the close notice, rates 不满意 and
 * sees it reopened. Another resident cannot see the report; bad input gets a page, never a 5xx; a
 * flood of 1,500 submissions from one device is refused beyond its limit while another device
 * reports normally; 无效 silences a device; the public account names nobody.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';
import { launchChromium } from '../console/browser';
import { DEVICE_REPORTS_PER_HOUR, ADDRESS_REPORTS_PER_HOUR } from '../../src/domain/resident';
import { readChunks } from '../../src/adapters/render/png-metadata';
import { TIMERS_QUEUE } from '../../src/jobs/queues';

const HOUR = 3600_000;
const png = (w = 32, h = 24, color = '#c33') => {
  const c = createCanvas(w, h);
  const g = c.getContext('2d');
  g.fillStyle = color;
  g.fillRect(0, 0, w, h);
  return c.toBuffer('image/png');
};

describe('residents report from the 联系卡 page in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  // Five minutes into an hour, so the hourly limits do not roll over during the test.
  const shift = Math.ceil(Date.now() / HOUR) * HOUR + 5 * 60_000 - Date.now();
  const clock = { now: () => new Date(Date.now() + shift) };
  const numberIn = (text: string) => /SJ\d{8}-\d{4}/.exec(text)?.[0] ?? '';
  const taskIn = (text: string) => /T\d{8}-\d{4}/.exec(text)?.[0] ?? '';
  const lastBot = async (conversation: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot').at(-1)?.text ?? '';
  let pageUrl = '';

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const device = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    return { context, page: await context.newPage() };
  };
  const report = async (page: Page, text: string, extra: { place?: string; phone?: string; photos?: Buffer[] } = {}) => {
    await page.goto(pageUrl);
    await page.fill('#description', text);
    if (extra.place) await page.fill('#place', extra.place);
    if (extra.phone) await page.fill('#phone', extra.phone);
    if (extra.photos) await page.setInputFiles('#photos', extra.photos.map((buffer, i) => ({ name: `p${i}.png`, mimeType: 'image/png', buffer })));
    await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  };
  const count = (sql: string, params: unknown[] = []) => app.runtime.dataSource.query(sql, params).then((rows: { n: number | string }[]) => Number(rows[0].n));

  it('联系卡 returns a PNG with the grid, its gridworker and a QR code to the report page', async () => {
    const reply = await app.chat.ask('grid-01001001', 'wgy-yg1', '联系卡');
    expect(reply).toContain('阳光一网格');
    const link = /https?:\/\/\S+\/files\/[0-9a-f]{32}\/\S+/.exec(reply)?.[0];
    expect(link).toBeDefined();
    const response = await fetch(link!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await response.arrayBuffer());
    const image = await loadImage(bytes);
    const canvas = createCanvas(image.width, image.height);
    const g = canvas.getContext('2d');
    g.drawImage(image, 0, 0);
    const pixels = g.getImageData(0, 0, image.width, image.height);
    const qr = jsQR(new Uint8ClampedArray(pixels.data), image.width, image.height);
    expect(qr?.data).toBe(`${app.url}/r/01001001`);
    pageUrl = qr!.data;
    const meta = readChunks(bytes).find((c) => c.type === 'tEXt')!.data.toString('latin1');
    expect(meta).toContain('"grid":"01001001"');
    // A grid elsewhere in the tree is not this gridworker's to print.
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', '联系卡 01002001')).not.toContain('/files/');
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', '联系卡 01001')).toContain('不是网格');
  });

  it('drives a resident from the QR page through report → dispatch → close → notice → rating → reopen', async () => {
    const { context, page } = await device();
    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.textContent('main')).toContain('冯网格员');
    // The location button appears only where the page's script runs and the phone can locate.
    expect(await page.isVisible('#locate')).toBe(true);
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ latitude: 30.21, longitude: 120.11 });
    await page.click('#locate');
    await page.waitForFunction(() => (document.getElementById('lat') as HTMLInputElement).value !== '');

    await page.fill('#description', '3号楼东侧垃圾堆了三天没人清理');
    await page.fill('#place', '3号楼东侧');
    await page.fill('#phone', '13812345678');
    await page.setInputFiles('#photos', [{ name: 'rubbish.png', mimeType: 'image/png', buffer: png() }]);
    await Promise.all([page.waitForURL(/\/r\/t\/[A-Za-z0-9_-]{43}\?new=1$/), page.click('#submit')]);
    const number = numberIn((await page.textContent('#received')) ?? '');
    expect(number).not.toBe('');
    const trackingUrl = (await page.textContent('#tracking-link'))!.trim();
    expect(trackingUrl).toMatch(new RegExp(`^${app.url}/r/t/[A-Za-z0-9_-]{43}$`));
    expect(await page.textContent('#state')).toBe('待受理');
    expect(await page.$eval('img.photo', (img) => (img as HTMLImageElement).naturalWidth)).toBe(32);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'gridbot_device', httpOnly: true, path: '/r' });

    // The grid head hears of it as a resident's report; the phone never reaches a chat.
    await app.chat.outboxDrained();
    const card = await lastBot('dm-wz-yg1');
    expect(card).toContain(number);
    expect(card).toContain('居民');
    expect(card).toContain('30.21000,120.11000');
    expect(card).not.toContain('13812345678');
    const stored = JSON.stringify(await app.runtime.dataSource.query('SELECT * FROM resident_device'));
    expect(stored).not.toContain('13812345678');

    await app.chat.say('dm-wz-yg1', 'wz-yg1', `受理 ${number}`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `派遣 ${number} 冯网格员 明天17:00`);
    await app.chat.outboxDrained();
    await page.reload();
    expect(await page.textContent('#state')).toBe('已派遣');
    expect(await page.isVisible('#rate-form')).toBe(false);
    // The steps show what happened, never who did it.
    expect(await page.textContent('#steps')).not.toContain('周网格长');

    const task = taskIn(await lastBot('dm-wgy-yg1'));
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `签收 ${task}`);
    await app.chat.say('dm-wgy-yg1', 'wgy-yg1', `办结 ${task} 垃圾已清运`);
    await app.chat.say('dm-wz-yg1', 'wz-yg1', `核查 ${number} 通过`);
    await app.chat.outboxDrained();

    await page.goto(trackingUrl);
    expect(await page.textContent('#state')).toBe('已结案（待评价）');
    expect(await page.textContent('#closed-notice')).toContain('已办结');
    expect(await page.textContent('#result')).toContain('垃圾已清运');

    // 不满意 needs a reason; with one, the event is reopened at the grid.
    await page.check('input[value=unsatisfied]');
    await Promise.all([page.waitForLoadState('load'), page.click('#rate')]);
    expect(await page.textContent('main')).toContain('请写明原因');
    await page.goto(trackingUrl);
    await page.check('input[value=unsatisfied]');
    await page.fill('#reason', '东侧还有两袋没清走');
    await Promise.all([page.waitForURL(/\?rated=1$/), page.click('#rate')]);
    expect(await page.textContent('#flash')).toContain('评价已收到');
    expect(await page.textContent('#state')).toBe('已受理');
    expect(await page.textContent('#reopened')).toContain('重新办理');
    await app.chat.outboxDrained();
    expect(await lastBot('dm-wz-yg1')).toContain(`事件 ${number} 评价不满意，已重新打开：东侧还有两袋没清走`);
    await context.close();
  });

  it('keeps each resident to their own report: links are unguessable, per report, and nothing else is shown', async () => {
    const a = await device();
    const b = await device();
    await report(a.page, '路灯不亮', { phone: '13900001111' });
    await report(b.page, '井盖松动');
    const linkA = a.page.url().replace(/\?new=1$/, '');
    const linkB = b.page.url().replace(/\?new=1$/, '');
    expect(linkA).not.toBe(linkB);
    expect(await b.page.textContent('#description')).toBe('井盖松动');
    expect(await b.page.textContent('main')).not.toContain('路灯不亮');
    // Neither the event number, a changed character nor a short token opens anything.
    const numberA = numberIn((await a.page.textContent('#received')) ?? '');
    for (const guess of [`${app.url}/r/t/${numberA}`, linkA.slice(0, -1) + (linkA.endsWith('A') ? 'B' : 'A'), `${app.url}/r/t/abc`]) {
      const r = await b.page.goto(guess);
      expect(r?.status()).toBe(404);
      expect(await b.page.textContent('main')).toContain('链接无效');
    }
    // The page shows no phone, not even to its own holder.
    await a.page.goto(linkA);
    expect(await a.page.textContent('main')).not.toContain('13900001111');
    await a.context.close();
    await b.context.close();
  });

  it('answers bad input with a page and stores nothing: unknown grid, empty text, wrong type, too large, too many photos', async () => {
    const { context, page } = await device();
    const before = await count('SELECT COUNT(*) AS n FROM grid_event');
    expect((await page.goto(`${app.url}/r/99999999`))?.status()).toBe(404);
    expect((await page.goto(`${app.url}/r/01001`))?.status()).toBe(404); // a community is not a grid
    expect((await page.goto(`${app.url}/r/%3Cscript%3E`))?.status()).toBe(404);

    await page.goto(pageUrl);
    await page.$eval('#description', (el) => el.removeAttribute('required'));
    await page.fill('#description', '   ');
    await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
    expect(await page.textContent('#error')).toBe('请填写问题描述。');

    await page.fill('#description', '墙上有小广告');
    await page.setInputFiles('#photos', [{ name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo at all') }]);
    await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
    expect(await page.textContent('#error')).toContain('JPG、PNG或WebP');
    // What was typed is kept.
    expect(await page.inputValue('#description')).toBe('墙上有小广告');

    await page.setInputFiles('#photos', [1, 2, 3, 4].map((i) => ({ name: `p${i}.png`, mimeType: 'image/png', buffer: png(8 + i, 8) })));
    await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
    expect(await page.textContent('#error')).toContain('最多3张');

    const big = Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024 + 10)]);
    await page.setInputFiles('#photos', [{ name: 'big.png', mimeType: 'image/png', buffer: big }]);
    await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
    expect(await page.textContent('#error')).toContain('不能超过5MB');

    await page.fill('#phone', '12345');
    await page.setInputFiles('#photos', []);
    await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
    expect(await page.textContent('#error')).toContain('11位');

    // A body past the cap is refused before it is read in full.
    const huge = new FormData();
    huge.set('description', 'x');
    for (let i = 0; i < 4; i++) huge.append('photos', new Blob([Buffer.alloc(5 * 1024 * 1024)], { type: 'image/png' }), `h${i}.png`);
    const tooLarge = await fetch(pageUrl, { method: 'POST', body: huge, headers: { 'x-forwarded-for': '10.1.1.1' } });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).toContain('太大');
    const notForm = await fetch(pageUrl, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.1.1.2' } });
    expect(notForm.status).toBe(400);
    expect(await count('SELECT COUNT(*) AS n FROM grid_event')).toBe(before);
    await context.close();
  });

  it('holds a flood of 1,500 submissions from one device to its limit while another device reports normally', async () => {
    const flooder = 'FLOODxxxxxxxxxxxxxxxxx';
    const events = () => count('SELECT COUNT(*) AS n FROM grid_event');
    const before = await events();
    const { context, page } = await device();
    const t0 = Date.now();
    await report(page, '基准：楼下噪音');
    const baselineMs = Date.now() - t0;

    const statuses: number[] = [];
    let done = 0;
    const flood = async (n: number, headers: () => Record<string, string>) => {
      let next = 0;
      const worker = async () => {
        while (next < n) {
          next++;
          const body = new FormData();
          body.set('description', '刷屏测试');
          const r = await fetch(pageUrl, { method: 'POST', body, headers: headers(), redirect: 'manual' });
          statuses.push(r.status);
          await r.arrayBuffer();
          done++;
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
    };
    const running = flood(1500, () => ({ cookie: `gridbot_device=${flooder}` }));
    while (done < 100) await new Promise((r) => setTimeout(r, 5));
    const t1 = Date.now();
    await report(page, '刷屏期间：另一台手机正常反映');
    const duringMs = Date.now() - t1;
    const doneWhenOtherFinished = done;
    await running;

    expect(page.url()).toMatch(/\/r\/t\/[A-Za-z0-9_-]{43}\?new=1$/);
    expect(await page.textContent('#received')).toContain('已收到');
    expect(doneWhenOtherFinished).toBeLessThan(1500);
    expect(statuses.filter((s) => s !== 303 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 303)).toHaveLength(DEVICE_REPORTS_PER_HOUR);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1500 - DEVICE_REPORTS_PER_HOUR);
    expect(await events()).toBe(before + 2 + DEVICE_REPORTS_PER_HOUR);
    // eslint-disable-next-line no-console
    console.log(`flood: other device reported in ${duringMs} ms during the flood (baseline ${baselineMs} ms)`);
    expect(duringMs).toBeLessThan(Math.max(5000, baselineMs * 5));

    // A script that drops its cookie meets the limit of its address; other addresses are untouched.
    statuses.length = 0;
    await flood(300, () => ({ 'x-forwarded-for': '10.9.9.9' }));
    expect(statuses.filter((s) => s === 303)).toHaveLength(ADDRESS_REPORTS_PER_HOUR);
    expect(statuses.filter((s) => s === 429)).toHaveLength(300 - ADDRESS_REPORTS_PER_HOUR);
    // Nor does it escape by forging X-Forwarded-For: the address is the one the proxy appended.
    statuses.length = 0;
    let forged = 0;
    await flood(ADDRESS_REPORTS_PER_HOUR * 2, () => ({ 'x-forwarded-for': `203.0.113.${forged++ % 250}, 10.9.9.10` }));
    expect(statuses.filter((s) => s === 303)).toHaveLength(ADDRESS_REPORTS_PER_HOUR);
    await report(page, '换地址后另一台手机仍可反映');
    expect(await page.textContent('#received')).toContain('已收到');
    await context.close();
  }, 120_000);

  it('无效 by the gridworker silences the device behind a report; other devices still report', async () => {
    const pest = await device();
    const other = await device();
    await report(pest.page, '骚扰内容');
    const number = numberIn((await pest.page.textContent('#received')) ?? '');
    expect(await app.chat.ask('grid-01002001', 'wgy-hp1', `无效 ${number}`)).toContain('只有该网格的网格员');
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', `无效 ${number}`)).toContain(`已将事件 ${number} 标为无效`);
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', `骚扰 ${number}`)).toContain('此前已被限制');
    await report(pest.page, '又来了');
    expect(await pest.page.textContent('#error')).toContain('已被网格员标为无效');
    await report(other.page, '正常反映');
    expect(await other.page.textContent('#received')).toContain('已收到');
    // The access is logged like any use of residents' data (both marks touched the device's record).
    expect(await count("SELECT COUNT(*) AS n FROM register_access WHERE subject = 'reporter' AND action = 'change'")).toBe(2);
    expect(await app.chat.ask('grid-01001001', 'wz-yg1', `解除无效 ${number}`)).toContain('已恢复');
    await report(pest.page, '恢复后再反映');
    expect(await pest.page.textContent('#received')).toContain('已收到');
    await pest.context.close();
    await other.context.close();
  });

  it('publishes the public account per grid and community with figures and examples, and no personal data', async () => {
    const month = await app.runtime.uow.read(async (_r, calendar) => calendar.localDate(clock.now()).slice(0, 7));
    const reply = await app.chat.ask('grid-01001001', 'wgy-yg1', `公开 01001001 ${month}`);
    expect(reply).toContain('阳光一网格');
    expect(reply).toMatch(/反映：\d+ 件/);
    expect(reply).toContain('群众满意率');
    const { context, page } = await device();
    for (const code of ['01001001', '01001']) {
      const r = await page.goto(`${app.url}/public/${code}?period=${month}`);
      expect(r?.status()).toBe(200);
      const text = (await page.textContent('main')) ?? '';
      expect(text).toMatch(/反映：\d+ 件/);
      expect(text).toContain('按期办结率');
      expect(text).toContain('群众满意率：0%');
      // No name, phone, description or place: only figures and categories.
      for (const personal of ['冯网格员', '周网格长', '孙书记', '13812345678', '13900001111', '3号楼', '垃圾堆', '东侧还有', '路灯不亮']) expect(text).not.toContain(personal);
      expect(text).not.toMatch(/1[3-9]\d{9}/);
    }
    expect((await page.goto(`${app.url}/public/99999`))?.status()).toBe(404);
    await context.close();

    // Posted to the grid's residents' group: on demand, and by the monthly job (last month's).
    const group = 'res-01001001';
    expect(await app.chat.ask(group, 'wz-yg1', '绑定居民群 01001001')).toContain('居民群');
    expect(await app.chat.ask('grid-01001001', 'wgy-yg1', `公开 01001001 ${month}`)).toContain('已发到1个居民群');
    await app.chat.outboxDrained();
    const posted = await lastBot(group);
    expect(posted).toContain(`阳光一网格 ${month.replace(/^(\d{4})-0?(\d+)$/, '$1年$2月')} 工作公开`);
    expect(posted).not.toMatch(/1[3-9]\d{9}|冯网格员|3号楼/);
    await app.runtime.queues.get(TIMERS_QUEUE).add('public-account', {}, { jobId: 'public-account-test' });
    await app.chat.outboxDrained();
    for (let i = 0; i < 100 && (await lastBot(group)) === posted; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await lastBot(group)).toMatch(/阳光一网格 \d{4}年\d+月 工作公开/);
    expect(await lastBot(group)).not.toBe(posted);
  });
});
