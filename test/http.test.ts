/** What an operator and a monitoring system see over HTTP. */
import { startTestApp, type TestApp } from './support/app';

describe('operations endpoints', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKEN: 'test-admin-token' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('reports health and readiness', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('exposes Prometheus metrics that count messages in and out', async () => {
    await app.chat.say('dm-admin', 'admin', '帮助');
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/gridbot_messages_in_total\{channel="sandbox"\} [1-9]/);
    expect(text).toMatch(/gridbot_messages_out_total\{channel="sandbox",status="sent"\} [1-9]/);
    expect(text).toMatch(/gridbot_handling_seconds_count\{channel="sandbox"\} [1-9]/);
    expect(text).toMatch(/gridbot_queue_depth\{queue="inbound",state="completed"\} [1-9]/);
    // Memory as an operator watches it: the heap in use (a leak grows it) beside what buffers hold.
    expect(text).toMatch(/gridbot_heap_used_bytes [1-9]\d{6,}/);
    expect(text).toMatch(/gridbot_external_memory_bytes [1-9]/);
  });

  it('keeps the queue dashboard behind ADMIN_TOKEN', async () => {
    expect((await fetch(`${app.url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${app.url}/admin/queues`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${app.url}/admin/queues`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<title>');
    const api = await fetch(`${app.url}/admin/queues/api/queues`, { headers: { authorization: 'Bearer test-admin-token' } });
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['inbound', 'timers', 'outbox-sandbox']));
  });

  it('serves the sandbox page', async () => {
    const page = await fetch(`${app.url}/sandbox`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('gridbot 沙盒');
    expect(html).toContain('/sandbox/api/messages');
  });
});
