/**
 * The leaders' console in a real headless Chromium: signed in from a link the bot gives in a
 * sandbox 1:1 chat, a community secretary sees only their community — its events on the map and
 * in the queue, a new one after a refresh, each row opening its timeline with a command to copy;
 * a used or expired link is refused; another member's session cannot read the first one's items;
 * 退出控制台 and an admin end sessions; a change without the CSRF token is refused.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';
import { launchChromium } from './browser';

const square = (lng: number, lat: number) => JSON.stringify({ type: 'Polygon', coordinates: [[[lng, lat], [lng + 0.02, lat], [lng + 0.02, lat + 0.02], [lng, lat + 0.02], [lng, lat]]] });
const GRIDS: [string, number, number][] = [['01001001', 120.1, 30.2], ['01001002', 120.12, 30.2], ['01002001', 120.1, 30.22], ['01002002', 120.12, 30.22]];

describe('the leaders’ web console in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let shift = 0;
  const clock = { now: () => new Date(Date.now() + shift) };
  const numberIn = (text: string) => /SJ\d{8}-\d{4}/.exec(text)?.[0] ?? '';

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
    for (const [code, lng, lat] of GRIDS) expect(await app.chat.ask('dm-admin', 'admin', `设置边界 ${code} ${square(lng, lat)}`)).toContain('已设置');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function loginLink(user: string): Promise<string> {
    const reply = await app.chat.ask(`dm-${user}`, user, '控制台');
    const url = /https?:\/\/\S+\/console\/login\/[0-9a-f]{32}/.exec(reply)?.[0];
    if (!url) throw new Error(`no console link in: ${reply}`);
    return url;
  }
  async function signIn(user: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(await loginLink(user));
    await page.waitForURL(/\/console$/);
    await page.waitForSelector('body[data-loaded]');
    return { context, page };
  }
  const rows = (page: Page, list: string) => page.$$eval(`#${list} li[data-number]`, (lis) => lis.map((li) => li.getAttribute('data-number')));
  const mapEvents = async (page: Page) => ((await page.getAttribute('#map', 'data-events')) ?? '').split(' ').filter(Boolean);

  it('signs a community secretary in from the chat link and shows only their community, a new event after a refresh, and an item’s timeline', async () => {
    const ours = numberIn(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天'));
    const theirs = numberIn(await app.chat.ask('grid-01002001', 'wgy-hp1', '上报 环境卫生 和平路5号垃圾满溢'));
    expect(ours).not.toBe('');
    expect(theirs).not.toBe('');

    const { context, page } = await signIn('sj-yg');
    const response = await page.reload();
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'gridbot_console', httpOnly: true, sameSite: 'Strict', path: '/console' });
    await page.waitForSelector('body[data-loaded]');

    expect(await rows(page, 'open-events')).toEqual([ours]);
    expect(await mapEvents(page)).toEqual([ours]);
    const ranking = await page.evaluate(async () => ((await (await fetch('/console/api/overview')).json()) as { units: { ranking: { name: string }[] }[] }).units[0].ranking.map((r) => r.name));
    expect(ranking.sort()).toEqual(['阳光一网格', '阳光二网格']);

    const fresh = numberIn(
      await app.chat.ask('grid-01001002', 'wgy-yg2', '上报 安全隐患 阳光路3号井盖缺失'),
    );
    expect(fresh).not.toBe('');
    const loaded = await page.getAttribute('body', 'data-loaded');
    await page.click('#refresh');
    await page.waitForFunction((before) => document.body.getAttribute('data-loaded') !== before, loaded);
    expect((await mapEvents(page)).sort()).toEqual([ours, fresh].sort());
    expect((await rows(page, 'open-events')).sort()).toEqual([ours, fresh].sort());
    expect(await mapEvents(page)).not.toContain(theirs);
    const placed = await page.evaluate(async () => ((await (await fetch('/console/api/map')).json()) as { events: { number: string; lng: number; lat: number; approximate: boolean }[] }).events);
    // A report without coordinates of its own is drawn at its grid's centre, marked approximate.
    expect(placed.find((e) => e.number === fresh)).toMatchObject({ lng: expect.closeTo(120.13, 6), lat: expect.closeTo(30.21, 6), approximate: true });
    // The heat view is the month's count per grid, counted by the server: the secretary's grids only (not the other community's report), both of theirs counted.
    const heat = await page.evaluate(async () => ((await (await fetch('/console/api/map')).json()) as { heat: { code: string; events: number }[] }).heat);
    expect(heat.reduce((n, g) => n + g.events, 0)).toBe(2);

    await page.click(`#open-events li[data-number="${fresh}"]`);
    await page.waitForSelector('#item[open] #item-commands button');
    expect(await page.textContent('#item-title')).toContain('井盖缺失');
    expect(await page.$$eval('#item-timeline li', (lis) => lis.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#item-commands button', (bs) => bs.map((b) => b.getAttribute('data-command')))).toContain(`事件 ${fresh}`);
    await page.click('#item-close');
    // Downloads go through the one file-link mechanism: a once link, refused the second time.
    await page.click('#download-buttons button:first-child');
    const href = await (await page.waitForSelector('#download-link a')).getAttribute('href');
    expect(href).toMatch(/\/files\/[0-9a-f]{32}\//);
    const ledger = await fetch(href!);
    expect(ledger.headers.get('content-type')).toContain('spreadsheetml');
    expect((await fetch(href!)).status).toBe(410);
    if (process.env.CONSOLE_SCREENSHOT) {
      await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
    }
    await context.close();
  });

  it('lists the notices awaiting receipts within the secretary’s community, and a notice’s receipts when opened', async () => {
    const sent = await app.chat.ask('dm-sj-yg', 'sj-yg', '通知 阳光社区的网格员 明天 17:00 请检查辖区消防通道');
    const number = /TZ\d{8}-\d{4}/.exec(sent)?.[0] ?? '';
    expect(sent).toContain(`已发出通知 ${number}，共 2 人`);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `回执 ${number}`)).toContain(`已回执通知 ${number}`);

    const yg = await signIn('sj-yg');
    expect(await rows(yg.page, 'notices')).toEqual([number]);
    expect(await yg.page.textContent(`#notices li[data-number="${number}"]`)).toContain('1/2人未回执');
    await yg.page.click(`#notices li[data-number="${number}"]`);
    await yg.page.waitForSelector('#item[open] #item-commands button');
    expect(await yg.page.textContent('#item-title')).toContain('请检查辖区消防通道');
    expect(await yg.page.$$eval('#item-timeline li', (lis) => lis.map((li) => li.textContent))).toEqual([expect.stringContaining('发出通知（2人）'), expect.stringContaining('冯网格员 已回执')]);
    expect(await yg.page.$$eval('#item-commands button', (bs) => bs.map((b) => b.getAttribute('data-command')))).toEqual([`通知进度 ${number}`]);
    await yg.context.close();

    // Another community's secretary has no recipient of it: neither in the queue nor openable.
    const hp = await signIn('sj-hp');
    expect(await rows(hp.page, 'notices')).toEqual([]);
    expect(await hp.page.evaluate(async (n) => (await fetch(`/console/api/items/${n}`)).status, number)).toBe(404);
    await hp.context.close();

    // Once everyone has confirmed, it leaves the queue.
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `回执 ${number}`)).toContain(`已回执通知 ${number}`);
    const again = await signIn('sj-yg');
    expect(await rows(again.page, 'notices')).toEqual([]);
    await again.context.close();
    for (const user of ['sj-yg', 'sj-hp']) expect(await app.chat.ask(`dm-${user}`, user, '退出控制台')).toMatch(/已结束您的\d+个驾驶舱登录/);
  });

  it('refuses a link opened a second time and a link opened after five minutes', async () => {
    const url = await loginLink('wz-yg1');
    const first = await browser.newContext();
    expect((await (await first.newPage()).goto(url))?.status()).toBe(200);
    const second = await browser.newContext();
    const page = await second.newPage();
    const again = await page.goto(url);
    expect(again?.status()).toBe(410);
    expect(await page.textContent('body')).toContain('已使用过');
    expect(await second.cookies()).toEqual([]);
    expect((await page.goto(url.replace(/\/login\/.*/, '')))?.status()).toBe(401);

    const late = await loginLink('wz-yg1');
    shift = 6 * 60_000;
    try {
      const refused = await page.goto(late);
      expect(refused?.status()).toBe(410);
      expect(await page.textContent('body')).toContain('已过期');
    } finally {
      shift = 0;
    }
    await first.close();
    await second.close();
  });

  it('keeps one member’s items from another member’s session, and ends sessions by 退出控制台, by an admin, never by a request without the CSRF token', async () => {
    const ours = numberIn(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 市容环境 幸福路广告牌破损'));
    const hp = await signIn('sj-hp');
    expect(await rows(hp.page, 'open-events')).not.toContain(ours);
    const peek = await hp.page.evaluate(async (n) => (await fetch(`/console/api/items/${n}`)).status, ours);
    expect(peek).toBe(404);

    const yg = await signIn('sj-yg');
    expect(await yg.page.evaluate(async (n) => (await fetch(`/console/api/items/${n}`)).status, ours)).toBe(200);
    // A cross-site form could not add the header: without it the logout is refused and the session lives on.
    expect(await yg.page.evaluate(async () => (await fetch('/console/logout', { method: 'POST' })).status)).toBe(403);
    expect(await yg.page.evaluate(async () => (await fetch('/console/api/queues')).status)).toBe(200);

    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '退出控制台')).toMatch(/已结束您的\d+个驾驶舱登录/);
    expect(await yg.page.evaluate(async () => (await fetch('/console/api/queues')).status)).toBe(401);

    expect(await app.chat.ask('dm-admin', 'admin', '结束控制台 李书记')).toContain('已结束李书记的1个驾驶舱登录');
    expect(await hp.page.evaluate(async () => (await fetch('/console/api/overview')).status)).toBe(401);
    await hp.context.close();
    await yg.context.close();
  });

  it('answers 控制台 only in a 1:1 chat and only to grid heads and above', async () => {
    expect(await app.chat.ask('grid-01001001', 'wz-yg1', '控制台')).not.toMatch(/console\/login/);
    expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '控制台')).not.toMatch(/console\/login/);
  });
  it('loads with no grid boundary at all and says the map needs them, the events still in the queue', async () => {
    for (const [code] of GRIDS) expect(await app.chat.ask('dm-admin', 'admin', `设置边界 ${code} 清除`)).toContain('已清除');
    const ours = numberIn(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路20号路灯不亮'));
    const { context, page } = await signIn('sj-yg');
    expect(await page.textContent('#map')).toContain('尚未录入网格边界');
    expect(await rows(page, 'open-events')).toContain(ours);
    await context.close();
    for (const [code, lng, lat] of GRIDS) expect(await app.chat.ask('dm-admin', 'admin', `设置边界 ${code} ${square(lng, lat)}`)).toContain('已设置');
  });
});
