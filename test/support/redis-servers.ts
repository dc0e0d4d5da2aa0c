/**
 * Throw-away Redis deployments for tests, on free local ports, spawned and torn down by the test:
 * a Redis Cluster of three masters (`redis-server --cluster-enabled yes` + `redis-cli --cluster
 * create`) and a Sentinel deployment (one master, one sentinel). The shared Redis on 6379 is
 * never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisDeployment {
  /** REDIS_URL for gridbot. */
  url: string;
  /** The data ports (cluster masters, or the Sentinel-managed master). */
  ports: number[];
  stop(): Promise<void>;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that is free, and whose cluster bus port (+10000) is free too (any throw-away server may use it). */
export async function freePort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (taken.has(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port pair for a test Redis');
}

function redisCli(args: string[]): string {
  const r = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 20_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startServer(dir: string, args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function stopAll(children: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** Three masters, no replicas: every slot covered, `cluster_state:ok` on each node. */
export async function startRedisCluster(masters = 3): Promise<RedisDeployment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort(taken));
  const children = ports.map((port) => {
    const nodeDir = path.join(dir, String(port));
    fs.mkdirSync(nodeDir);
    return startServer(nodeDir, ['--port', String(port), ...COMMON, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']);
  });
  try {
    for (const port of ports) await until(() => redisCli(['-p', String(port), 'ping']).includes('PONG'), `redis-server on ${port}`);
    const created = redisCli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    if (!created.includes('All 16384 slots covered')) throw new Error(`redis-cli --cluster create failed:\n${created}`);
    for (const port of ports) await until(() => redisCli(['-p', String(port), 'cluster', 'info']).includes('cluster_state:ok'), `cluster state ok on ${port}`);
  } catch (err) {
    await stopAll(children, dir);
    throw err;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    stop: () => stopAll(children, dir),
  };
}

/** One master watched by one sentinel (quorum 1) under the name `gridbot-test`. */
export async function startRedisSentinel(): Promise<RedisDeployment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-sentinel-'));
  const taken = new Set<number>();
  const masterPort = await freePort(taken);
  const sentinelPort = await freePort(taken);
  const children = [startServer(dir, ['--port', String(masterPort), ...COMMON])];
  try {
    await until(() => redisCli(['-p', String(masterPort), 'ping']).includes('PONG'), `redis-server on ${masterPort}`);
    const conf = path.join(dir, 'sentinel.conf');
    fs.writeFileSync(conf, [`port ${sentinelPort}`, 'bind 127.0.0.1', `sentinel monitor gridbot-test 127.0.0.1 ${masterPort} 1`, 'sentinel down-after-milliseconds gridbot-test 2000', ''].join('\n'));
    children.push(startServer(dir, [conf, '--sentinel']));
    await until(
      () => redisCli(['-p', String(sentinelPort), 'sentinel', 'get-master-addr-by-name', 'gridbot-test']).includes(String(masterPort)),
      `sentinel on ${sentinelPort} to know the master`,
    );
  } catch (err) {
    await stopAll(children, dir);
    throw err;
  }
  return { url: `redis+sentinel://127.0.0.1:${sentinelPort}/gridbot-test`, ports: [masterPort], stop: () => stopAll(children, dir) };
}
