/**
 * The open 代办 as a queue of the leaders' console, in a real headless Chromium: a community
 * secretary sees their community's open requests (household number, never the address), oldest
 * first, not another community's and not a closed one; a row opens the request's steps.
 */
import type { Browser } from 'playwright-core';
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';
import { launchChromium } from '../console/browser';

let app: TestApp;
let browser: Browser;
const grab = (text: string) => /DB\d{8}-\d{4}/.exec(text)?.[0] ?? '';

beforeAll(async () => {
  app = await startTestApp();
  await seedDemo(app.runtime.uow);
  // The console's map draws the grids' boundaries (the page needs them to finish loading).
  for (const [i, code] of ['01001001', '01001002', '01002001', '01002002'].entries()) {
    const [lng, lat] = [120.1 + (i % 2) * 0.02, 30.2 + Math.floor(i / 2) * 0.02];
    const square = JSON.stringify({ type: 'Polygon', coordinates: [[[lng, lat], [lng + 0.02, lat], [lng + 0.02, lat + 0.02], [lng, lat + 0.02], [lng, lat]]] });
    expect(await app.chat.ask('dm-admin', 'admin', `设置边界 ${code} ${square}`)).toContain('已设置');
  }
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('lists the open 代办 of the secretary’s community and opens a row’s steps', async () => {
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '建户 幸福路8号')).toContain('已建档：H1');
  expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '建户 和平路3号')).toContain('已建档：H2');
  const first = grab(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '代办 H1 低保'));
  const second = grab(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '代办 H1 医保'));
  const closed = grab(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '代办 H1 社保卡'));
  const theirs = grab(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', '代办 H2 低保'));
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `代办受理 ${first}`)).toContain('已受理');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `代办退回 ${closed} 住户撤回`)).toContain('已退回');

  const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '控制台');
  const link = /https?:\/\/\S+\/console\/login\/[0-9a-f]{32}/.exec(reply)![0];
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(link);
  await page.waitForURL(/\/console$/);
  await page.waitForSelector('body[data-loaded]');
  expect(await page.textContent('#queues')).toContain('未办结的代办');
  const rows = await page.$$eval('#daiban li[data-number]', (lis) => lis.map((li) => [li.getAttribute('data-number'), li.textContent ?? '']));
  expect(rows.map((r) => r[0])).toEqual([first, second]);
  expect(rows[0][1]).toContain(`${first} 低保申请 · 01001001 H1 · 已受理`);
  expect(rows[1][1]).toContain('已登记');
  expect(rows.map((r) => r[1]).join('\n')).not.toContain('幸福路');
  expect(rows.map((r) => r[0])).not.toContain(theirs);

  await page.click(`#daiban li[data-number="${first}"]`);
  await page.waitForSelector('#item[open] #item-commands button');
  expect(await page.textContent('#item-title')).toBe(`${first} 低保申请`);
  expect(await page.$$eval('#item-timeline li', (lis) => lis.map((li) => li.textContent ?? ''))).toEqual([expect.stringContaining('登记'), expect.stringContaining('受理')]);
  expect(await page.$$eval('#item-commands button', (bs) => bs.map((b) => b.getAttribute('data-command')))).toEqual([`代办详情 ${first}`]);
  // Another community's request is not found from this session.
  expect(await page.evaluate(async (n) => (await fetch(`/console/api/items/${n}`)).status, theirs)).toBe(404);
  await context.close();
});
