/**
 * The console map's optional base map (设置地图底图) in a real headless Chromium: with a tile
 * template set, the signed-in page asks a local tile server for the Web-Mercator tiles covering
 * the demo grids, and the page's CSP lets images come from that origin only; after 清除 no tile
 * is asked for and the CSP names no such origin; a bad template is refused and changes nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';
import { launchChromium } from './browser';

const square = (lng: number, lat: number) => JSON.stringify({ type: 'Polygon', coordinates: [[[lng, lat], [lng + 0.02, lat], [lng + 0.02, lat + 0.02], [lng, lat + 0.02], [lng, lat]]] });
const GRIDS: [string, number, number][] = [['01001001', 120.1, 30.2], ['01001002', 120.12, 30.2], ['01002001', 120.1, 30.22], ['01002002', 120.12, 30.22]];
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The tile (z, x, y) of Web Mercator that holds a point. */
function tileOf(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lng + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

describe('the console map’s base-map tiles in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let tiles: http.Server;
  let origin = '';
  const requests: string[] = [];

  beforeAll(async () => {
    tiles = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(PNG);
    });
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(tiles.address() as AddressInfo).port}`;
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
    for (const [code, lng, lat] of GRIDS) expect(await app.chat.ask('dm-admin', 'admin', `设置边界 ${code} ${square(lng, lat)}`)).toContain('已设置');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    tiles?.closeAllConnections();
    await new Promise((resolve) => tiles?.close(resolve));
  });

  async function openConsole() {
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '控制台');
    const url = /https?:\/\/\S+\/console\/login\/[0-9a-f]{32}/.exec(reply)?.[0];
    if (!url) throw new Error(`no console link in: ${reply}`);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pageCsp: string[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/console') pageCsp.push(r.headers()['content-security-policy'] ?? '');
    });
    await page.goto(url);
    await page.waitForURL(/\/console$/);
    await page.waitForSelector('body[data-loaded]');
    return { context, page, csp: () => pageCsp[pageCsp.length - 1] ?? '' };
  }

  it('draws the tiles under the grids when a template is set, and the page may load images from its origin only', async () => {
    const template = `${origin}/tiles/{z}/{x}/{y}.png`;
    expect(await app.chat.ask('dm-admin', 'admin', `设置地图底图 ${template}`)).toContain('已设置驾驶舱地图底图');
    const { context, page, csp } = await openConsole();
    await page.waitForSelector('#map[data-tiles]');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/tiles/')));
    expect(csp()).toContain(`img-src 'self' data: ${origin};`);
    expect(csp()).toContain("connect-src 'self';");
    expect(csp()).toContain("script-src 'self';");

    const asked = requests.map((u) => /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(u)).filter((m) => m !== null).map((m) => m.slice(1).map(Number));
    expect(asked.length).toBe(requests.length);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.length).toBeLessThanOrEqual(64);
    const zooms = new Set(asked.map(([z]) => z));
    expect(zooms.size).toBe(1);
    const [z] = [...zooms];
    // The demo grids span 0.04° and fill the map: a street-level zoom, and a tile covering their centre is among those asked.
    expect(z).toBeGreaterThanOrEqual(11);
    expect(z).toBeLessThanOrEqual(16);
    const [cx, cy] = tileOf(120.12, 30.22, z);
    expect(asked).toContainEqual([z, cx, cy]);
    for (const [, x, y] of asked) {
      expect(Math.abs(x - cx)).toBeLessThanOrEqual(8);
      expect(Math.abs(y - cy)).toBeLessThanOrEqual(8);
    }

    // The tiles line up with the boundaries: at the pixel where the map draws a grid corner, and at
    // the demo area's centre, lies the image of the tile that holds that point.
    for (const [lng, lat] of [[120.12, 30.22], [120.1005, 30.2005], [120.1395, 30.2395]]) {
      const under = await page.evaluate(
        ([lng, lat]) => {
          const chart = (window as unknown as { echarts: { getInstanceByDom(e: Element): { convertToPixel(f: string, v: number[]): number[]; getOption(): { graphic: { elements: { style: { image: string; x: number; y: number; width: number; height: number } }[] }[] } } } }).echarts.getInstanceByDom(document.getElementById('map')!);
          const [px, py] = chart.convertToPixel('geo', [lng, lat]);
          const hit = chart.getOption().graphic[0].elements.find((e) => e.style && px >= e.style.x && px < e.style.x + e.style.width - 0.5 && py >= e.style.y && py < e.style.y + e.style.height - 0.5);
          return hit ? new URL(hit.style.image).pathname : null;
        },
        [lng, lat],
      );
      const [tx, ty] = tileOf(lng, lat, z);
      expect(under).toBe(`/tiles/${z}/${tx}/${ty}.png`);
    }

    // Zooming in (a roam) asks for the tiles of a deeper level.
    const before = requests.length;
    await page.mouse.move(700, 500);
    const box = await page.locator('#map').boundingBox();
    await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -300);
    await page.waitForFunction((zoom) => (document.getElementById('map')?.getAttribute('data-tiles') ?? '').split(' ').some((t) => Number(t.split('/')[0]) > zoom), z);
    await page.waitForFunction((n) => performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/')).length > n, before);
    expect(requests.slice(before).some((u) => Number(u.split('/')[2]) > z)).toBe(true);
    await context.close();
  });

  it('refuses a bad template without changing the one set, and after 清除 draws the offline map with no tile and no tile origin in the CSP', async () => {
    const template = `${origin}/tiles/{z}/{x}/{y}.png`;
    expect(await app.chat.ask('dm-admin', 'admin', `设置地图底图 ${template}`)).toContain('已设置');
    for (const bad of ['http://tiles.example.cn/{z}/{x}/{y}.png', 'https://tiles.example.cn/{z}/{x}.png', "https://tiles.example.cn/{z}/{x}/{y}.png;img-src *"]) {
      expect(await app.chat.ask('dm-admin', 'admin', `设置地图底图 ${bad}`)).toContain('未做任何更改');
    }
    // Only an admin may set it.
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '设置地图底图 https://evil.example.cn/{z}/{x}/{y}.png')).not.toContain('已设置');
    const still = await openConsole();
    await still.page.waitForSelector('#map[data-tiles]');
    expect(still.csp()).toContain(`img-src 'self' data: ${origin};`);
    expect(still.csp()).not.toContain('example.cn');
    await still.context.close();

    expect(await app.chat.ask('dm-admin', 'admin', '设置地图底图 清除')).toContain('已清除驾驶舱地图底图');
    const before = requests.length;
    const { context, page, csp } = await openConsole();
    expect(csp()).toContain("img-src 'self' data:;");
    expect(csp()).not.toContain('127.0.0.1');
    expect(await page.getAttribute('#map', 'data-tiles')).toBeNull();
    expect(await page.$('#map canvas')).not.toBeNull();
    await page.waitForTimeout(500);
    expect(requests.length).toBe(before);
    expect(await app.chat.ask('dm-admin', 'admin', '设置地图底图 清除')).toContain('没有设置底图');
    await context.close();
  });
});
