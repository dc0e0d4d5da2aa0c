/** A fresh database per test file: a MariaDB schema or a SQLite file, dropped afterwards. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

export type TestDatabaseKind = 'mysql' | 'sqlite';

export interface TestDatabase {
  kind: TestDatabaseKind;
  url: string;
  drop(): Promise<void>;
}

const mysqlBase = () => process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export function mysqlAvailable(): boolean {
  return process.env.TEST_MYSQL_AVAILABLE !== '0';
}

/** The database end-to-end tests use unless they ask: MariaDB, as in production. */
export function defaultKind(): TestDatabaseKind {
  const wanted = process.env.TEST_DB as TestDatabaseKind | undefined;
  if (wanted === 'sqlite') return 'sqlite';
  return mysqlAvailable() ? 'mysql' : 'sqlite';
}

/** Both databases, for the tests that must prove the same behaviour on each. */
export function allKinds(): TestDatabaseKind[] {
  return mysqlAvailable() ? ['sqlite', 'mysql'] : ['sqlite'];
}

export async function createTestDatabase(kind: TestDatabaseKind = defaultKind()): Promise<TestDatabase> {
  const name = `gbt_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-'));
    return { kind, url: `sqlite:${path.join(dir, `${name}.sqlite`)}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const conn = await mysql.createConnection({ uri: mysqlBase() });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return {
    kind,
    url: `${mysqlBase()}/${name}`,
    drop: async () => {
      const c = await mysql.createConnection({ uri: mysqlBase() });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
