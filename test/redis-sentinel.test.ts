/**
 * REDIS_URL selects the Redis deployment: one server, a cluster, or a master named by sentinels.
 * On a Sentinel deployment spawned here (one master, one sentinel, free local ports) gridbot
 * finds the master through the sentinel and answers a redelivered message once.
 */
import { loadConfig, parseRedisUrl } from '../src/config';
import { startTestApp } from './support/app';
import { startRedisSentinel, type RedisDeployment } from './support/redis-servers';

describe('REDIS_URL forms', () => {
  it('reads one server, a cluster and a sentinel deployment, and refuses anything else by name', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379/2' });
    expect(parseRedisUrl('redis+cluster://:s%40cret@10.0.0.1:7000,10.0.0.2,redis-3:7002')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: 'redis-3', port: 7002 },
      ],
      username: undefined,
      password: 's@cret',
      tls: false,
    });
    expect(parseRedisUrl('redis+sentinel://s1:26380,s2/mymaster/3')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26380 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      db: 3,
      username: undefined,
      password: undefined,
      tls: false,
    });
    for (const bad of ['redis+sentinel://s1:26379', 'redis+cluster://h1:7000/2', 'redis+cluster://h1:99999', 'redis+mesh://h1', 'localhost:6379']) {
      expect(() => loadConfig({ REDIS_URL: bad })).toThrow(/^Invalid REDIS_URL .*redis\+sentinel:\/\/host:port/);
    }
  });
});

describe('on Redis Sentinel', () => {
  let sentinel: RedisDeployment;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  it('finds the master through the sentinel and answers a message delivered twice once', async () => {
    const app = await startTestApp({ env: { REDIS_URL: sentinel.url } });
    try {
      expect(app.runtime.connections.kind).toBe('sentinel');
      for (let i = 0; i < 2; i++) await app.chat.post('dm-admin', 'admin', '我是谁', { id: 'twice' });
      await app.chat.settled('twice');
      await app.chat.ask('dm-admin', 'admin', '帮助');
      const answers = (await app.chat.messages('dm-admin')).filter((m) => m.from === 'bot' && m.text.startsWith('系统管理员（#'));
      expect(answers).toHaveLength(1);
      // The queue lives on the master the sentinel named.
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
