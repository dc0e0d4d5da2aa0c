/**
 * A throw-away MariaDB primary and its replica for tests, on free local ports in a temporary
 * directory: `mariadb-install-db` makes both data directories, the primary writes a binary log,
 * the replica follows it by GTID. The shared MariaDB on 3306 is never touched. Both servers skip
 * the grant tables: they listen on 127.0.0.1 only and live as long as the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './redis-servers';

export interface ReplicaPair {
  /** mysql://root@127.0.0.1:port (no database): the primary, and the replica that follows it. */
  primaryUrl: string;
  replicaUrl: string;
  /** Pauses applying the primary's changes on the replica (it falls behind), and resumes. */
  pauseReplication(): Promise<void>;
  resumeReplication(): Promise<void>;
  stop(): Promise<void>;
}

const MARIADBD = '/usr/sbin/mariadbd';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startReplicaPair(): Promise<ReplicaPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-replica-'));
  const taken = new Set<number>();
  const children: ChildProcess[] = [];
  const start = async (name: string, serverId: number, extra: string[]): Promise<number> => {
    const datadir = path.join(dir, name);
    const made = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8', timeout: 60_000 });
    if (made.status !== 0) throw new Error(`mariadb-install-db failed: ${made.stderr}`);
    const port = await freePort(taken);
    const child = spawn(
      MARIADBD,
      ['--no-defaults', '--user=root', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${path.join(dir, `${name}.sock`)}`, `--pid-file=${path.join(dir, `${name}.pid`)}`, `--server-id=${serverId}`, '--innodb-buffer-pool-size=32M', '--skip-grant-tables', '--skip-name-resolve', ...extra],
      { stdio: 'ignore' },
    );
    child.on('error', () => undefined);
    children.push(child);
    await until(async () => {
      const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      await c.end();
      return true;
    }, `MariaDB ${name} on ${port}`);
    return port;
  };
  const stop = async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve())))));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primary = await start('primary', 1, [`--log-bin=${path.join(dir, 'primary', 'bin')}`, '--binlog-format=ROW']);
    const replica = await start('replica', 2, ['--read-only=1']);
    const onReplica = async (sql: string) => {
      const c = await mysql.createConnection({ host: '127.0.0.1', port: replica, user: 'root' });
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await onReplica(`CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary}, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos`);
    await onReplica('START SLAVE');
    return {
      primaryUrl: `mysql://root@127.0.0.1:${primary}`,
      replicaUrl: `mysql://root@127.0.0.1:${replica}`,
      pauseReplication: () => onReplica('STOP SLAVE SQL_THREAD'),
      resumeReplication: () => onReplica('START SLAVE SQL_THREAD'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
