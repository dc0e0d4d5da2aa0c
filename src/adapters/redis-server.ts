/**
 * The embedded default needs a Redis. If none answers at REDIS_URL on this machine and
 * `redis-server` is installed, start one as a child process (data under data/redis, append-only
 * on) and stop it on exit; otherwise say how to get one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../log';
import { parseRedisUrl } from '../config';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

/** Returns the child it started (to stop on exit), or null when a Redis was already there. */
export async function ensureRedis(url: string, dataDir: string, logger: Logger): Promise<ChildProcess | null> {
  // A cluster or a Sentinel deployment is run by its operators; only a single local Redis is started here.
  if (parseRedisUrl(url)?.kind !== 'single') return null;
  if (await answers(url)) return null;
  const u = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname);
  if (!local || !onPath('redis-server')) {
    throw new RedisUnavailableError(
      `Redis does not answer at ${u.host}. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis.`,
    );
  }
  const dir = path.resolve(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = u.port || '6379';
  logger.info({ port, dir }, 'no Redis answered; starting redis-server as a child process');
  const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailableError(`redis-server did not start on port ${port}; see if the port is taken or set REDIS_URL.`);
}
