/**
 * Starting the bot: a wrong setting stops the start with one line naming the variable; with no
 * Redis running, the bot starts its own redis-server (or says how to get one).
 */
import { DEFAULT_TIME_ZONE } from '../src/domain/calendar';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { START_BUDGET_MS, runBotToExit, startBotProcess } from './support/process';
import { createTestDatabase } from './support/databases';

// Each real start may be the first on this runtime and compile everything.
jest.setTimeout(START_BUDGET_MS + 30_000);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, /^Invalid PORT \(got "eighty"\)/],
    [{ DATABASE_URL: 'postgres://db/x' }, /^Invalid DATABASE_URL .*sqlite:PATH or mysql:/],
    [{ REDIS_URL: 'localhost:6379' }, /^Invalid REDIS_URL .*redis:\/\/host:port/],
    [{ TIMEZONE: 'Mars/Olympus_Mons' }, /^Invalid TIMEZONE .*IANA/],
    [{ BOOTSTRAP_ADMINS: 'qq:123' }, /^Invalid BOOTSTRAP_ADMINS .*channel:platformUserId/],
    [{ SANDBOX_ENABLED: 'maybe' }, /^Invalid SANDBOX_ENABLED/],
    [{ WECOM_AES_KEY: 'tooshort', WECOM_CORP_ID: 'ww1', WECOM_SECRET: 's', WECOM_TOKEN: 't' }, /^Invalid WECOM_AES_KEY \(got "\*\*\*"\): must be the 43-character/],
    [{ DINGTALK_CLIENT_ID: 'ding123' }, /^Invalid DINGTALK_CLIENT_SECRET: required when DINGTALK_CLIENT_ID is set/],
    [{ DINGTALK_API_BASE: 'ftp://x' }, /^Invalid DINGTALK_API_BASE/],
    [{ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'plain-token' }, /^Invalid WECHATY_PUPPET_SERVICE_TOKEN \(got "\*\*\*"\): must be <server name>_<id>/],
    [{ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'insecure_x', WECHATY_PUPPET_SERVICE_ENDPOINT: 'http://10.0.0.5' }, /^Invalid WECHATY_PUPPET_SERVICE_ENDPOINT .*host:port/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes the documented defaults from an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATABASE_URL: 'sqlite:data/gridbot.sqlite', REDIS_URL: 'redis://127.0.0.1:6379', TIMEZONE: DEFAULT_TIME_ZONE, SANDBOX_ENABLED: true, BOOTSTRAP_ADMINS: [] });
    expect(loadConfig({ NODE_ENV: 'production', PII_KEY: Buffer.alloc(32, 1).toString('base64') }).SANDBOX_ENABLED).toBe(false);
    expect(loadConfig({ BOOTSTRAP_ADMINS: 'sandbox:admin, dingtalk:0123,wecom:zhangsan' }).BOOTSTRAP_ADMINS).toEqual([
      { channel: 'sandbox', platformUserId: 'admin' },
      { channel: 'dingtalk', platformUserId: '0123' },
      { channel: 'wecom', platformUserId: 'zhangsan' },
    ]);
  });

  it('stops the real start with exit code 2 and names the variable, never a secret', async () => {
    const { code, output } = await runBotToExit({ PORT: '3000', WECOM_BOT_TOKEN: 'tok', WECOM_BOT_AES_KEY: 'secret-but-wrong' });
    expect(code).toBe(2);
    expect(output.trim()).toBe('gridbot: Invalid WECOM_BOT_AES_KEY (got "***"): must be the 43-character EncodingAESKey');
  });
});

describe('Redis at start', () => {
  it('starts redis-server as a child when none answers, and stops it on exit', async () => {
    const port = await freePort();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-start-'));
    const db = await createTestDatabase('sqlite');
    const bot = await startBotProcess({ DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: 'autostart' }, { cwd });
    try {
      expect(bot.output()).toContain('starting redis-server as a child process');
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      expect(fs.existsSync(path.join(cwd, 'data/redis/appendonlydir'))).toBe(true);
    } finally {
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      await db.drop();
    }
    // The child Redis is gone with the bot: the port is free again.
    await expect(new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => reject(new Error('still listening')));
      s.on('error', () => resolve('closed'));
    })).resolves.toBe('closed');
  });

  it('says how to get Redis when none answers and none can be started', async () => {
    const { code, output } = await runBotToExit({ REDIS_URL: 'redis://10.255.255.1:6390', DATABASE_URL: 'sqlite::memory:' });
    expect(code).toBe(3);
    expect(output).toContain('Install it (Debian/Ubuntu: apt-get install redis-server');
  });
});
