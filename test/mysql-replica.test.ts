/**
 * MariaDB with a read replica (DATABASE_READ_URL): a throw-away primary and replica, spawned by the
 * test. The console's pages read from the replica — while the replica is held back they show what it
 * has, and catch up when it does — while the chat, which must see its own writes, reads the primary.
 */
import { seedDemo } from '../src/adapters/db/demo';
import { ConfigError, loadConfig } from '../src/config';
import { startReplicaPair, type ReplicaPair } from './support/mariadb-replica';
import { startTestApp, type TestApp } from './support/app';
import mysql from 'mysql2/promise';

const numberIn = (text: string) => /SJ\d{8}-\d{4}/.exec(text)?.[0] ?? '';

describe('a MariaDB read replica for the console', () => {
  let pair: ReplicaPair;
  let app: TestApp;
  let cookie = '';

  beforeAll(async () => {
    pair = await startReplicaPair();
    const c = await mysql.createConnection({ uri: pair.primaryUrl });
    await c.query('CREATE DATABASE gridbot CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await c.end();
    app = await startTestApp({ database: { kind: 'mysql', url: `${pair.primaryUrl}/gridbot`, drop: async () => undefined }, env: { DATABASE_READ_URL: `${pair.replicaUrl}/gridbot` } });
    await seedDemo(app.runtime.uow);
    const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '控制台');
    const link = /https?:\/\/\S+\/console\/login\/[0-9a-f]{32}/.exec(reply)?.[0];
    if (!link) throw new Error(`no console link in: ${reply}`);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^gridbot_console=/);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await pair?.stop();
  });

  const queuedEvents = async (): Promise<string[]> => {
    const res = await fetch(`${app.url}/console/api/queues`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { events: { rows: { number: string }[] } }).events.rows.map((r) => r.number);
  };
  const eventually = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('serves the console from the replica, a moment behind while the chat reads its own writes', async () => {
    const first = numberIn(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路12号垃圾堆放三天'));
    expect(first).not.toBe('');
    await eventually(async () => (await queuedEvents()).includes(first), 'the first event in the console');

    await pair.pauseReplication();
    const second = numberIn(await app.chat.ask('grid-01001001', 'wgy-yg1', '上报 安全隐患 5号楼消防通道被电动车堵塞'));
    expect(second).not.toBe('');
    // The chat sees it at once: it reads the primary.
    expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', `事件 ${second}`)).toContain(second);
    // The console reads the held-back replica: the first event, not yet the second.
    for (let i = 0; i < 5; i++) {
      const listed = await queuedEvents();
      expect(listed).toContain(first);
      expect(listed).not.toContain(second);
      await new Promise((r) => setTimeout(r, 200));
    }

    await pair.resumeReplication();
    await eventually(async () => (await queuedEvents()).includes(second), 'the second event once the replica caught up');
    const overview = await fetch(`${app.url}/console/api/overview`, { headers: { cookie } });
    expect(overview.status).toBe(200);
  });

  it('refuses a replica beside a SQLite primary, and never prints a URL password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'sqlite:data/x.sqlite', DATABASE_READ_URL: 'mysql://ro:pw@replica:3306/gridbot' })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ DATABASE_READ_URL: 'postgres://ro:s3cret-pw@replica:5432/gridbot' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('DATABASE_READ_URL');
    expect(message).not.toContain('s3cret-pw');
  });
});
