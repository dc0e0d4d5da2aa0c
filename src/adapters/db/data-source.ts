/**
 * The TypeORM DataSource for `sqlite:PATH` (embedded default, better-sqlite3) or `mysql://…`.
 * Migrations are the only way the schema changes; they run on both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { allSchemas } from './schemas';
import { useLeanQueryRunners } from './lean-query-runner';

export type DatabaseKind = 'sqlite' | 'mysql';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

export interface DatabaseOptions {
  /**
   * mysql2 captures a stack trace for every query so a failing one points at its caller; that is
   * a measurable share of the CPU per message, so production turns it off (NODE_ENV=production).
   */
  traceQueries?: boolean;
  /** Connections in the pool (MySQL); 10 by default. */
  connectionLimit?: number;
}

export function createDataSource(url: string, options: DatabaseOptions = {}): DataSource {
  if (databaseKind(url) === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return new DataSource({
      type: 'better-sqlite3',
      database: file,
      entities: allSchemas,
      migrations,
      migrationsTransactionMode: 'each',
      // WAL lets several processes read while one writes; busy_timeout waits for the writer.
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
        // A resident's record removed on request is overwritten, not left in free pages.
        db.pragma('secure_delete = ON');
      },
    });
  }
  const u = new URL(url);
  const dataSource = new DataSource({
    type: 'mysql',
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
    charset: 'utf8mb4',
    timezone: 'Z',
    entities: allSchemas,
    migrations,
    migrationsTransactionMode: 'each',
    // Several statements per query: the unit of work starts a transaction, claims its key and reads
    // the read versions in one round trip (unit-of-work.ts). Every statement binds its values.
    extra: { connectionLimit: options.connectionLimit ?? 10, trace: options.traceQueries ?? true, multipleStatements: true },
  });
  useLeanQueryRunners(dataSource);
  return dataSource;
}

/** Opens the connection and applies pending migrations; returns the names applied. */
export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<{ dataSource: DataSource; applied: string[] }> {
  const dataSource = createDataSource(url, options);
  await dataSource.initialize();
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return { dataSource, applied: ran.map((m) => m.name) };
}

/**
 * Opens a read replica of the primary (DATABASE_READ_URL): no migrations run there, they arrive by
 * replication. Waits (up to `waitMs`) until the replica has every migration the primary has applied,
 * so a page never reads a table or column the replica does not have yet; then refuses to start.
 */
export async function openReadReplica(url: string, primary: DataSource, options: DatabaseOptions & { waitMs?: number } = {}): Promise<DataSource> {
  const replica = createDataSource(url, { ...options, connectionLimit: options.connectionLimit ?? 4 });
  await replica.initialize();
  const names = async (ds: DataSource) => new Set(((await ds.query('SELECT name FROM migrations')) as { name: string }[]).map((r) => r.name));
  const want = await names(primary);
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const have = await names(replica).catch(() => new Set<string>());
    const missing = [...want].filter((n) => !have.has(n));
    if (!missing.length) return replica;
    if (Date.now() > deadline) {
      await replica.destroy();
      throw new Error(`the read replica (DATABASE_READ_URL) lacks ${missing.length} migration(s) the primary has, the last ${missing[missing.length - 1]}: is replication running?`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
