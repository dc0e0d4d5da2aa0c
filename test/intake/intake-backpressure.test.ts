/**
 * The intake refuses honestly under load, as the sandbox does: past INBOUND_BACKLOG_LIMIT waiting
 * messages an order push answers 429 with Retry-After and stores nothing; Open311 the same, in its
 * error shape.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { startTestApp, type TestApp } from '../support/app';

describe('an intake push while the inbound backlog is past its bound', () => {
  let app: TestApp;
  afterAll(async () => {
    await app.stop();
  });

  it('is refused with 429 and Retry-After and changes nothing', async () => {
    // A receiver without workers: the backlog only grows.
    app = await startTestApp({ env: { GRIDBOT_ROLES: 'receiver', INBOUND_BACKLOG_LIMIT: '3' } });
    await seedDemo(app.runtime.uow);
    const added = await app.runtime.uow.runOnce('test-add-client', async (tx) => {
      const unit = (await tx.repos.org.unitByCode('01001'))!;
      return app.runtime.areas.intake.addClient(tx, { name: '县12345热线', unit, callbackUrl: null, createdBy: 1 });
    });
    if (!added.ran) throw new Error('client not added');
    const key = added.result.key;
    const order = JSON.stringify({ external_id: 'LOAD-1', category: '环境卫生', description: '垃圾', address: '幸福路1号' });

    let refusal: Response | null = null;
    for (let i = 0; i < 40 && !refusal; i++) {
      await fetch(`${app.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversation: 'dm-admin', user: 'admin', text: '我是谁', id: `m${i}` }) });
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: order });
      if (res.status === 429) refusal = res;
      else if (res.status !== 201 && res.status !== 200) throw new Error(`unexpected ${res.status}`);
    }
    expect(refusal).not.toBeNull();
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusal!.json()).toMatchObject({ error: 'overloaded' });

    const before = Number((await app.runtime.dataSource.query('SELECT COUNT(*) AS n FROM intake_order'))[0].n);
    const again = await fetch(`${app.url}/api/intake/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ external_id: 'LOAD-2', category: '环境卫生', description: '垃圾', address: '幸福路2号' }) });
    expect(again.status).toBe(429);
    const open311 = await fetch(`${app.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key=${key}&service_code=环境卫生&address_string=x` });
    expect(open311.status).toBe(429);
    expect(open311.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await open311.json()).toEqual([{ code: 429, description: expect.stringMatching(/^overloaded/) }]);
    expect(Number((await app.runtime.dataSource.query('SELECT COUNT(*) AS n FROM intake_order'))[0].n)).toBe(before);
  }, 60_000);
});
