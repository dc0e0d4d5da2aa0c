/**
 * Before any test: MariaDB/MySQL and Redis must answer. In CI (CI=true) both are required; on a
 * developer machine without MariaDB the end-to-end tests fall back to SQLite (and say so).
 */
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';

export default async function globalSetup(): Promise<void> {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(`Tests need Redis at ${redisUrl} (set TEST_REDIS_URL). Start one: redis-server --daemonize yes`);
  } finally {
    redis.disconnect();
  }
  const mysqlUrl = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  try {
    const conn = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3000 });
    await conn.end();
    process.env.TEST_MYSQL_AVAILABLE = '1';
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`CI needs MariaDB/MySQL at ${mysqlUrl}: ${(err as Error).message}`);
    process.env.TEST_MYSQL_AVAILABLE = '0';
    process.stderr.write(`\n[gridbot tests] MariaDB/MySQL not reachable at ${mysqlUrl}: MySQL runs are replaced by SQLite on this machine.\n`);
  }
}
